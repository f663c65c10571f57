import type { JsonObject } from "../../kernel/domain/json.js"
import type { Role } from "../../work/domain/status.js"
import { checkpointRoles } from "../../workflow/rules/orchestrator-state.js"
import { AuditEntry } from "../domain/audit-entry.js"

/**
 * What the audit trail shows to whom (D24). Any role may poll the change feed, but an agent key
 * sees the work alone: the entries an implementer needs to follow the breakdown and its stories.
 * Checkpoints, API keys, the tenant, agents' registrations and webhooks are the orchestrator's
 * and the user's business. And a checkpoint's `state_data` goes only to the roles that may read
 * the checkpoint itself, so the feed is never a way around that endpoint's 403.
 */

/**
 * The entity types of the work. Verifications and reviews are recorded as entries of their
 * story (verified, rejected, review_completed, …), so they come with it.
 */
export const workEntityTypes: ReadonlyArray<string> = [
  "project",
  "epic",
  "story",
  "story_dependency",
  "epic_dependency",
  "artifact_report",
  "ui_test_run",
]

/** The entity types of the change feed a role may read: the work for agents, everything otherwise. */
export const changeScopeOf = (role: Role): ReadonlyArray<string> | "all" =>
  role === "agent" ? workEntityTypes : "all"

const readsCheckpoints = (role: Role): boolean => checkpointRoles.some((allowed) => allowed === role)

const withoutStateData = (state: JsonObject | null): JsonObject | null => {
  if (state === null || !("state_data" in state)) return state
  const { state_data: _hidden, ...rest } = state
  return rest
}

/** The entry as `role` may see it: without `state_data` in its states unless the role reads checkpoints. */
export const visibleEntry = (entry: AuditEntry, role: Role): AuditEntry =>
  readsCheckpoints(role)
    ? entry
    : new AuditEntry(
        {
          ...entry,
          old_state: withoutStateData(entry.old_state),
          new_state: withoutStateData(entry.new_state),
        },
        // A stored entry, only narrowed: nothing to validate again.
        { disableValidation: true },
      )
