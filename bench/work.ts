/**
 * The work API benchmark, on the production server:
 *
 * 1. Import: 10,000 stories with 20,000 dependencies through `POST /projects/:id/import`, as two
 *    documents of 5,000 stories (the importer's cap per document; the second is a merge import
 *    whose dependencies also reach into the first). Reported: seconds, and the growth of the
 *    process's resident memory while the imports run (the server runs in this process). Baseline:
 *    the same rows (read back from the database and given fresh ids) inserted through the driver
 *    in one transaction, one multi-row statement per table.
 * 2. `GET /stories/ready?project_id=…` on that project: p50/p99 and requests per second with 16
 *    clients, beside a bare `node:http` server answering the same JSON.
 * 3. The story loop — read, contract, claim, start, request-review, report, review-complete,
 *    verify, read back: 9 calls by three agents — run by 16 concurrent loops; loops per second,
 *    beside the same 9 requests answered by the bare server.
 */
import { Access, IdentityActions, actingAs, policyUse } from "@loopctl/core"
import { Config, Data, Effect, Option, Schema } from "effect"
import { type LoadFigures, bareJsonServer, load } from "./http-load.js"
import { baselineCopy } from "./raw-copy.js"
import { benchRequest, decodedAnswer, storyLoopCalls } from "./requests.js"
import {
  type ServerBackend,
  actorOf,
  benchAgent,
  benchTenant,
  messageOf,
  origin,
  withServer,
} from "./server.js"

/** Why the benchmark could not run to the end, in one line. */
export class WorkBenchmarkFailed extends Data.TaggedError("WorkBenchmarkFailed")<{
  readonly message: string
}> {}

export interface WorkBenchmarkOptions {
  /** Stories per import document (two documents); dependencies are twice the stories. */
  readonly storiesPerDocument: number
  /** Ready-queue reads, and story loops. */
  readonly readyReads: number
  readonly loops: number
  readonly concurrency: number
  readonly databaseUrl: Option.Option<string>
}

export const workBenchmarkOptions: Config.Config<WorkBenchmarkOptions> = Config.all({
  storiesPerDocument: Config.integer("BENCH_IMPORT_STORIES").pipe(Config.withDefault(5000)),
  readyReads: Config.integer("BENCH_READY_READS").pipe(Config.withDefault(400)),
  loops: Config.integer("BENCH_LOOPS").pipe(Config.withDefault(160)),
  concurrency: Config.succeed(16),
  databaseUrl: Config.option(Config.nonEmptyString("DATABASE_URL")),
})

export interface WorkBackendResult {
  readonly backend: ServerBackend["kind"]
  readonly import: {
    readonly stories: number
    readonly dependencies: number
    readonly seconds: number
    readonly peakMemoryMb: number
    readonly baselineSeconds: number
  }
  readonly ready: { readonly size: number; readonly loopctl: LoadFigures; readonly bare: LoadFigures }
  readonly loops: {
    readonly loops: number
    readonly loopsPerSecond: number
    readonly bareLoopsPerSecond: number
    readonly verified: number
  }
}

const failed =
  (what: string) =>
  (cause: unknown): WorkBenchmarkFailed =>
    new WorkBenchmarkFailed({ message: `${what}: ${messageOf(cause)}` })

/** Reads a JSON answer with `schema`; a mismatch fails the run. */
const decoded = <A, I>(schema: Schema.Schema<A, I>, text: string) =>
  Effect.mapError(decodedAnswer(schema, text), (error) => new WorkBenchmarkFailed(error))

const ProjectBody = Schema.Struct({ project: Schema.Struct({ id: Schema.String }) })
const StoryRows = Schema.Struct({
  data: Schema.Array(Schema.Struct({ id: Schema.String, title: Schema.String })),
})

/** Sends one request; anything but the expected status fails the run. */
const request = (base: string, method: string, path: string, key: string, body?: unknown, expected = 200) =>
  Effect.mapError(
    benchRequest(base, method, path, key, body, expected),
    (error) => new WorkBenchmarkFailed(error),
  )

/**
 * One import document: `count` stories in epics of 1000, numbered from epic `firstEpic`, each
 * story after the first 500 depending on two earlier ones (of this document or, with `reach`, of
 * the stories before it), so the first 500 are the ready queue.
 */
const importDocument = (firstEpic: number, count: number, reach: number) => {
  const epics: Array<{ number: number; title: string; stories: Array<Record<string, unknown>> }> = []
  const numbers: Array<string> = []
  for (let i = 0; i < count; i++) {
    const epicNumber = firstEpic + Math.floor(i / 1000)
    if (epics.length === 0 || epics[epics.length - 1]?.number !== epicNumber)
      epics.push({ number: epicNumber, title: `Epic ${epicNumber}`, stories: [] })
    const number = `${epicNumber}.${(i % 1000) + 1}`
    numbers.push(number)
    epics[epics.length - 1]?.stories.push({
      number,
      title: `Story ${number}`,
      acceptance_criteria: [{ id: "AC-1", description: "works" }],
    })
  }
  return { epics, numbers, reach }
}

/** Two distinct earlier stories for every story past the first `free` of the whole project. */
const dependenciesOf = (numbers: ReadonlyArray<string>, before: ReadonlyArray<string>, free: number) => {
  const all = [...before, ...numbers]
  const edges: Array<{ story: string; depends_on: string }> = []
  for (let i = 0; i < numbers.length; i++) {
    const position = before.length + i
    if (position < free) continue
    const story = all[position]
    const first = all[(position * 7919) % position]
    const second = all[(position * 104_729 + 1) % position]
    if (story === undefined || first === undefined || second === undefined) continue
    edges.push({ story, depends_on: first })
    if (second !== first) edges.push({ story, depends_on: second })
    else {
      const other = all[position - 1]
      if (other !== undefined && other !== first) edges.push({ story, depends_on: other })
    }
  }
  return edges
}

/** The resident memory of the process, sampled every 20 ms while `work` runs: its peak growth. */
const peakMemoryDuring = <A, E, R>(work: Effect.Effect<A, E, R>) =>
  Effect.gen(function* () {
    const start = process.memoryUsage().rss
    let peak = start
    const timer = setInterval(() => {
      peak = Math.max(peak, process.memoryUsage().rss)
    }, 20)
    const result = yield* Effect.ensuring(
      work,
      Effect.sync(() => clearInterval(timer)),
    )
    peak = Math.max(peak, process.memoryUsage().rss)
    return { result, peakMb: (peak - start) / 1_048_576 }
  })

const measure = (options: WorkBenchmarkOptions) =>
  Effect.gen(function* () {
    const base = yield* origin
    const { userKey, user } = yield* benchTenant
    const implementer = yield* benchAgent(userKey, "implementer", "implementer")
    const reviewer = yield* benchAgent(userKey, "reviewer", "implementer")
    const orchestratorAgent = yield* benchAgent(userKey, "orchestrator", "orchestrator")
    const access = yield* Access
    const orchestratorKey = (yield* access
      .createApiKey({ name: "orchestrator", role: "orchestrator", agent_id: orchestratorAgent.agentId })
      .pipe(policyUse(IdentityActions.createApiKey), actingAs(user))).raw_key
    yield* actorOf(orchestratorKey)

    // 1. Import: two documents, the second merged, dependencies reaching into the first.
    const projectText = yield* request(
      base,
      "POST",
      "/api/v1/projects",
      userKey,
      { name: "Big", slug: "big" },
      201,
    )
    const projectId = (yield* decoded(ProjectBody, projectText)).project.id
    const first = importDocument(1, options.storiesPerDocument, 0)
    const second = importDocument(
      1 + Math.ceil(options.storiesPerDocument / 1000),
      options.storiesPerDocument,
      0,
    )
    const free = Math.min(500, options.storiesPerDocument)
    const firstEdges = dependenciesOf(first.numbers, [], free)
    const secondEdges = dependenciesOf(second.numbers, first.numbers, free)
    const started = performance.now()
    const { peakMb } = yield* peakMemoryDuring(
      Effect.zip(
        request(
          base,
          "POST",
          `/api/v1/projects/${projectId}/import`,
          userKey,
          {
            epics: first.epics,
            story_dependencies: firstEdges,
          },
          201,
        ),
        request(base, "POST", `/api/v1/projects/${projectId}/import?merge=true`, userKey, {
          epics: second.epics,
          story_dependencies: secondEdges,
        }),
      ),
    )
    const seconds = (performance.now() - started) / 1000
    const baselineSeconds = yield* baselineCopy(user.tenant_id, projectId)

    // 2. The ready queue of that project.
    const readyPath = `/api/v1/stories/ready?project_id=${projectId}&limit=500`
    const readyText = yield* request(base, "GET", readyPath, implementer.key)
    const size = (yield* decoded(StoryRows, readyText)).data.length
    const bareReady = yield* bareJsonServer(readyText)
    const readyPlan = (target: string, amount: number, seconds?: number) =>
      load({
        origin: target,
        method: "GET",
        path: () => readyPath,
        headers: { authorization: `Bearer ${implementer.key}` },
        connections: options.concurrency,
        amount,
        ...(seconds === undefined ? {} : { seconds }),
      })
    yield* readyPlan(base, Math.min(50, options.readyReads))
    const readyLoopctl = yield* readyPlan(base, options.readyReads)
    const readyBare = yield* readyPlan(bareReady.origin, options.readyReads, 3)
    if (readyLoopctl.non2xx + readyLoopctl.errors > 0)
      return yield* new WorkBenchmarkFailed({ message: `ready: ${readyLoopctl.non2xx} answers were not 2xx` })

    // 3. Story loops on a project of their own (independent stories).
    const loopProjectText = yield* request(
      base,
      "POST",
      "/api/v1/projects",
      userKey,
      { name: "Loops", slug: "loops" },
      201,
    )
    const loopProjectId = (yield* decoded(ProjectBody, loopProjectText)).project.id
    const loopDocument = importDocument(1, options.loops, 0)
    yield* request(
      base,
      "POST",
      `/api/v1/projects/${loopProjectId}/import`,
      userKey,
      { epics: loopDocument.epics },
      201,
    )
    const loopStories = (yield* decoded(
      StoryRows,
      yield* request(base, "GET", `/api/v1/stories?project_id=${loopProjectId}&limit=500`, userKey),
    )).data

    const keys = { implementer: implementer.key, reviewer: reviewer.key, verifier: orchestratorKey }
    const loop = (target: string, story: { readonly id: string; readonly title: string }) =>
      Effect.zipRight(
        Effect.forEach(
          storyLoopCalls(story, keys),
          // The bare server answers every call 200.
          (call) =>
            request(target, call.method, call.path, call.key, call.body, target === base ? call.status : 200),
          { discard: true },
        ),
        request(target, "GET", `/api/v1/stories/${story.id}`, implementer.key),
      )
    const timedLoops = (target: string) =>
      Effect.gen(function* () {
        const started = performance.now()
        yield* Effect.forEach(loopStories, (story) => loop(target, story), {
          concurrency: options.concurrency,
        })
        return loopStories.length / ((performance.now() - started) / 1000)
      })
    const loopsPerSecond = yield* timedLoops(base)
    const bareLoop = yield* bareJsonServer('{"story":{}}')
    const bareLoopsPerSecond = yield* timedLoops(bareLoop.origin)
    const verifiedText = yield* request(
      base,
      "GET",
      `/api/v1/stories?project_id=${loopProjectId}&verified_status=verified&limit=500`,
      userKey,
    )
    const verified = (yield* decoded(StoryRows, verifiedText)).data.length

    return {
      import: {
        stories: first.numbers.length + second.numbers.length,
        dependencies: firstEdges.length + secondEdges.length,
        seconds,
        peakMemoryMb: peakMb,
        baselineSeconds,
      },
      ready: { size, loopctl: readyLoopctl, bare: readyBare },
      loops: { loops: loopStories.length, loopsPerSecond, bareLoopsPerSecond, verified },
    }
  })

/** The benchmark on one backend. */
export const runWorkBenchmarkOn = (
  backend: ServerBackend,
  options: WorkBenchmarkOptions,
): Effect.Effect<WorkBackendResult, WorkBenchmarkFailed> =>
  withServer(backend, measure(options)).pipe(
    Effect.map((result) => ({ backend: backend.kind, ...result })),
    Effect.mapError(failed(backend.kind)),
  )

/** The benchmark on PGlite, then on Postgres when `databaseUrl` is set. */
export const runWorkBenchmark = (options: WorkBenchmarkOptions) =>
  Effect.gen(function* () {
    const results = [yield* runWorkBenchmarkOn({ kind: "pglite" }, options)]
    if (Option.isSome(options.databaseUrl))
      results.push(
        yield* runWorkBenchmarkOn({ kind: "postgres", serverUrl: options.databaseUrl.value }, options),
      )
    return results
  })

const f = (value: number, digits = 1) => value.toFixed(digits)

export const formatWorkResults = (
  options: WorkBenchmarkOptions,
  results: ReadonlyArray<WorkBackendResult>,
): ReadonlyArray<string> => [
  `work: import of 2 × ${options.storiesPerDocument} stories, ready queue with ${options.concurrency} clients, ${options.loops} story loops (9 calls each) ${options.concurrency} at a time`,
  ...results.flatMap((r) => [
    `  ${r.backend}:`,
    `    import ${r.import.stories} stories + ${r.import.dependencies} dependencies: ${f(r.import.seconds, 2)} s, memory +${f(r.import.peakMemoryMb, 0)} MB | raw copy of the same rows ${f(r.import.baselineSeconds, 2)} s | ratio ${f(r.import.baselineSeconds / r.import.seconds, 3)}`,
    `    GET /stories/ready (${r.ready.size} stories): loopctl ${f(r.ready.loopctl.rps, 0)} req/s p50 ${f(r.ready.loopctl.p50)} ms p99 ${f(r.ready.loopctl.p99)} ms | bare ${f(r.ready.bare.rps, 0)} req/s p50 ${f(r.ready.bare.p50)} ms p99 ${f(r.ready.bare.p99)} ms | ratio ${f(r.ready.loopctl.rps / r.ready.bare.rps, 3)}`,
    `    story loop: ${f(r.loops.loopsPerSecond)} loops/s (${r.loops.verified}/${r.loops.loops} verified) | bare ${f(r.loops.bareLoopsPerSecond)} loops/s | ratio ${f(r.loops.loopsPerSecond / r.loops.bareLoopsPerSecond, 3)}`,
  ]),
]
