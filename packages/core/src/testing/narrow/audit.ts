import { AuditLog } from "../../audit/ports/audit-log.js"
import { makeTestLayer } from "./test-layer.js"

/** `AuditLog` with every member dying unless the test stubs it. */
export const AuditLogTest = makeTestLayer(AuditLog, (unstubbed) => ({
  append: unstubbed.method("append"),
  list: unstubbed.method("list"),
  changes: unstubbed.method("changes"),
  storyHistory: unstubbed.method("storyHistory"),
  mentions: unstubbed.method("mentions"),
  exists: unstubbed.method("exists"),
}))
