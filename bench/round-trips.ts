/**
 * Database round trips per request: the production server on a fresh Postgres database reached
 * through a counting relay (`round-trip-counter.ts`), and one call of each kind a fleet makes all
 * day — the health check, `GET /tenants/me`, a story read, the ready and blocked queues, and each transition
 * of the story loop. Each call is made once to warm the pool and the caches, then counted on its
 * own; the budget of the project's standards (a read at most 3, a transition at most 5) is printed
 * beside each figure. Needs DATABASE_URL (PGlite has no wire to count).
 */
import { Config, Data, Effect, Option, Schema } from "effect"
import {
  type BenchRequestFailed,
  type LoopCall,
  benchRequest,
  decodedAnswer,
  storyLoopCalls,
} from "./requests.js"
import { type RoundTripCounter, roundTripCounter } from "./round-trip-counter.js"
import { benchAgent, benchTenant, messageOf, origin, withServer } from "./server.js"

/** Why the count could not be made. */
export class RoundTripBenchmarkFailed extends Data.TaggedError("RoundTripBenchmarkFailed")<{
  readonly message: string
}> {}

/** Where to count. */
export interface RoundTripOptions {
  readonly databaseUrl: Option.Option<string>
  /** BENCH_ROUND_TRIP_SQL=true prints each call's statements under its count. */
  readonly statements: boolean
}

export const roundTripOptions = Config.all({
  databaseUrl: Config.option(Config.string("DATABASE_URL")),
  statements: Config.boolean("BENCH_ROUND_TRIP_SQL").pipe(Config.withDefault(false)),
})

/** What one kind of call is, and what it may cost. */
export interface CountedCall {
  readonly call: string
  readonly kind: "read" | "transition" | "other"
  readonly roundTrips: number
  /** What was sent, statement by statement (a prepared statement's text once, when it is parsed). */
  readonly statements: ReadonlyArray<string>
}

/** A call to count: a call of the story loop, or one that is not a read of work nor a transition. */
type Counted = Omit<LoopCall, "kind"> & { readonly kind: CountedCall["kind"] }

/** The standards' budgets: a read at most 3 round trips, a transition at most 5. */
export const budgetOf = (kind: CountedCall["kind"]): number | undefined =>
  kind === "read" ? 3 : kind === "transition" ? 5 : undefined

const Created = Schema.Struct({ project: Schema.Struct({ id: Schema.String }) })
const CreatedEpic = Schema.Struct({ epic: Schema.Struct({ id: Schema.String }) })
const CreatedStory = Schema.Struct({ story: Schema.Struct({ id: Schema.String, title: Schema.String }) })

const measure = Effect.gen(function* () {
  const base = yield* origin
  const { userKey } = yield* benchTenant
  const implementer = yield* benchAgent(userKey, "implementer", "implementer")
  const reviewer = yield* benchAgent(userKey, "reviewer", "implementer")
  const verifier = yield* benchAgent(userKey, "verifier", "orchestrator")
  const orchestratorKey = (yield* decodedAnswer(
    Schema.Struct({ api_key: Schema.Struct({ raw_key: Schema.String }) }),
    yield* benchRequest(
      base,
      "POST",
      "/api/v1/api_keys",
      userKey,
      { name: "verifier key", role: "orchestrator", agent_id: verifier.agentId },
      201,
    ),
  )).api_key.raw_key

  const project = (yield* decodedAnswer(
    Created,
    yield* benchRequest(base, "POST", "/api/v1/projects", userKey, { name: "Trips", slug: "trips" }, 201),
  )).project.id
  const epic = (yield* decodedAnswer(
    CreatedEpic,
    yield* benchRequest(
      base,
      "POST",
      `/api/v1/projects/${project}/epics`,
      userKey,
      { number: 1, title: "Counted" },
      201,
    ),
  )).epic.id
  const newStory = (number: string) =>
    Effect.flatMap(
      benchRequest(
        base,
        "POST",
        `/api/v1/epics/${epic}/stories`,
        userKey,
        { number, title: `Story ${number}`, acceptance_criteria: [{ id: "AC-1", description: "works" }] },
        201,
      ),
      (text) => Effect.map(decodedAnswer(CreatedStory, text), ({ story }) => story),
    )

  const keys = { implementer: implementer.key, reviewer: reviewer.key, verifier: orchestratorKey }
  const read = (name: string, path: string, key: string): LoopCall => ({
    name,
    kind: "read",
    method: "GET",
    path,
    key,
    status: 200,
  })
  const standalone: ReadonlyArray<Counted> = [
    { ...read("GET /health", "/health", userKey), kind: "other" },
    read("GET /tenants/me", "/api/v1/tenants/me", userKey),
    read("GET /stories/ready", `/api/v1/stories/ready?project_id=${project}`, implementer.key),
    read("GET /stories/blocked", `/api/v1/stories/blocked?project_id=${project}`, implementer.key),
    read("GET /stories?project_id", `/api/v1/stories?project_id=${project}`, userKey),
  ]

  const counter = yield* CurrentCounter
  const counted = (call: Counted): Effect.Effect<CountedCall, BenchRequestFailed> =>
    Effect.gen(function* () {
      counter.reset()
      yield* benchRequest(base, call.method, call.path, call.key, call.body, call.status)
      return {
        call: call.name,
        kind: call.kind,
        roundTrips: counter.count(),
        statements: counter.statements(),
      }
    })

  // Warm-up: a whole loop on a story of its own, and each standalone call once.
  const warm = yield* newStory("1.1")
  yield* Effect.forEach(storyLoopCalls(warm, keys), counted, { discard: true })
  yield* Effect.forEach(standalone, counted, { discard: true })

  const story = yield* newStory("1.2")
  const standaloneCounts = yield* Effect.forEach(standalone, counted)
  const loopCounts = yield* Effect.forEach(storyLoopCalls(story, keys), counted)
  return [...standaloneCounts, ...loopCounts]
})

/** The counter the server's database connections go through, for `measure`. */
class CurrentCounter extends Effect.Tag("bench/CurrentCounter")<CurrentCounter, RoundTripCounter>() {}

/** Counts the round trips of each call on a fresh database behind a relay to `databaseUrl`. */
export const countRoundTrips = (databaseUrl: string) =>
  Effect.scoped(
    Effect.flatMap(roundTripCounter(databaseUrl), (counter) =>
      withServer({ kind: "postgres", serverUrl: counter.url }, measure).pipe(
        Effect.provideService(CurrentCounter, counter),
      ),
    ),
  ).pipe(Effect.mapError((cause) => new RoundTripBenchmarkFailed({ message: messageOf(cause) })))

/** Runs the count when a Postgres server is configured. */
export const runRoundTripBenchmark = (options: RoundTripOptions) =>
  Option.match(options.databaseUrl, {
    onNone: () =>
      Effect.fail(
        new RoundTripBenchmarkFailed({
          message: "set DATABASE_URL: round trips are counted on Postgres's wire",
        }),
      ),
    onSome: countRoundTrips,
  })

/** The report: one line per call, with its budget and whether it is kept. */
export const formatRoundTrips = (
  calls: ReadonlyArray<CountedCall>,
  withStatements = false,
): ReadonlyArray<string> => [
  "round trips per request (Postgres wire: Query + Sync messages)",
  ...calls.map((c) => {
    const budget = budgetOf(c.kind)
    const verdict =
      budget === undefined
        ? ""
        : c.roundTrips <= budget
          ? `  (budget ${budget}: kept)`
          : `  (budget ${budget}: OVER)`
    const line = `  ${c.call.padEnd(26)} ${String(c.roundTrips).padStart(3)}${verdict}`
    return withStatements
      ? [line, ...c.statements.map((text) => `      ${text.replace(/\s+/g, " ").slice(0, 160)}`)].join("\n")
      : line
  }),
]
