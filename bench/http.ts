/**
 * The HTTP benchmark: requests per second and p50/p99 latency of the loopctl server for
 * `GET /api/v1/stories/:id` and for the claim transition (`POST /api/v1/stories/:id/claim`) with
 * 1, 16 and 64 concurrent clients, beside a bare `node:http` server that answers the same JSON
 * in the same process and the same run. The ratio loopctl ÷ bare is what loopctl's stack costs:
 * authentication, the rate-limit counter, the transaction, the row lock, the audit entry and the
 * event of a claim, all of which the bare server skips.
 *
 * The server is the production one (`httpServerLayer` over `applicationLayer`), on PGlite in a
 * temporary directory and, when DATABASE_URL is set, on a fresh Postgres database as well. The
 * tenant, its agent and its contracted stories are made through the core before timing starts;
 * each claim takes a story of its own, so every timed claim is a real one (the run fails when
 * any answer is not 2xx).
 */
import {
  type Caller,
  Importer,
  type Policy,
  ProjectPlanning,
  Stories,
  StoryActions,
  type StoryId,
  StoryLifecycle,
  UnitOfWork,
  WorkActions,
  actingAs,
  policyUse,
} from "@loopctl/core"
import { Config, Data, Effect, Option } from "effect"
import { type LoadFigures, bareJsonServer, load } from "./http-load.js"
import { type ServerBackend, benchAgent, benchTenant, messageOf, origin, withServer } from "./server.js"

/** Runs a use case as `caller` under the policy of its action, as the HTTP edge does. */
const performAs =
  <Action extends string, E>(caller: Caller, p: Policy<Action, E>) =>
  <A, E2, R>(effect: Effect.Effect<A, E2, R>) =>
    effect.pipe(policyUse(p), actingAs(caller))

/** Why the benchmark could not run to the end, in one line. */
export class HttpBenchmarkFailed extends Data.TaggedError("HttpBenchmarkFailed")<{
  readonly message: string
}> {}

/** How much load one run applies. */
export interface HttpBenchmarkOptions {
  /** Concurrent clients of each step. */
  readonly clients: ReadonlyArray<number>
  /** Requests per step for GET, and claims per step (each on its own story). */
  readonly reads: number
  readonly claims: number
  /** How long each bare-server run lasts (it is far too fast to time by a request count). */
  readonly bareSeconds: number
  readonly databaseUrl: Option.Option<string>
}

export const httpBenchmarkOptions: Config.Config<HttpBenchmarkOptions> = Config.all({
  clients: Config.succeed([1, 16, 64]),
  reads: Config.integer("BENCH_HTTP_READS").pipe(Config.withDefault(2000)),
  claims: Config.integer("BENCH_HTTP_CLAIMS").pipe(Config.withDefault(600)),
  bareSeconds: Config.succeed(3),
  databaseUrl: Config.option(Config.nonEmptyString("DATABASE_URL")),
})

/** Which database the server runs on. */
export type HttpBackend = ServerBackend

/** One step: an operation at one concurrency, on both servers. */
export interface HttpStep {
  readonly operation: "GET /stories/:id" | "POST /stories/:id/claim"
  readonly clients: number
  readonly loopctl: LoadFigures
  readonly bare: LoadFigures
}

export interface HttpBackendResult {
  readonly backend: HttpBackend["kind"]
  readonly steps: ReadonlyArray<HttpStep>
  /** Stories whose agent_status is `assigned` after the run: one per timed and warm-up claim. */
  readonly claimed: number
}

const failed =
  (what: string) =>
  (cause: unknown): HttpBenchmarkFailed =>
    new HttpBenchmarkFailed({ message: `${what}: ${messageOf(cause)}` })

/**
 * A tenant (rate limit lifted so the load is not throttled), its implementer agent with its key,
 * and `count` contracted stories; the story ids come back in order.
 */
const prepare = (count: number) =>
  Effect.gen(function* () {
    const { user, userKey } = yield* benchTenant
    const { key: agentKey, actor: implementer } = yield* benchAgent(userKey, "implementer", "implementer")

    const project = yield* (yield* ProjectPlanning)
      .createProject({ name: "Bench", slug: "bench" })
      .pipe(policyUse(WorkActions.createProject), actingAs(user))
    const stories = Array.from({ length: count }, (_, i) => ({
      number: `1.${i + 1}`,
      title: `Story ${i + 1}`,
      acceptance_criteria: [{ id: "AC-1", description: "it works" }],
    }))
    yield* (yield* Importer)
      .importProject(project.id, { epics: [{ number: 1, title: "Bench", stories }] })
      .pipe(policyUse(WorkActions.importWork), actingAs(user))
    const ids = yield* Effect.flatMap(UnitOfWork, (uow) =>
      uow.transact(
        user.tenant_id,
        Effect.flatMap(Stories, (repo) => repo.listAllByProject(project.id)),
      ),
    )
    const lifecycle = yield* StoryLifecycle
    yield* Effect.forEach(ids, (story) =>
      performAs(
        implementer,
        StoryActions.contract,
      )(
        lifecycle.contract(story.id, {
          story_title: story.title,
          ac_count: story.acceptance_criteria.length,
        }),
      ),
    )
    return { agentKey, implementer, projectId: project.id, storyIds: ids.map((story) => story.id) }
  })

/** Hands out ids in order; running out is a failure of the run, not a silent repeat. */
const queueOf = (ids: ReadonlyArray<StoryId>) => {
  let next = 0
  return () => {
    const id = ids[next++]
    if (id === undefined) throw new Error("the benchmark ran out of contracted stories")
    return id
  }
}

/** Every step of the benchmark on the server in context. */
const measure = (options: HttpBenchmarkOptions) =>
  Effect.gen(function* () {
    const warmup = Math.min(200, options.reads)
    const claimsNeeded = options.claims * options.clients.length + warmup
    const { agentKey, implementer, projectId, storyIds } = yield* prepare(claimsNeeded + 1)
    const [readId, ...claimable] = storyIds
    if (readId === undefined) return yield* new HttpBenchmarkFailed({ message: "no story was imported" })
    const base = yield* origin
    const headers = { authorization: `Bearer ${agentKey}` }

    // The bare server answers with exactly what loopctl answers, so both move the same bytes.
    const storyBody = yield* Effect.tryPromise({
      try: () => fetch(`${base}/api/v1/stories/${readId}`, { headers }).then((r) => r.text()),
      catch: failed("reading the story"),
    })
    const claimOf = queueOf(claimable)
    const first = claimOf()
    const claimBody = yield* Effect.tryPromise({
      try: () =>
        fetch(`${base}/api/v1/stories/${first}/claim`, { method: "POST", headers, body: "{}" }).then((r) =>
          r.text(),
        ),
      catch: failed("the first claim"),
    })
    const bareRead = yield* bareJsonServer(storyBody)
    const bareClaim = yield* bareJsonServer(claimBody)

    const readPlan = (target: string, connections: number, amount: number, seconds?: number) =>
      load({
        origin: target,
        method: "GET",
        path: () => `/api/v1/stories/${readId}`,
        headers,
        connections,
        amount,
        ...(seconds === undefined ? {} : { seconds }),
      })
    const claimPlan = (
      target: string,
      connections: number,
      amount: number,
      path: () => string,
      seconds?: number,
    ) =>
      load({
        origin: target,
        method: "POST",
        path,
        headers,
        body: "{}",
        connections,
        amount,
        ...(seconds === undefined ? {} : { seconds }),
      })

    // Warm both servers (JIT, connection pools, caches) before anything is timed.
    yield* readPlan(base, 16, warmup)
    yield* readPlan(bareRead.origin, 16, warmup)
    yield* claimPlan(base, 16, warmup - 1, () => `/api/v1/stories/${claimOf()}/claim`)
    yield* claimPlan(bareClaim.origin, 16, warmup, () => "/")

    const steps: Array<HttpStep> = []
    for (const clients of options.clients) {
      steps.push({
        operation: "GET /stories/:id",
        clients,
        loopctl: yield* readPlan(base, clients, options.reads),
        bare: yield* readPlan(bareRead.origin, clients, options.reads, options.bareSeconds),
      })
    }
    for (const clients of options.clients) {
      steps.push({
        operation: "POST /stories/:id/claim",
        clients,
        loopctl: yield* claimPlan(base, clients, options.claims, () => `/api/v1/stories/${claimOf()}/claim`),
        bare: yield* claimPlan(bareClaim.origin, clients, options.claims, () => "/", options.bareSeconds),
      })
    }
    for (const step of steps) {
      const side = step.loopctl.non2xx + step.loopctl.errors > 0 ? step.loopctl : step.bare
      if (side.non2xx + side.errors > 0)
        return yield* new HttpBenchmarkFailed({
          message: `${step.operation} with ${step.clients} clients: ${side.non2xx} answers were not 2xx, ${side.errors} failed`,
        })
    }
    const claimed = yield* Effect.flatMap(UnitOfWork, (uow) =>
      uow.transact(
        implementer.tenant_id,
        Effect.flatMap(Stories, (repo) =>
          repo.listByProject(projectId, { agent_status: "assigned" }, { page: 1, page_size: 1 }),
        ),
      ),
    )
    return { steps, claimed: claimed.total_count }
  })

/** The benchmark on one backend. */
export const runHttpBenchmarkOn = (
  backend: HttpBackend,
  options: HttpBenchmarkOptions,
): Effect.Effect<HttpBackendResult, HttpBenchmarkFailed> =>
  withServer(backend, measure(options)).pipe(
    Effect.map((result) => ({ backend: backend.kind, ...result })),
    Effect.mapError(failed(backend.kind)),
  )

/** The benchmark on PGlite, then on Postgres when `databaseUrl` is set. */
export const runHttpBenchmark = (options: HttpBenchmarkOptions) =>
  Effect.gen(function* () {
    const results = [yield* runHttpBenchmarkOn({ kind: "pglite" }, options)]
    if (Option.isSome(options.databaseUrl))
      results.push(
        yield* runHttpBenchmarkOn({ kind: "postgres", serverUrl: options.databaseUrl.value }, options),
      )
    return results
  })

const fixed = (value: number, digits = 0) => value.toFixed(digits)

/** The report: one line per step with both servers' figures and loopctl's share of the bare rate. */
export const formatHttpResults = (
  options: HttpBenchmarkOptions,
  results: ReadonlyArray<HttpBackendResult>,
): ReadonlyArray<string> => [
  `http: ${options.reads} reads and ${options.claims} claims per step, clients ${options.clients.join("/")}, loopctl server vs bare node:http in one process`,
  ...results.flatMap((result) => [
    `  ${result.backend} (${result.claimed} stories claimed):`,
    ...result.steps.map(
      (step) =>
        `    ${step.operation.padEnd(24)} ${String(step.clients).padStart(2)} clients: loopctl ${fixed(step.loopctl.rps).padStart(6)} req/s p50 ${fixed(step.loopctl.p50, 1)} ms p99 ${fixed(step.loopctl.p99, 1)} ms | bare ${fixed(step.bare.rps).padStart(6)} req/s p50 ${fixed(step.bare.p50, 1)} ms p99 ${fixed(step.bare.p99, 1)} ms | ratio ${fixed(step.loopctl.rps / step.bare.rps, 3)}`,
    ),
  ]),
]
