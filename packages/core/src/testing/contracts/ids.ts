import { Effect } from "effect"
import { Ids } from "../../kernel/ports/ids.js"
import { type ContractSuite, contractCase, expectEqual, expectTrue } from "./contract.js"

// Lowercase on purpose: Postgres prints uuids in lowercase, so an id in any other case would
// not compare equal to itself after a round-trip through the store.
const uuidV4 = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/

/** The Ids port: fresh, random, version-4 UUIDs. */
export const idsContract: ContractSuite<Ids> = {
  port: "Ids",
  cases: [
    contractCase(
      "uuid yields lowercase version-4 UUIDs",
      Effect.gen(function* () {
        const ids = yield* Ids
        const drawn = yield* Effect.replicateEffect(ids.uuid, 64)
        for (const id of drawn) yield* expectTrue(uuidV4.test(id), `"${id}" is not a lowercase v4 UUID`)
      }),
    ),
    contractCase(
      "uuid yields a fresh value every time it runs",
      Effect.gen(function* () {
        const ids = yield* Ids
        const drawn = yield* Effect.replicateEffect(ids.uuid, 256)
        yield* expectEqual(new Set(drawn).size, drawn.length, "distinct ids among 256 draws")
      }),
    ),
  ],
}
