import type { NextActionView } from "@loopctl/api"
import {
  type BulkItemResult,
  type Rules,
  type Story,
  type StoryAction,
  TransitionConflict,
  ValidationFailed,
} from "@loopctl/core"

/**
 * Where each story action is served. The core says what can be done next (a transition's
 * suggested actions, the steps a refusal wants taken first); this module says how to call it —
 * method, path and documentation — in the words clients have always been sent.
 */

/** The actions served on one story (mark-complete is served in bulk only). */
type RoutedAction = Exclude<StoryAction, "mark-complete">

/** The last path segment of each action's route, `POST /api/v1/stories/:id/<segment>`. */
const segments: { readonly [A in RoutedAction]: string } = {
  contract: "contract",
  claim: "claim",
  start: "start",
  "request-review": "request-review",
  report: "report",
  unclaim: "unclaim",
  "force-unclaim": "force-unclaim",
  "review-complete": "review-complete",
  verify: "verify",
  reject: "reject",
  "report-artifact": "artifacts",
  backfill: "backfill",
}

/** The wire's name of each suggested action. */
const suggestionNames: { readonly [A in Rules.NextActions.SuggestedAction]: string } = {
  contract: "contract",
  claim: "claim",
  start: "start",
  "request-review": "request_review",
  verify: "verify",
  reject: "reject",
}

type NextAction = Rules.NextActions.NextAction

/** A suggested action as the wire shows it: its name, how to call it, its body and conditions. */
export const nextActionView = (story: Pick<Story, "id">, next: NextAction): typeof NextActionView.Type => {
  const segment = segments[next.action]
  return {
    action: suggestionNames[next.action],
    method: "POST",
    path: `/api/v1/stories/${story.id}/${segment}`,
    required_body: next.required_body,
    preconditions: next.preconditions,
    learn_more: `https://loopctl.com/wiki/${segment}`,
  }
}

/** What a transition use case answers: the story as it now is and what can be done next. */
export interface TransitionAnswer {
  readonly story: Story
  readonly next_actions: ReadonlyArray<NextAction>
}

/** A transition's answer, `{story, next_actions}`, with each suggestion routed. */
export const transitionView = (answer: TransitionAnswer) => ({
  story: answer.story,
  next_actions: answer.next_actions.map((next) => nextActionView(answer.story, next)),
})

const segmentOf = new Map<string, string>(Object.entries(segments))

/** An action as a refusal's hint names the call (without the `/api/v1` prefix, as the original did). */
const call = (step: string): string => `POST /stories/:id/${segmentOf.get(step) ?? step}`

/**
 * The refusal as the wire words it: where the core names the steps to take first, they become
 * calls in the hints (and, for the must-X-first refusals, at the end of the message); the steps
 * themselves are not sent. A refusal without steps is returned as it is.
 */
export const routedRefusal = (refusal: TransitionConflict): TransitionConflict => {
  const steps = refusal.first_steps
  if (steps === undefined) return refusal
  const [first, second] = steps
  const worded = (message: string, hints: ReadonlyArray<string>) =>
    new TransitionConflict({
      message,
      code: refusal.code,
      current_state: refusal.current_state,
      attempted_action: refusal.attempted_action,
      hints,
      context: refusal.context,
      ...(refusal.remediation === undefined ? {} : { remediation: refusal.remediation }),
    })
  if (refusal.code === "story_in_progress") {
    return worded(refusal.message, [
      `Use the review chain: another agent reports it done (${call("report")}), a reviewer records ${call("review-complete")}, then a different orchestrator calls ${call("verify")}`,
    ])
  }
  if (first === undefined) return worded(refusal.message, refusal.hints)
  return worded(`${refusal.message} Call ${call(first)} first.`, [
    second === undefined
      ? `Call ${call(first)} first`
      : `Call ${call(first)}, then /${segmentOf.get(second) ?? second}, first`,
  ])
}

/**
 * The two 422 refusals whose wire message names the call to make first; the core words them
 * without routes, and they are matched by their codes.
 */
const validationWording: Readonly<Record<string, string>> = {
  story_not_reported_done: `Story must be in reported_done status before a review record can be created. The agent must call ${call("report")} first.`,
  review_not_conducted: `No review record found for this story. Run the review pipeline and call ${call("review-complete")} before attempting to verify. The review must be completed AFTER the story was reported done.`,
}

/** The wire message of a refusal with `code`, where it names a route; undefined for the others. */
const routedMessageOf = (code: string | undefined): string | undefined =>
  code === undefined ? undefined : validationWording[code]

/** A validation refusal as the wire words it: with the route its code stands for, if any. */
export const routedValidation = (refusal: ValidationFailed): ValidationFailed => {
  const message = routedMessageOf(refusal.code)
  return message === undefined ? refusal : new ValidationFailed({ ...refusal, message })
}

/** A bulk item's result as the wire words it: a refused item's reason gets the same routes. */
export const routedBulkResult = (result: BulkItemResult): BulkItemResult => {
  if (result.status !== "error") return result
  const reason = routedMessageOf(result.code)
  return reason === undefined ? result : { ...result, reason }
}
