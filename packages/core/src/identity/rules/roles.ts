import { Either } from "effect"
import { AgentLinkRequired, Forbidden, ValidationFailed } from "../../kernel/domain/errors.js"
import type { AgentId } from "../../kernel/domain/ids.js"
import type { Role } from "../../work/domain/status.js"
import type { Actor } from "../domain/actor.js"

/** Rank in the hierarchy superadmin > user > orchestrator > agent. */
const rank: Record<Role, number> = { superadmin: 3, user: 2, orchestrator: 1, agent: 0 }

/** Passes when the actor's role is `role` or higher ("min X" in the spec). */
export const requireMinRole = (actor: Actor, role: Role): Either.Either<Actor, Forbidden> =>
  rank[actor.role] >= rank[role]
    ? Either.right(actor)
    : Either.left(new Forbidden({ message: `Insufficient permissions. Required role: ${role}` }))

/** Passes only for the listed roles, compared strictly: superadmin and user get no bypass. */
export const requireExactRole = (
  actor: Actor,
  allowed: ReadonlyArray<Role>,
): Either.Either<Actor, Forbidden> =>
  allowed.includes(actor.role)
    ? Either.right(actor)
    : Either.left(new Forbidden({ message: `This endpoint requires the ${allowed.join(" or ")} role` }))

/** An actor whose key is linked to a registered agent. */
export type LinkedActor = Actor & { readonly agent_id: AgentId }

const isLinked = (actor: Actor): actor is LinkedActor => actor.agent_id !== null

/** Orchestrator paths that act on a story need to know which agent acts (400 otherwise). */
export const requireOrchestratorLink = (actor: Actor): Either.Either<LinkedActor, AgentLinkRequired> =>
  isLinked(actor) ? Either.right(actor) : Either.left(AgentLinkRequired.orchestrator())

/** Chain-of-custody paths (claim, report, review) record the acting agent (422 otherwise). */
export const requireAgentId = (actor: Actor): Either.Either<LinkedActor, ValidationFailed> =>
  isLinked(actor)
    ? Either.right(actor)
    : Either.left(
        new ValidationFailed({
          message: "Agent ID required for chain-of-custody. Use an API key linked to a registered agent.",
          code: "agent_id_required",
        }),
      )
