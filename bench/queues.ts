/**
 * The queues on a big project, on the production server: `GET /stories/ready` and
 * `GET /stories/blocked` answering a 100-item page of a project of 10,000 stories in 100 epics
 * with about 20,000 story dependencies (each story past the first 100 waits for two or three
 * earlier ones, picked by hash) and 20 epic dependencies, the first 3,000 stories verified. The
 * rows are written straight into the database as its owner (the import's speed is measured by
 * `work.ts`). Reported per queue: p50 and p99 of one client's sequential requests, beside the same
 * queue statement sent as raw SQL through the server's own driver in the same process (in a
 * transaction scoped to the tenant, as the server's is), and their ratio. Figures, not asserts.
 */
import * as SqlClient from "@effect/sql/SqlClient"
import { DatabaseAccess } from "@loopctl/adapters-pg"
import { Config, Data, Effect, Option, Schema } from "effect"
import { type LoadFigures, load } from "./http-load.js"
import { benchRequest, decodedAnswer } from "./requests.js"
import { type ServerBackend, benchAgent, benchTenant, messageOf, origin, withServer } from "./server.js"

/** Why the benchmark could not run to the end, in one line. */
export class QueueBenchmarkFailed extends Data.TaggedError("QueueBenchmarkFailed")<{
  readonly message: string
}> {}

export interface QueueBenchmarkOptions {
  readonly stories: number
  /** Sequential reads of each queue (after a warm-up of a tenth as many). */
  readonly reads: number
  readonly databaseUrl: Option.Option<string>
}

export const queueBenchmarkOptions: Config.Config<QueueBenchmarkOptions> = Config.all({
  stories: Config.integer("BENCH_QUEUE_STORIES").pipe(Config.withDefault(10_000)),
  reads: Config.integer("BENCH_QUEUE_READS").pipe(Config.withDefault(100)),
  databaseUrl: Config.option(Config.nonEmptyString("DATABASE_URL")),
})

/** The figures of one queue: through the API, and as raw SQL. */
export interface QueueFigures {
  readonly items: number
  readonly total: number
  readonly loopctl: LoadFigures
  readonly raw: { readonly p50: number; readonly p99: number }
}

export interface QueueBackendResult {
  readonly backend: ServerBackend["kind"]
  readonly stories: number
  readonly dependencies: number
  readonly ready: QueueFigures
  readonly blocked: QueueFigures
}

const failed =
  (what: string) =>
  (cause: unknown): QueueBenchmarkFailed =>
    new QueueBenchmarkFailed({ message: `${what}: ${messageOf(cause)}` })

const ProjectBody = Schema.Struct({ project: Schema.Struct({ id: Schema.String }) })
const QueuePage = Schema.Struct({
  data: Schema.Array(Schema.Unknown),
  meta: Schema.Struct({ total_count: Schema.Number }),
})

/**
 * The project's epics, stories and edges as three INSERT … SELECT statements over
 * generate_series (ids from md5, so one run is one graph). `$1` the tenant, `$2` the project.
 */
const seedStatements = (stories: number) => {
  const epicSize = Math.max(1, Math.ceil(stories / 100))
  /** The id of the epic numbered `n` (a SQL expression). */
  const epicOf = (n: string) => `md5($2::text || 'e' || (${n}))::uuid`
  const storyOf = (i: string) => `md5($2::text || 's' || ${i})::uuid`
  return [
    `INSERT INTO epics (tenant_id, id, project_id, number, title, position, inserted_at, updated_at)
     SELECT $1::uuid, ${epicOf("g")}, $2::uuid, g, 'Epic ' || g, g, now(), now()
     FROM generate_series(1, ${Math.ceil(stories / epicSize)}) g`,
    `INSERT INTO stories (tenant_id, id, project_id, epic_id, number, sort_key, title, acceptance_criteria,
       agent_status, verified_status, verified_at, inserted_at, updated_at)
     SELECT $1::uuid, ${storyOf("i")}, $2::uuid, ${epicOf(`i / ${epicSize} + 1`)},
       (i / ${epicSize} + 1) || '.' || (i % ${epicSize} + 1), (i / ${epicSize} + 1) * 10000 + (i % ${epicSize} + 1) * 10,
       'Story ' || i, '[{"id":"AC-1","description":"works"}]'::jsonb,
       CASE WHEN i < ${Math.floor(stories * 0.3)} THEN 'reported_done' ELSE 'pending' END,
       CASE WHEN i < ${Math.floor(stories * 0.3)} THEN 'verified' ELSE 'unverified' END,
       CASE WHEN i < ${Math.floor(stories * 0.3)} THEN now() END, now(), now()
     FROM generate_series(0, ${stories - 1}) i`,
    `INSERT INTO story_dependencies (tenant_id, id, story_id, depends_on_story_id, inserted_at)
     SELECT $1::uuid, md5($2::text || 'd' || a || '-' || b)::uuid, ${storyOf("a")}, ${storyOf("b")}, now()
     FROM (SELECT DISTINCT a, b FROM (
       SELECT i AS a, abs(hashtext('a' || i)) % i AS b FROM generate_series(100, ${stories - 1}) i
       UNION ALL SELECT i, abs(hashtext('b' || i)) % i FROM generate_series(100, ${stories - 1}) i
       UNION ALL SELECT i, abs(hashtext('c' || i)) % i FROM generate_series(${Math.floor(stories * 0.9)}, ${stories - 1}) i
     ) picked) edges`,
    `INSERT INTO epic_dependencies (tenant_id, id, epic_id, depends_on_epic_id, inserted_at)
     SELECT $1::uuid, md5($2::text || 'ed' || g)::uuid, ${epicOf("g")}, ${epicOf("g - 1")}, now()
     FROM generate_series(81, ${Math.ceil(stories / epicSize)}) g`,
  ]
}

// The queue statements as the Postgres adapter sends them (repositories/readiness.ts,
// paging.ts), with the page fixed at 100 items: `$1` the project.
const waitsForStory = `EXISTS (SELECT 1 FROM story_dependencies d
  JOIN stories p ON p.tenant_id = d.tenant_id AND p.id = d.depends_on_story_id
  WHERE d.tenant_id = s.tenant_id AND d.story_id = s.id AND p.verified_status <> 'verified')`
const waitsForEpic = `EXISTS (SELECT 1 FROM epic_dependencies e
  JOIN stories p ON p.tenant_id = e.tenant_id AND p.epic_id = e.depends_on_epic_id
  WHERE e.tenant_id = s.tenant_id AND e.epic_id = s.epic_id AND p.verified_status <> 'verified')`
const pageOf = (where: string) => `SELECT s.*, count(*) OVER () AS total_count FROM stories s WHERE ${where}
  ORDER BY s.sort_key, s.id LIMIT 100 OFFSET 0`
const rawReady = pageOf(
  `s.agent_status = 'pending' AND s.project_id = $1 AND NOT ${waitsForStory} AND NOT ${waitsForEpic}`,
)
const rawBlocked = `WITH page AS (${pageOf(`s.project_id = $1 AND (${waitsForStory} OR ${waitsForEpic})`)}),
  appearances AS (
    SELECT DISTINCT ON (blocked_id, blocker_id) * FROM (
      SELECT d.story_id AS blocked_id, p.id AS blocker_id, 0 AS via, d.inserted_at AS link_at, d.id AS link_id
      FROM page b JOIN story_dependencies d ON d.tenant_id = b.tenant_id AND d.story_id = b.id
      JOIN stories p ON p.tenant_id = d.tenant_id AND p.id = d.depends_on_story_id
      WHERE p.verified_status <> 'verified'
      UNION ALL
      SELECT b.id, p.id, 1, e.inserted_at, e.id
      FROM page b JOIN epic_dependencies e ON e.tenant_id = b.tenant_id AND e.epic_id = b.epic_id
      JOIN stories p ON p.tenant_id = e.tenant_id AND p.epic_id = e.depends_on_epic_id
      WHERE p.verified_status <> 'verified'
    ) found ORDER BY blocked_id, blocker_id, via, link_at, link_id)
  SELECT NULL::uuid AS blocked_id, 0 AS via, NULL::timestamptz AS link_at, NULL::uuid AS link_id, page.* FROM page
  UNION ALL
  SELECT w.blocked_id, w.via, w.link_at, w.link_id, p.*, NULL::bigint
  FROM appearances w JOIN stories p ON p.id = w.blocker_id
  ORDER BY blocked_id NULLS FIRST, via, link_at, link_id, sort_key, id`

const percentile = (sorted: ReadonlyArray<number>, p: number) =>
  sorted[Math.min(sorted.length - 1, Math.floor((sorted.length * p) / 100))] ?? 0

/** The statement `reads` times, one after another, each in a transaction scoped to the tenant. */
const rawTimes = (tenantId: string, projectId: string, statement: string, reads: number) =>
  Effect.gen(function* () {
    const sql = yield* SqlClient.SqlClient
    const once = sql.withTransaction(
      Effect.zipRight(
        sql.unsafe("SELECT set_config('app.tenant_id', $1, true), set_config('role', 'loopctl_app', true)", [
          tenantId,
        ]),
        sql.unsafe(statement, [projectId]),
      ),
    )
    yield* Effect.repeatN(once, Math.max(1, Math.floor(reads / 10)) - 1)
    const times: Array<number> = []
    for (let n = 0; n < reads; n++) {
      const started = performance.now()
      yield* once
      times.push(performance.now() - started)
    }
    times.sort((a, b) => a - b)
    return { p50: percentile(times, 50), p99: percentile(times, 99) }
  })

const measure = (options: QueueBenchmarkOptions) =>
  Effect.gen(function* () {
    const base = yield* origin
    const { userKey, user } = yield* benchTenant
    const implementer = yield* benchAgent(userKey, "implementer", "implementer")
    const projectId = (yield* decodedAnswer(
      ProjectBody,
      yield* benchRequest(base, "POST", "/api/v1/projects", userKey, { name: "Queues", slug: "queues" }, 201),
    )).project.id
    const sql = yield* SqlClient.SqlClient
    const database = yield* DatabaseAccess
    const dependencies = yield* database.asOwner(
      Effect.gen(function* () {
        for (const statement of seedStatements(options.stories))
          yield* sql.unsafe(statement, [user.tenant_id, projectId])
        for (const table of ["stories", "story_dependencies", "epic_dependencies"])
          yield* sql.unsafe(`ANALYZE ${table}`)
        const counted = yield* sql.unsafe<{ readonly count: number }>(
          "SELECT count(*)::integer AS count FROM story_dependencies WHERE tenant_id = $1",
          [user.tenant_id],
        )
        return counted[0]?.count ?? 0
      }),
    )
    const queue = (name: "ready" | "blocked", statement: string) =>
      Effect.gen(function* () {
        const path = `/api/v1/stories/${name}?project_id=${projectId}&limit=100`
        const page = yield* decodedAnswer(QueuePage, yield* benchRequest(base, "GET", path, implementer.key))
        const plan = (amount: number) =>
          load({
            origin: base,
            method: "GET",
            path: () => path,
            headers: { authorization: `Bearer ${implementer.key}` },
            connections: 1,
            amount,
          })
        yield* plan(Math.max(1, Math.floor(options.reads / 10)))
        const loopctl = yield* plan(options.reads)
        if (loopctl.non2xx + loopctl.errors > 0)
          return yield* new QueueBenchmarkFailed({
            message: `${name}: ${loopctl.non2xx} answers were not 2xx`,
          })
        const raw = yield* rawTimes(user.tenant_id, projectId, statement, options.reads)
        return { items: page.data.length, total: page.meta.total_count, loopctl, raw }
      })
    return {
      stories: options.stories,
      dependencies,
      ready: yield* queue("ready", rawReady),
      blocked: yield* queue("blocked", rawBlocked),
    }
  })

/** The benchmark on one backend. */
export const runQueueBenchmarkOn = (
  backend: ServerBackend,
  options: QueueBenchmarkOptions,
): Effect.Effect<QueueBackendResult, QueueBenchmarkFailed> =>
  withServer(backend, measure(options)).pipe(
    Effect.map((result) => ({ backend: backend.kind, ...result })),
    Effect.mapError(failed(backend.kind)),
  )

/** The benchmark on PGlite, then on Postgres when `databaseUrl` is set. */
export const runQueueBenchmark = (options: QueueBenchmarkOptions) =>
  Effect.gen(function* () {
    const results = [yield* runQueueBenchmarkOn({ kind: "pglite" }, options)]
    if (Option.isSome(options.databaseUrl))
      results.push(
        yield* runQueueBenchmarkOn({ kind: "postgres", serverUrl: options.databaseUrl.value }, options),
      )
    return results
  })

const f = (value: number, digits = 1) => value.toFixed(digits)

const queueLine = (name: string, q: QueueFigures) =>
  `    GET /stories/${name} (${q.items} of ${q.total}): loopctl p50 ${f(q.loopctl.p50)} ms p99 ${f(q.loopctl.p99)} ms | raw SQL p50 ${f(q.raw.p50)} ms p99 ${f(q.raw.p99)} ms | ratio (raw/loopctl p50) ${f(q.raw.p50 / Math.max(q.loopctl.p50, 0.001), 3)}`

export const formatQueueResults = (
  options: QueueBenchmarkOptions,
  results: ReadonlyArray<QueueBackendResult>,
): ReadonlyArray<string> => [
  `queues: 100-item pages of a ${options.stories}-story project, ${options.reads} sequential reads each (1 client)`,
  ...results.flatMap((r) => [
    `  ${r.backend}: ${r.stories} stories, ${r.dependencies} story dependencies`,
    queueLine("ready", r.ready),
    queueLine("blocked", r.blocked),
  ]),
]
