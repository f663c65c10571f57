import { RoleRule } from "../../identity/policy/role-rule.js"
import { requireAgentId, requireOrchestratorLink } from "../../identity/rules/roles.js"
import { policy } from "../../kernel/policy/policy.js"

/**
 * Who may act on a story (D1, D2, D5): one policy per story action, its role rule and, where the
 * action records custody, the agent link the key must name. Chain-of-custody actions (claim,
 * report, review-complete) need an agent id (422 otherwise); the verifier's actions
 * (force-unclaim, verify, reject, mark-complete, backfill) need an orchestrator linked to its
 * agent (400 otherwise), which the identity gates then compare with the story's claim history.
 * The bulk requests and verify-all run each story as its single action, so they use these too.
 */
export const StoryActions = {
  contract: policy("Story.contract", RoleRule.exact("agent", "orchestrator")),
  claim: policy("Story.claim", RoleRule.exact("agent"), requireAgentId),
  start: policy("Story.start", RoleRule.exact("agent")),
  requestReview: policy("Story.requestReview", RoleRule.exact("agent")),
  report: policy("Story.report", RoleRule.exact("agent", "orchestrator"), requireAgentId),
  unclaim: policy("Story.unclaim", RoleRule.exact("agent")),
  forceUnclaim: policy("Story.forceUnclaim", RoleRule.exact("orchestrator"), requireOrchestratorLink),
  reviewComplete: policy("Story.reviewComplete", RoleRule.exact("agent", "orchestrator"), requireAgentId),
  verify: policy("Story.verify", RoleRule.exact("orchestrator"), requireOrchestratorLink),
  reject: policy("Story.reject", RoleRule.exact("orchestrator"), requireOrchestratorLink),
  markComplete: policy("Story.markComplete", RoleRule.exact("orchestrator"), requireOrchestratorLink),
  reportArtifact: policy("Story.reportArtifact", RoleRule.exact("agent", "orchestrator")),
  // Backfill writes verified_status like mark-complete, so the same verifier gate (D23): the
  // linked agent is what the identity gate compares with the story's claim history.
  backfill: policy("Story.backfill", RoleRule.exact("orchestrator"), requireOrchestratorLink),
} as const
