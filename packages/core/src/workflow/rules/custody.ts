import type { Actor } from "../../identity/domain/actor.js"
import type { AgentId } from "../../kernel/domain/ids.js"
import type { Story } from "../../work/domain/story.js"

/**
 * Custody of a story: who implemented it, and whether an agent still holds it. The identity
 * gates of report, review-complete, verify, reject, mark-complete and backfill all ask
 * `isImplementer`, so none of them can be passed by releasing the story first (D22).
 */

/** The claim history after `agent` claims the story: appended once, in claim order. */
export const withClaimant = (story: Story, agent: AgentId | null): ReadonlyArray<AgentId> =>
  agent === null || story.claimed_by_agent_ids.includes(agent)
    ? story.claimed_by_agent_ids
    : [...story.claimed_by_agent_ids, agent]

/**
 * Whether the actor's agent implemented the story: it claimed it at some point (the history
 * survives unclaim, force-unclaim, reject and auto-reset), or it is the assignee now. An actor
 * without an agent implemented nothing.
 */
export const isImplementer = (story: Story, actor: Actor): boolean =>
  actor.agent_id !== null &&
  (actor.agent_id === story.assigned_agent_id || story.claimed_by_agent_ids.includes(actor.agent_id))

/**
 * Whether an agent holds the story as unfinished work: claimed, started or reported by an
 * assignee, and not yet verified. Such a story must go through its review chain; paths that
 * record work as done without one (mark-complete, backfill) are closed to it (D23).
 */
export const isHeldByAgent = (story: Story): boolean =>
  story.assigned_agent_id !== null &&
  (story.agent_status === "assigned" ||
    story.agent_status === "implementing" ||
    story.agent_status === "reported_done") &&
  story.verified_status !== "verified"
