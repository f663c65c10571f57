import { Outbox } from "../../events/ports/outbox.js"
import { makeTestLayer } from "./test-layer.js"

/** `Outbox` with every member dying unless the test stubs it. */
export const OutboxTest = makeTestLayer(Outbox, (unstubbed) => ({
  enqueue: unstubbed.method("enqueue"),
  list: unstubbed.method("list"),
}))
