import { Layer } from "effect"
import { AdminLive } from "./admin.js"
import { AgentsLive } from "./agents.js"
import { ApiKeysLive } from "./api-keys.js"
import { TenantsLive } from "./tenants.js"

/** The handlers of every identity-and-access group (tenants, admin, apiKeys, agents); they need `Access`. */
export const IdentityLive = Layer.mergeAll(TenantsLive, AdminLive, ApiKeysLive, AgentsLive)
