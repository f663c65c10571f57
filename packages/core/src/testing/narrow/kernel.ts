import { Ids } from "../../kernel/ports/ids.js"
import { UnitOfWork } from "../../kernel/ports/unit-of-work.js"
import { makeTestLayer } from "./test-layer.js"

/** `UnitOfWork` with every member dying unless the test stubs it. */
export const UnitOfWorkTest = makeTestLayer(UnitOfWork, (unstubbed) => ({
  transact: unstubbed.method("transact"),
  transactPlatform: unstubbed.method("transactPlatform"),
}))

/** `Ids` whose `uuid` dies unless the test stubs it. */
export const IdsTest = makeTestLayer(Ids, (unstubbed) => ({
  uuid: unstubbed.effect("uuid"),
}))
