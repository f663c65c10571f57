import { NotFound } from "@loopctl/core"
import { Effect, Schema } from "effect"

/**
 * Reads an id from a path as the core's branded id. A value that is not a uuid names nothing, so
 * it is the same 404 "Not found" as an unknown id (a cast error is a 404 in the spec, not a 422).
 */
export const pathId = <A>(schema: Schema.Schema<A, string>, raw: string): Effect.Effect<A, NotFound> =>
  Effect.mapError(
    Schema.decodeUnknown(schema)(raw.toLowerCase()),
    () => new NotFound({ message: "Not found" }),
  )
