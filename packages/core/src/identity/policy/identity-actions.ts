import { platformPolicy, policy } from "../../kernel/policy/policy.js"
import { checkAgentRegistration } from "../rules/access.js"
import { RoleRule } from "./role-rule.js"

/**
 * The identity actions and who may perform each (platform.md §4.2): the tenant's view of itself,
 * its API keys and agents inside the caller's tenant, and the superadmin's platform actions on
 * tenants outside every tenant. Each role list is written here once; the endpoints declare it
 * from the same policy, and `GET /api/v1/routes` shows it.
 */
export const IdentityActions = {
  /** GET /tenants/me: every role of the tenant. */
  showTenant: policy("Tenant.show", RoleRule.any),
  /** PATCH /tenants/me. */
  updateTenant: policy("Tenant.update", RoleRule.min("user")),

  /** POST /admin/tenants (D9): a tenant and its first key. */
  createTenant: platformPolicy("Tenant.create", RoleRule.exact("superadmin")),
  /** GET /admin/tenants. */
  listTenants: platformPolicy("Tenant.list", RoleRule.exact("superadmin")),
  /** GET /admin/tenants/:id. */
  inspectTenant: platformPolicy("Tenant.inspect", RoleRule.exact("superadmin")),
  /** PATCH /admin/tenants/:id. */
  administerTenant: platformPolicy("Tenant.administer", RoleRule.exact("superadmin")),
  /** POST /admin/tenants/:id/suspend. */
  suspendTenant: platformPolicy("Tenant.suspend", RoleRule.exact("superadmin")),
  /** POST /admin/tenants/:id/activate. */
  activateTenant: platformPolicy("Tenant.activate", RoleRule.exact("superadmin")),
  /** GET /admin/stats. */
  platformStats: platformPolicy("Platform.stats", RoleRule.exact("superadmin")),

  /** POST /api_keys. */
  createApiKey: policy("ApiKey.create", RoleRule.min("user")),
  /** GET /api_keys. */
  listApiKeys: policy("ApiKey.list", RoleRule.min("user")),
  /** DELETE /api_keys/:id. */
  revokeApiKey: policy("ApiKey.revoke", RoleRule.min("user")),
  /** POST /api_keys/:id/rotate. */
  rotateApiKey: policy("ApiKey.rotate", RoleRule.min("user")),

  /**
   * POST /agents/register: an agent key of its own (an impersonating superadmin has none, 422)
   * that is not bound to an agent yet (409).
   */
  registerAgent: policy("Agent.register", RoleRule.exact("agent"), checkAgentRegistration),
  /** GET /agents. */
  listAgents: policy("Agent.list", RoleRule.min("orchestrator")),
  /** GET /agents/:id. */
  showAgent: policy("Agent.show", RoleRule.min("orchestrator")),
} as const
