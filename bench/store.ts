/**
 * The store benchmark: how many use-case transactions per second loopctl sustains on its own
 * storage, against a baseline of the same SQL sent straight through the driver in the same run.
 *
 * For each backend — embedded PGlite in a data directory on disk (durable, as in production), and
 * real Postgres when `DATABASE_URL` is set (in a database created for the run and dropped after)
 * — one tenant gets one project whose epics are imported through the core's Importer: one epic
 * of N stories for loopctl, one of N for the baseline, and a smaller one for each side's warm-up.
 * Then every story is walked contract → claim → start → request-review → report →
 * review-complete → verify by three agents (the implementer; a reviewer who reports and reviews;
 * an orchestrator agent who verifies): on the loopctl side through the core services on
 * `SqlPorts`, on the baseline side through `store-baseline.ts`. One transaction runs at a time,
 * so the figure is the cost of one use case end to end, not the server's parallel throughput.
 *
 * Afterwards both sides' rows are counted, so a benchmark that measured a refused or partial walk
 * cannot pass for a fast one (the smoke test checks these counts, never the timings).
 */
import { randomUUID } from "node:crypto"
import { join } from "node:path"
import { PgliteClient, SqlPorts, appRole, pgliteDatabase, postgresDatabase } from "@loopctl/adapters-pg"
import {
  Actor,
  AgentId,
  ApiKeyId,
  type Caller,
  Importer,
  LoopctlServices,
  type Policy,
  type ProjectId,
  ProjectPlanning,
  Stories,
  type Story,
  StoryActions,
  StoryLifecycle,
  Tenant,
  TenantId,
  Tenants,
  UnitOfWork,
  Verification,
  WorkActions,
  actingAs,
  now,
  policyUse,
} from "@loopctl/core"
import { Config, Data, Effect, Layer, Option, Redacted } from "effect"
import { freshDatabase, temporaryDirectory } from "./databases.js"
import {
  type EpicOutcome,
  type RawActor,
  type RawCast,
  type RawDatabase,
  type UseCase,
  baselineUseCases,
  openPostgresRaw,
  pgliteRaw,
  readOutcome,
  reviewType,
  useCases,
  verifySummary,
} from "./store-baseline.js"

/** Runs a use case as `caller` under the policy of its action, as the HTTP edge does. */
const performAs =
  <Action extends string, E>(caller: Caller, p: Policy<Action, E>) =>
  <A, E2, R>(effect: Effect.Effect<A, E2, R>) =>
    effect.pipe(policyUse(p), actingAs(caller))

export { type EpicOutcome, type UseCase, useCases } from "./store-baseline.js"

/** Why the benchmark could not run to the end, in one line. */
export class StoreBenchmarkFailed extends Data.TaggedError("StoreBenchmarkFailed")<{
  readonly message: string
}> {}

/** How much work one run does, and where. */
export interface StoreBenchmarkOptions {
  /** Stories walked per side (each is `useCases.length` transactions). */
  readonly stories: number
  /** Stories walked per side before timing starts. */
  readonly warmupStories: number
  /** A Postgres server to run on as well; none → PGlite only. */
  readonly databaseUrl: Option.Option<string>
}

// The importer takes at most 5000 stories per document; each side's epic is one document.
const storyCount = (name: string, fallback: number, min: number) =>
  Config.integer(name).pipe(
    Config.withDefault(fallback),
    Config.validate({
      message: `must be an integer from ${min} to 5000`,
      validation: (n) => n >= min && n <= 5000,
    }),
  )

/** The options from the environment: BENCH_STORIES, BENCH_WARMUP_STORIES, DATABASE_URL. */
export const storeBenchmarkOptions: Config.Config<StoreBenchmarkOptions> = Config.all({
  stories: storyCount("BENCH_STORIES", 100, 1),
  warmupStories: storyCount("BENCH_WARMUP_STORIES", 10, 0),
  databaseUrl: Config.option(Config.string("DATABASE_URL")).pipe(
    Config.map(Option.filter((url) => url.trim() !== "")),
  ),
})

/** Which database one run of the benchmark uses. */
export type StoreBackend =
  | { readonly kind: "pglite" }
  | { readonly kind: "postgres"; readonly serverUrl: string }

/** What one side (loopctl or the baseline) did on one backend. */
export interface SideResult {
  readonly stories: number
  readonly transactions: number
  readonly elapsedMs: number
  readonly txPerSecond: number
  /** Mean milliseconds per transaction of each use case. */
  readonly msPerUseCase: ReadonlyMap<UseCase, number>
  /** What the walk left in the database, counted afterwards. */
  readonly outcome: EpicOutcome
}

/** Both sides on one backend, and loopctl's throughput as a fraction of the baseline's. */
export interface StoreBackendResult {
  readonly backend: StoreBackend["kind"]
  readonly loopctl: SideResult
  readonly baseline: SideResult
  readonly ratio: number
}

const failed =
  (what: string) =>
  (cause: unknown): StoreBenchmarkFailed =>
    new StoreBenchmarkFailed({
      message: `${what}: ${cause instanceof Error ? cause.message : String(cause)}`,
    })

/** The tenant's keys: an owner who imports, and the three agents of the walk. */
const castOf = (tenant_id: TenantId) => {
  const key = (key_name: string, role: Actor["role"], linked: boolean) =>
    new Actor({
      tenant_id,
      api_key_id: ApiKeyId.make(randomUUID()),
      key_name,
      role,
      agent_id: linked ? AgentId.make(randomUUID()) : null,
    })
  return {
    owner: key("owner", "user", false),
    implementer: key("implementer", "agent", true),
    reviewer: key("reviewer", "agent", true),
    orchestrator: key("orchestrator", "orchestrator", true),
  }
}
type Cast = ReturnType<typeof castOf>

const rawActor = (actor: Actor): RawActor => ({
  api_key_id: actor.api_key_id,
  agent_id: actor.agent_id,
  label: actor.label,
})

const rawCastOf = (cast: Cast): RawCast => ({
  tenant: cast.owner.tenant_id,
  role: appRole,
  implementer: rawActor(cast.implementer),
  reviewer: rawActor(cast.reviewer),
  orchestrator: rawActor(cast.orchestrator),
})

/** The epics of the benchmark's project: each side walks its own, warm-up and timed. */
const epics = {
  warmupLoopctl: { number: 1, title: "Warm-up, loopctl" },
  warmupBaseline: { number: 2, title: "Warm-up, raw SQL" },
  loopctl: { number: 3, title: "Timed, loopctl" },
  baseline: { number: 4, title: "Timed, raw SQL" },
} as const
type EpicRole = keyof typeof epics
const epicRoles: ReadonlyArray<EpicRole> = ["warmupLoopctl", "warmupBaseline", "loopctl", "baseline"]

const importDocument = (number: number, title: string, count: number) => ({
  epics: [
    {
      number,
      title,
      stories: Array.from({ length: count }, (_, i) => ({
        number: `${number}.${i + 1}`,
        title: `Story ${number}.${i + 1}`,
        acceptance_criteria: [{ id: "AC-1", description: "the walk reaches verified" }],
      })),
    },
  ],
})

/** One tenant, one project, and its epics imported through the Importer; returns their stories. */
const seed = (options: StoreBenchmarkOptions) =>
  Effect.gen(function* () {
    const tenant_id = TenantId.make(randomUUID())
    const at = yield* now
    yield* Effect.flatMap(Tenants, (tenants) =>
      tenants.insert(
        new Tenant({
          id: tenant_id,
          name: "Store benchmark",
          slug: `bench-${tenant_id.slice(0, 8)}`,
          email: "bench@example.org",
          settings: {},
          status: "active",
          default_story_budget_millicents: null,
          token_data_retention_days: null,
          inserted_at: at,
          updated_at: at,
        }),
      ),
    )
    const cast = castOf(tenant_id)
    const project = yield* Effect.flatMap(ProjectPlanning, (projectPlanning) =>
      projectPlanning.createProject({ name: "Store benchmark", slug: "store-benchmark" }),
    ).pipe(policyUse(WorkActions.createProject), actingAs(cast.owner))
    const importer = yield* Importer
    const counts: Record<EpicRole, number> = {
      warmupLoopctl: options.warmupStories,
      warmupBaseline: options.warmupStories,
      loopctl: options.stories,
      baseline: options.stories,
    }
    for (const role of epicRoles) {
      const { number, title } = epics[role]
      if (counts[role] > 0)
        yield* importer
          .importProject(project.id, importDocument(number, title, counts[role]))
          .pipe(policyUse(WorkActions.importWork), actingAs(cast.owner))
    }
    const stories = yield* storiesOf(tenant_id, project.id)
    const ofEpic = (role: EpicRole) =>
      stories.filter((story) => story.number.startsWith(`${epics[role].number}.`))
    return {
      cast,
      warmupLoopctl: ofEpic("warmupLoopctl"),
      warmupBaseline: ofEpic("warmupBaseline"),
      loopctl: ofEpic("loopctl"),
      baseline: ofEpic("baseline"),
    }
  }).pipe(
    Effect.mapError(
      ({ _tag, message }) => new StoreBenchmarkFailed({ message: `seeding: ${_tag}: ${message}` }),
    ),
  )

const storiesOf = (tenant: TenantId, project: ProjectId) =>
  Effect.flatMap(UnitOfWork, (uow) =>
    uow.transact(
      tenant,
      Effect.flatMap(Stories, (s) => s.listAllByProject(project)),
    ),
  )

/** Time and count per use case, filled in as a side walks. */
const makeTally = () => {
  const totals = new Map<UseCase, { ms: number; count: number }>()
  return {
    add: (useCase: UseCase, ms: number) => {
      const sofar = totals.get(useCase) ?? { ms: 0, count: 0 }
      totals.set(useCase, { ms: sofar.ms + ms, count: sofar.count + 1 })
    },
    transactions: () => [...totals.values()].reduce((sum, t) => sum + t.count, 0),
    meanMs: (): ReadonlyMap<UseCase, number> =>
      new Map(useCases.map((u) => [u, (totals.get(u)?.ms ?? 0) / Math.max(1, totals.get(u)?.count ?? 0)])),
  }
}
type Tally = ReturnType<typeof makeTally>

/** A refusal or failure of a core use case: every core error has a tag and a message. */
interface UseCaseFailure {
  readonly _tag: string
  readonly message: string
}

/** The walk's use cases on loopctl, each behind the policy an HTTP handler would apply. */
const loopctlUseCases = (
  cast: Cast,
  lifecycle: StoryLifecycle,
  verification: Verification,
): { readonly [U in UseCase]: (story: Story) => Effect.Effect<unknown, UseCaseFailure> } => ({
  contract: (story) =>
    performAs(
      cast.implementer,
      StoryActions.contract,
    )(lifecycle.contract(story.id, { story_title: story.title, ac_count: story.acceptance_criteria.length })),
  claim: (story) => performAs(cast.implementer, StoryActions.claim)(lifecycle.claim(story.id)),
  start: (story) => performAs(cast.implementer, StoryActions.start)(lifecycle.start(story.id)),
  "request-review": (story) =>
    performAs(cast.implementer, StoryActions.requestReview)(lifecycle.requestReview(story.id)),
  report: (story) => performAs(cast.reviewer, StoryActions.report)(lifecycle.report(story.id)),
  "review-complete": (story) =>
    performAs(
      cast.reviewer,
      StoryActions.reviewComplete,
    )(lifecycle.reviewComplete(story.id, { review_type: reviewType })),
  verify: (story) =>
    performAs(
      cast.orchestrator,
      StoryActions.verify,
    )(verification.verify(story.id, { review_type: reviewType, summary: verifySummary })),
})

const walkLoopctl = (
  steps: ReturnType<typeof loopctlUseCases>,
  stories: ReadonlyArray<Story>,
  tally: Tally,
) =>
  Effect.forEach(
    stories,
    (story) =>
      Effect.forEach(
        useCases,
        (useCase) =>
          Effect.gen(function* () {
            const start = performance.now()
            yield* steps[useCase](story).pipe(
              Effect.mapError(
                (error) =>
                  new StoreBenchmarkFailed({
                    message: `loopctl ${useCase} of story ${story.number} refused: ${error._tag}: ${error.message}`,
                  }),
              ),
            )
            tally.add(useCase, performance.now() - start)
          }),
        { discard: true },
      ),
    { discard: true },
  )

const walkBaseline = (db: RawDatabase, cast: RawCast, stories: ReadonlyArray<Story>, tally: Tally) =>
  Effect.tryPromise({
    try: async () => {
      for (const story of stories) {
        for (const useCase of useCases) {
          const start = performance.now()
          await baselineUseCases[useCase](db, cast, story.id)
          tally.add(useCase, performance.now() - start)
        }
      }
    },
    catch: failed("the raw SQL walk failed"),
  })

/** Times one side's walk of `stories`, then counts what it wrote. */
const timedSide = <R>(
  db: RawDatabase,
  cast: RawCast,
  stories: ReadonlyArray<Story>,
  walk: (tally: Tally) => Effect.Effect<void, StoreBenchmarkFailed, R>,
) =>
  Effect.gen(function* () {
    const tally = makeTally()
    const start = performance.now()
    yield* walk(tally)
    const elapsedMs = performance.now() - start
    const epic = stories[0]?.epic_id
    const outcome = yield* Effect.tryPromise({
      try: () => (epic === undefined ? Promise.resolve(noOutcome) : readOutcome(db, cast, epic)),
      catch: failed("cannot count what the walk wrote"),
    })
    const transactions = tally.transactions()
    const result: SideResult = {
      stories: stories.length,
      transactions,
      elapsedMs,
      txPerSecond: elapsedMs > 0 ? (transactions * 1000) / elapsedMs : 0,
      msPerUseCase: tally.meanMs(),
      outcome,
    }
    return result
  })

const noOutcome: EpicOutcome = {
  stories: 0,
  verified: 0,
  review_records: 0,
  verification_results: 0,
  audit_entries: 0,
  epic_completions: 0,
  outbox_events: 0,
}

/** Seeds, warms up both sides, then times loopctl and the baseline on the database in context. */
const measure = (backend: StoreBackend["kind"], db: RawDatabase, options: StoreBenchmarkOptions) =>
  Effect.gen(function* () {
    const world = yield* seed(options)
    const steps = loopctlUseCases(world.cast, yield* StoryLifecycle, yield* Verification)
    const cast = rawCastOf(world.cast)
    // JIT, statement plans, pool connections and the data directory's pages all warm up here.
    yield* walkLoopctl(steps, world.warmupLoopctl, makeTally())
    yield* walkBaseline(db, cast, world.warmupBaseline, makeTally())
    const loopctl = yield* timedSide(db, cast, world.loopctl, (tally) =>
      walkLoopctl(steps, world.loopctl, tally),
    )
    const baseline = yield* timedSide(db, cast, world.baseline, (tally) =>
      walkBaseline(db, cast, world.baseline, tally),
    )
    const result: StoreBackendResult = {
      backend,
      loopctl,
      baseline,
      ratio: baseline.txPerSecond > 0 ? loopctl.txPerSecond / baseline.txPerSecond : 0,
    }
    return result
  })

/** A database start-up failure of the adapter, as this benchmark's failure. */
const notReady =
  (backend: StoreBackend["kind"]) =>
  (error: StoreBenchmarkFailed | { readonly _tag: string; readonly message: string }) =>
    error instanceof StoreBenchmarkFailed
      ? error
      : new StoreBenchmarkFailed({ message: `${backend}: database not ready: ${error.message}` })

const onPglite = (options: StoreBenchmarkOptions) =>
  Effect.scoped(
    Effect.gen(function* () {
      const directory = yield* Effect.mapError(
        temporaryDirectory,
        failed("cannot create a temporary directory"),
      )
      return yield* Effect.flatMap(PgliteClient.Pglite, (db) =>
        measure("pglite", pgliteRaw(db), options),
      ).pipe(
        Effect.provide(
          LoopctlServices.pipe(
            Layer.provideMerge(SqlPorts),
            Layer.provideMerge(pgliteDatabase({ dataDir: join(directory, "data") })),
          ),
        ),
      )
    }),
  ).pipe(Effect.mapError(notReady("pglite")))

const onPostgres = (serverUrl: string, options: StoreBenchmarkOptions) =>
  Effect.scoped(
    Effect.gen(function* () {
      const database = yield* Effect.mapError(freshDatabase(serverUrl), failed("cannot create a database"))
      const { raw } = yield* Effect.acquireRelease(
        Effect.sync(() => openPostgresRaw(database.url, appRole)),
        (pool) => Effect.promise(() => pool.close()),
      )
      return yield* measure("postgres", raw, options).pipe(
        Effect.provide(
          LoopctlServices.pipe(
            Layer.provideMerge(SqlPorts),
            Layer.provideMerge(postgresDatabase({ url: Redacted.make(database.url) })),
          ),
        ),
      )
    }),
  ).pipe(Effect.mapError(notReady("postgres")))

/** The benchmark on one backend. */
export const runStoreBenchmarkOn = (
  backend: StoreBackend,
  options: StoreBenchmarkOptions,
): Effect.Effect<StoreBackendResult, StoreBenchmarkFailed> =>
  backend.kind === "pglite" ? onPglite(options) : onPostgres(backend.serverUrl, options)

/** The benchmark on PGlite, then on Postgres when `databaseUrl` is set. */
export const runStoreBenchmark = (
  options: StoreBenchmarkOptions,
): Effect.Effect<ReadonlyArray<StoreBackendResult>, StoreBenchmarkFailed> =>
  Effect.gen(function* () {
    const results = [yield* runStoreBenchmarkOn({ kind: "pglite" }, options)]
    if (Option.isSome(options.databaseUrl))
      results.push(
        yield* runStoreBenchmarkOn({ kind: "postgres", serverUrl: options.databaseUrl.value }, options),
      )
    return results
  })

const perSecond = (value: number) => Math.round(value).toString()
const seconds = (ms: number) => `${(ms / 1000).toFixed(2)} s`

/** The summary line of one backend, e.g. `postgres: loopctl 612 tx/s, raw SQL 1480 tx/s, ratio 0.41`. */
export const summaryLine = (result: StoreBackendResult): string =>
  `${result.backend}: loopctl ${perSecond(result.loopctl.txPerSecond)} tx/s, raw SQL ${perSecond(result.baseline.txPerSecond)} tx/s, ratio ${result.ratio.toFixed(2)}`

const sideLine = (label: string, side: SideResult) =>
  `  ${label.padEnd(8)} ${side.stories} stories, ${side.transactions} transactions in ${seconds(side.elapsedMs)} = ${perSecond(side.txPerSecond)} tx/s`

/** The report of a run: what was measured, then per backend its summary, both sides and each use case. */
export const formatStoreResults = (
  options: StoreBenchmarkOptions,
  results: ReadonlyArray<StoreBackendResult>,
): ReadonlyArray<string> => [
  `store: ${options.stories} stories per side, ${useCases.length} use cases each (${useCases.join(" → ")}), ${options.warmupStories} warm-up stories per side, one transaction at a time`,
  ...results.flatMap((result) => [
    summaryLine(result),
    sideLine("loopctl", result.loopctl),
    sideLine("raw SQL", result.baseline),
    `  ms per transaction, loopctl / raw SQL: ${useCases
      .map(
        (u) =>
          `${u} ${(result.loopctl.msPerUseCase.get(u) ?? 0).toFixed(2)}/${(result.baseline.msPerUseCase.get(u) ?? 0).toFixed(2)}`,
      )
      .join(", ")}`,
  ]),
  ...(Option.isNone(options.databaseUrl) ? ["postgres: skipped (DATABASE_URL is not set)"] : []),
]
