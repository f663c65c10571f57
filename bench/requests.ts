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
