import { RoleRule } from "../../identity/policy/role-rule.js"
import { policy } from "../../kernel/policy/policy.js"

/** Who may take part in UI test runs (workflow.md §8): every key of the tenant, agent role and up. */
export const UiTestActions = {
  start: policy("UiTestRun.start", RoleRule.min("agent")),
  list: policy("UiTestRun.list", RoleRule.min("agent")),
  read: policy("UiTestRun.read", RoleRule.min("agent")),
  addFinding: policy("UiTestRun.addFinding", RoleRule.min("agent")),
  complete: policy("UiTestRun.complete", RoleRule.min("agent")),
} as const
