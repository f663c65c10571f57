import { Context, Effect, Schema } from "effect"

/** Fresh random UUIDs (v4). A port so that tests and embedders can make ids deterministic. */
export class Ids extends Context.Tag("@loopctl/core/Ids")<Ids, { readonly uuid: Effect.Effect<string> }>() {}

/** A fresh id of a branded id schema. */
export const freshId = <A>(schema: Schema.Schema<A, string>): Effect.Effect<A, never, Ids> =>
  Effect.flatMap(Ids, (ids) => Effect.flatMap(ids.uuid, (uuid) => Effect.orDie(Schema.decode(schema)(uuid))))
