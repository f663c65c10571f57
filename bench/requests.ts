/**
 * The HTTP calls benchmarks make outside their timed loads (setting up data, one-off calls): a
 * request with a bearer key whose answer must have the expected status, and JSON answers read
 * with a Schema. A failure says which call and what came back.
 */
import { Data, Effect, Schema } from "effect"
import { messageOf } from "./server.js"

/** A set-up call of a benchmark did not answer as expected. */
export class BenchRequestFailed extends Data.TaggedError("BenchRequestFailed")<{
  readonly message: string
}> {}

const failed =
  (what: string) =>
  (cause: unknown): BenchRequestFailed =>
    new BenchRequestFailed({ message: `${what}: ${messageOf(cause)}` })

/** Sends one request; anything but the expected status fails the run. */
export const benchRequest = (
  base: string,
  method: string,
  path: string,
  key: string,
  body?: unknown,
  expected = 200,
) =>
  Effect.tryPromise({
    try: async () => {
      const response = await fetch(`${base}${path}`, {
        method,
        headers: {
          authorization: `Bearer ${key}`,
          ...(body === undefined ? {} : { "content-type": "application/json" }),
        },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      })
      const text = await response.text()
      if (response.status !== expected)
        throw new Error(`${method} ${path}: ${response.status} ${text.slice(0, 300)}`)
      return text
    },
    catch: failed("request"),
  })

/** Reads a JSON answer with `schema`; a mismatch fails the run. */
export const decodedAnswer = <A, I>(schema: Schema.Schema<A, I>, text: string) =>
  Effect.mapError(Schema.decodeUnknown(Schema.parseJson(schema))(text), failed("unexpected answer"))

/** The keys of the story loop's three parties. */
export interface LoopKeys {
  readonly implementer: string
  readonly reviewer: string
  readonly verifier: string
}

/** One call of the story loop: its name, whether it reads or moves the story, and how to make it. */
export interface LoopCall {
  readonly name: string
  readonly kind: "read" | "transition"
  readonly method: "GET" | "POST"
  readonly path: string
  readonly key: string
  readonly body?: unknown
  readonly status: number
}

/**
 * The story loop as a fleet runs it, in order: read, contract, claim, start, request-review, report
 * (by another agent), review-complete, verify (by an orchestrator). Shared by the benchmarks that
 * time it and count its round trips.
 */
export const storyLoopCalls = (
  story: { readonly id: string; readonly title: string },
  keys: LoopKeys,
): ReadonlyArray<LoopCall> => {
  const at = `/api/v1/stories/${story.id}`
  const step = (name: string, key: string, body: unknown = {}, status = 200): LoopCall => ({
    name,
    kind: "transition",
    method: "POST",
    path: `${at}/${name}`,
    key,
    body,
    status,
  })
  return [
    { name: "GET /stories/:id", kind: "read", method: "GET", path: at, key: keys.implementer, status: 200 },
    step("contract", keys.implementer, { story_title: story.title, ac_count: 1 }),
    step("claim", keys.implementer),
    step("start", keys.implementer),
    step("request-review", keys.implementer),
    step("report", keys.reviewer),
    step("review-complete", keys.reviewer, { review_type: "code_review" }, 201),
    step("verify", keys.verifier, { review_type: "code_review", summary: "ok" }),
  ]
}
