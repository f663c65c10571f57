import { Context, Effect, Schema } from "effect"

/** Fresh random UUIDs (v4). A port so that tests and embedders can make ids deterministic. */
export class Ids extends Context.Tag("@loopctl/core/Ids")<Ids, { readonly uuid: Effect.Effect<string> }>() {}

/** A fresh id of a branded id schema. */
export const freshId = <A>(schema: Schema.Schema<A, string>): Effect.Effect<A, never, Ids> =>
  Effect.flatMap(Ids, (ids) => Effect.flatMap(ids.uuid, (uuid) => Effect.orDie(Schema.decode(schema)(uuid))))

/**
 * `count` fresh ids of a branded id schema, decoded by one decoder: a bulk write (an import of
 * thousands of stories) takes its ids in one step rather than one effect per row.
 */
export const freshIds = <A>(
  schema: Schema.Schema<A, string>,
  count: number,
): Effect.Effect<ReadonlyArray<A>, never, Ids> =>
  Effect.flatMap(Ids, (ids) =>
    Effect.flatMap(Effect.replicateEffect(ids.uuid, count), (uuids) =>
      Effect.orDie(Schema.decode(Schema.Array(schema))(uuids)),
    ),
  )
