import { Either } from "effect"
import type { Actor } from "../../identity/domain/actor.js"
import {
  requireAgentId,
  requireExactRole,
  requireMinRole,
  requireOrchestratorLink,
} from "../../identity/rules/roles.js"
import type { AgentLinkRequired, Forbidden, ValidationFailed } from "../../kernel/domain/errors.js"
import type { Role } from "../../work/domain/status.js"

/** Every action that changes (or, for request-review, acts on) a story. */
export type StoryAction =
  | "contract"
  | "claim"
  | "start"
  | "request-review"
  | "report"
  | "unclaim"
  | "force-unclaim"
  | "review-complete"
  | "verify"
  | "reject"
  | "mark-complete"
  | "report-artifact"
  | "backfill"

/**
 * Who may attempt an action — exactly the listed roles, or (`{min}`) a role and those above it —
 * and whether the key must name its agent (D1, D2, D5).
 */
interface Gate {
  readonly roles: ReadonlyArray<Role> | { readonly min: Role }
  readonly link: "none" | "agent-id" | "orchestrator"
}

export const gates: { readonly [A in StoryAction]: Gate } = {
  contract: { roles: ["agent", "orchestrator"], link: "none" },
  claim: { roles: ["agent"], link: "agent-id" },
  start: { roles: ["agent"], link: "none" },
  "request-review": { roles: ["agent"], link: "none" },
  report: { roles: ["agent", "orchestrator"], link: "agent-id" },
  unclaim: { roles: ["agent"], link: "none" },
  "force-unclaim": { roles: ["orchestrator"], link: "orchestrator" },
  "review-complete": { roles: ["agent", "orchestrator"], link: "agent-id" },
  verify: { roles: ["orchestrator"], link: "orchestrator" },
  reject: { roles: ["orchestrator"], link: "orchestrator" },
  "mark-complete": { roles: ["orchestrator"], link: "orchestrator" },
  "report-artifact": { roles: ["agent", "orchestrator"], link: "none" },
  // Backfill writes verified_status like mark-complete, so the same verifier gate (D23): the
  // linked agent is what the identity gate compares with the story's claim history.
  backfill: { roles: ["orchestrator"], link: "orchestrator" },
}

/** Actions on the verifier's side: they write `verified_status` or undo an implementer's claim. */
export const verifierActions: ReadonlyArray<StoryAction> = [
  "force-unclaim",
  "verify",
  "reject",
  "mark-complete",
  "backfill",
]

export type GateFailure = Forbidden | AgentLinkRequired | ValidationFailed

/** The role half of an action's gate alone (bulk requests check their list between role and link). */
export const authorizeRole = (action: StoryAction, actor: Actor): Either.Either<Actor, Forbidden> => {
  const roles = gates[action].roles
  return "min" in roles ? requireMinRole(actor, roles.min) : requireExactRole(actor, roles)
}

/** The role and link gate of an action, checked before the story is looked up. */
export const authorize = (action: StoryAction, actor: Actor): Either.Either<Actor, GateFailure> => {
  const gate = gates[action]
  return Either.flatMap(authorizeRole(action, actor), (allowed): Either.Either<Actor, GateFailure> => {
    switch (gate.link) {
      case "none":
        return Either.right(allowed)
      case "agent-id":
        return requireAgentId(allowed)
      case "orchestrator":
        return requireOrchestratorLink(allowed)
    }
  })
}
