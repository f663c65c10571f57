import { RoleRule } from "../../identity/policy/role-rule.js"
import { platformPolicy, policy } from "../../kernel/policy/policy.js"

/**
 * The audit actions and who may perform each (platform.md §9): reading the caller's tenant's
 * trail, change feed and story histories (a superadmin only by impersonating, D21), and the
 * superadmin's trail across every tenant. Each role list is written here once.
 */
export const AuditActions = {
  /** GET /audit. */
  list: policy("Audit.list", RoleRule.min("user")),
  /** GET /changes: every role; an agent key sees the work's entries only (D24). */
  changes: policy("Audit.changes", RoleRule.any),
  /** GET /stories/:id/history: every role. */
  storyHistory: policy("Story.history", RoleRule.any),
  /** GET /admin/audit: every tenant's entries and the platform's own. */
  listPlatform: platformPolicy("Audit.listPlatform", RoleRule.exact("superadmin")),
} as const
