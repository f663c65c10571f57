/**
 * The import benchmark, on the production server: one `POST /projects/:id/import` of a whole
 * breakdown — by default 10,000 stories in 100 epics with 20,000 story dependencies — on PGlite
 * and, with DATABASE_URL, on Postgres. Beside it, the same rows (read back and given fresh ids)
 * inserted by raw SQL through the driver in the same run, one statement per table; the ratio is
 * raw seconds over import seconds (1 would be as fast as the bare insert).
 */
import { Config, Data, Effect, Option, Schema } from "effect"
import { baselineCopy } from "./raw-copy.js"
import { benchRequest, decodedAnswer } from "./requests.js"
import { type ServerBackend, benchTenant, messageOf, origin, withServer } from "./server.js"

/** Why the benchmark could not run to the end, in one line. */
export class ImportBenchmarkFailed extends Data.TaggedError("ImportBenchmarkFailed")<{
  readonly message: string
}> {}

export interface ImportBenchmarkOptions {
  readonly stories: number
  readonly epics: number
  readonly dependencies: number
  readonly databaseUrl: Option.Option<string>
}

export const importBenchmarkOptions: Config.Config<ImportBenchmarkOptions> = Config.all({
  stories: Config.integer("BENCH_IMPORT_ONE_STORIES").pipe(Config.withDefault(10_000)),
  epics: Config.integer("BENCH_IMPORT_ONE_EPICS").pipe(Config.withDefault(100)),
  dependencies: Config.integer("BENCH_IMPORT_ONE_DEPENDENCIES").pipe(Config.withDefault(20_000)),
  databaseUrl: Config.option(Config.nonEmptyString("DATABASE_URL")),
})

export interface ImportBackendResult {
  readonly backend: ServerBackend["kind"]
  readonly bytes: number
  readonly epicsCreated: number
  readonly storiesCreated: number
  readonly dependenciesCreated: number
  readonly seconds: number
  readonly baselineSeconds: number
}

const ProjectBody = Schema.Struct({ project: Schema.Struct({ id: Schema.String }) })
const ImportBody = Schema.Struct({
  import: Schema.Struct({
    epics_created: Schema.Number,
    stories_created: Schema.Number,
    dependencies_created: Schema.Number,
  }),
})

const request = (base: string, method: string, path: string, key: string, body?: unknown, expected = 200) =>
  Effect.mapError(
    benchRequest(base, method, path, key, body, expected),
    (error) => new ImportBenchmarkFailed(error),
  )

const decoded = <A, I>(schema: Schema.Schema<A, I>, text: string) =>
  Effect.mapError(decodedAnswer(schema, text), (error) => new ImportBenchmarkFailed(error))

/**
 * The document: `stories` spread evenly over `epics`, and up to `dependencies` edges, each from a
 * story to an earlier one (so the graph has no cycle): every story's first two edges, then third
 * ones from the last stories back while edges are wanted. Earlier stories are picked by two
 * multiplicative hashes, so the graph is neither a chain nor a star.
 */
export const importDocument = (
  options: Pick<ImportBenchmarkOptions, "stories" | "epics" | "dependencies">,
) => {
  const perEpic = Math.max(1, Math.ceil(options.stories / Math.max(1, options.epics)))
  const numbers: Array<string> = []
  const epics: Array<{ number: number; title: string; stories: Array<Record<string, unknown>> }> = []
  for (let i = 0; i < options.stories; i++) {
    const epicNumber = 1 + Math.floor(i / perEpic)
    if (epics[epics.length - 1]?.number !== epicNumber)
      epics.push({ number: epicNumber, title: `Epic ${epicNumber}`, stories: [] })
    const number = `${epicNumber}.${(i % perEpic) + 1}`
    numbers.push(number)
    epics[epics.length - 1]?.stories.push({
      number,
      title: `Story ${number}`,
      description: `Story ${number} of the import benchmark`,
      acceptance_criteria: [{ id: "AC-1", description: "works" }],
      estimated_hours: 2,
    })
  }
  const edges: Array<{ story: string; depends_on: string }> = []
  const taken = new Set<string>()
  const add = (from: number, to: number) => {
    const story = numbers[from]
    const dependsOn = numbers[to]
    const key = `${from}>${to}`
    if (story === undefined || dependsOn === undefined || from <= to || taken.has(key)) return false
    if (edges.length >= options.dependencies) return false
    taken.add(key)
    edges.push({ story, depends_on: dependsOn })
    return true
  }
  for (let p = 1; p < numbers.length; p++) {
    add(p, (p * 7919) % p)
    if (!add(p, (p * 104_729 + 1) % p)) add(p, p - 1)
  }
  for (let p = numbers.length - 1; p > 2 && edges.length < options.dependencies; p--) {
    let back = 1
    while (back < p && !add(p, (p * 31 + back) % p)) back++
  }
  return { document: { epics, story_dependencies: edges }, epics: epics.length, edges: edges.length }
}

const measure = (options: ImportBenchmarkOptions) =>
  Effect.gen(function* () {
    const base = yield* origin
    const { userKey, user } = yield* benchTenant
    const project = yield* request(
      base,
      "POST",
      "/api/v1/projects",
      userKey,
      { name: "Import", slug: "import" },
      201,
    )
    const projectId = (yield* decoded(ProjectBody, project)).project.id
    const { document } = importDocument(options)
    const bytes = Buffer.byteLength(JSON.stringify(document))
    const started = performance.now()
    const answer = yield* request(
      base,
      "POST",
      `/api/v1/projects/${projectId}/import`,
      userKey,
      document,
      201,
    )
    const seconds = (performance.now() - started) / 1000
    const created = (yield* decoded(ImportBody, answer)).import
    const baselineSeconds = yield* baselineCopy(user.tenant_id, projectId)
    return {
      bytes,
      epicsCreated: created.epics_created,
      storiesCreated: created.stories_created,
      dependenciesCreated: created.dependencies_created,
      seconds,
      baselineSeconds,
    }
  })

/** The benchmark on one backend, with a fresh server and database. */
export const runImportBenchmarkOn = (
  backend: ServerBackend,
  options: ImportBenchmarkOptions,
): Effect.Effect<ImportBackendResult, ImportBenchmarkFailed> =>
  withServer(backend, measure(options)).pipe(
    Effect.map((result) => ({ backend: backend.kind, ...result })),
    Effect.mapError(
      (cause) => new ImportBenchmarkFailed({ message: `${backend.kind}: ${messageOf(cause)}` }),
    ),
  )

/** The benchmark on PGlite, then on Postgres when `databaseUrl` is set. */
export const runImportBenchmark = (options: ImportBenchmarkOptions) =>
  Effect.gen(function* () {
    const results = [yield* runImportBenchmarkOn({ kind: "pglite" }, options)]
    if (Option.isSome(options.databaseUrl))
      results.push(
        yield* runImportBenchmarkOn({ kind: "postgres", serverUrl: options.databaseUrl.value }, options),
      )
    return results
  })

const f = (value: number, digits = 2) => value.toFixed(digits)

export const formatImportResults = (
  options: ImportBenchmarkOptions,
  results: ReadonlyArray<ImportBackendResult>,
): ReadonlyArray<string> => [
  `import: one request of ${options.stories} stories in ${options.epics} epics with up to ${options.dependencies} dependencies`,
  ...results.map(
    (r) =>
      `  ${r.backend}: ${r.storiesCreated} stories + ${r.dependenciesCreated} dependencies (${f(r.bytes / 1_000_000)} MB): ${f(r.seconds)} s | raw SQL of the same rows ${f(r.baselineSeconds)} s | ratio ${f(r.baselineSeconds / r.seconds, 3)}`,
  ),
]
