import { Forbidden, TransitionConflict, type TransitionConflictCode } from "../domain/errors.js"
import type { Story } from "../domain/story.js"
import type { StoryAction } from "./gates.js"

/** The refusals of the story state machine, worded once. */

export const learnMore = (slug: string) => ({ learn_more: `https://loopctl.com/wiki/${slug}` })

export const conflict = (
  story: Story,
  action: StoryAction,
  code: TransitionConflictCode,
  message: string,
  hints: ReadonlyArray<string>,
  remediation?: { readonly learn_more: string },
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
  })

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
    [`Ask an agent other than ${story.assigned_agent_id ?? "the implementer"} to ${kind} this story`],
    learnMore(`self-${kind}-blocked`),
  )
}

export const notAssignee = () => new Forbidden({ message: "Forbidden" })
