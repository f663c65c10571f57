import { HttpApi } from "@effect/platform"
import { AdminGroup } from "./admin.js"
import { AgentsGroup } from "./agents.js"
import { ApiKeysGroup } from "./api-keys.js"
import { TenantsGroup } from "./tenants.js"

/**
 * Identity and access: tenants (their own view and the superadmin's), API keys and agents. Added
 * to the loopctl API as a whole, so each group keeps its own name in the typed client
 * (`client.tenants`, `client.admin`, `client.apiKeys`, `client.agents`).
 */
export class IdentityApi extends HttpApi.make("identity")
  .add(TenantsGroup)
  .add(AdminGroup)
  .add(ApiKeysGroup)
  .add(AgentsGroup) {}
