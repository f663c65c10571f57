import { RoleRule } from "../../identity/policy/role-rule.js"
import { policy } from "../../kernel/policy/policy.js"
import { checkpointRoles } from "../rules/orchestrator-state.js"

/**
 * Who may keep orchestrator checkpoints (workflow.md §7): the roles of `checkpointRoles`, exactly,
 * for saving and reading alike (the change feed reads the same list to show checkpoint saves).
 */
export const CheckpointActions = {
  save: policy("OrchestratorState.save", RoleRule.exact(...checkpointRoles)),
  read: policy("OrchestratorState.read", RoleRule.exact(...checkpointRoles)),
  history: policy("OrchestratorState.history", RoleRule.exact(...checkpointRoles)),
} as const
