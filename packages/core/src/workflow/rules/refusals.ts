import { Forbidden, TransitionConflict, type TransitionConflictCode } from "../../kernel/domain/errors.js"
import type { Story } from "../../work/domain/story.js"
import type { StoryAction } from "../domain/story-action.js"

/** The refusals of the story state machine, worded once. */

export const learnMore = (slug: string) => ({ learn_more: `https://loopctl.com/wiki/${slug}` })

export const conflict = (
  story: Story,
  action: StoryAction,
  code: TransitionConflictCode,
  message: string,
  hints: ReadonlyArray<string>,
  remediation?: { readonly learn_more: string },
  firstSteps?: ReadonlyArray<StoryAction>,
) =>
  new TransitionConflict({
    message,
    code,
    current_state: story.agent_status,
    attempted_action: action,
    hints,
    context: {
      current_agent_status: story.agent_status,
      current_verified_status: story.verified_status,
      attempted_action: action,
    },
    ...(remediation === undefined ? {} : { remediation }),
    ...(firstSteps === undefined ? {} : { first_steps: firstSteps }),
  })

/**
 * A refusal until the caller has taken `steps`, in order: `reason` says why, and the transport
 * words the steps as the calls to make (the hints, and the end of the message).
 */
export const stepsFirst = (
  story: Story,
  action: StoryAction,
  code: "must_contract_first" | "must_claim_first",
  reason: string,
  steps: readonly [StoryAction, ...ReadonlyArray<StoryAction>],
) => conflict(story, action, code, reason, [], undefined, steps)

/** What each action needs the story to be, said as a hint. */
export const requiredState: { readonly [A in StoryAction]: string } = {
  contract: "Story must be in 'pending' status to contract",
  claim: "Story must be in 'contracted' status to claim",
  start: "Story must be in 'assigned' status to start",
  "request-review": "Story must be in 'implementing' status to request review",
  report: "Story must be in 'implementing' status to report done",
  unclaim: "Story must be claimed (assigned, implementing or reported_done) to unclaim",
  "force-unclaim": "Any story can be force-unclaimed",
  "review-complete": "Story must be in 'reported_done' status to record a review",
  verify: "Story must be in 'reported_done' status and not yet verified to verify",
  reject: "Story must be reported_done or verified to reject",
  "mark-complete": "Any story can be marked complete",
  "report-artifact": "Artifacts can be reported in any state",
  backfill: "Story must be pending, unverified and never assigned to backfill",
}

export const invalid = (story: Story, action: StoryAction, hint: string = requiredState[action]) =>
  conflict(
    story,
    action,
    "invalid_transition",
    `Cannot ${action}: story is in agent_status='${story.agent_status}', verified_status='${story.verified_status}'. ${hint}`,
    [hint],
  )

export const selfBlocked = (story: Story, action: StoryAction, kind: "report" | "verify" | "review") => {
  const message = {
    report: "Cannot report your own implementation. Another agent must report it done.",
    verify: "Cannot verify your own implementation. A different orchestrator agent must verify or reject it.",
    review:
      "Cannot review your own implementation. The reviewer agent must be different from the implementing agent.",
  }[kind]
  return conflict(
    story,
    action,
    `self_${kind}_blocked`,
    message,
    // Every agent that ever claimed the story counts as its implementer (D22), not only the assignee.
    [`Ask an agent that never claimed this story to ${kind} it`],
    learnMore(`self-${kind}-blocked`),
  )
}

/**
 * Mark-complete or backfill of work an agent still holds: it has to finish its review chain
 * (D23) — reported by another agent, reviewed, then verified — which the transport words as calls.
 */
export const inProgress = (story: Story, action: StoryAction) =>
  conflict(
    story,
    action,
    "story_in_progress",
    `Cannot ${action}: the story is in progress (agent_status='${story.agent_status}', verified_status='${story.verified_status}', assigned to agent ${story.assigned_agent_id ?? "unknown"}). Work an agent holds is completed through its review chain, not marked done.`,
    [],
    undefined,
    reviewChain,
  )

/** The review chain, in order: what completes work an agent holds. */
export const reviewChain: readonly [StoryAction, ...ReadonlyArray<StoryAction>] = [
  "report",
  "review-complete",
  "verify",
]

export const notAssignee = () => new Forbidden({ message: "Forbidden" })
