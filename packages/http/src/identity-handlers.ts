import { Layer } from "effect"
import { AdminLive } from "./admin-handlers.js"
import { AgentsLive } from "./agent-handlers.js"
import { ApiKeysLive } from "./api-key-handlers.js"
import { TenantsLive } from "./tenant-handlers.js"

/** The handlers of every identity-and-access group (tenants, admin, apiKeys, agents); they need `Access`. */
export const IdentityLive = Layer.mergeAll(TenantsLive, AdminLive, ApiKeysLive, AgentsLive)
