import { describe, expect, it } from "@effect/vitest"
import { Enveloped } from "@loopctl/api"
import { type Rules, StoryId, TransitionConflict, ValidationFailed } from "@loopctl/core"
import { Schema } from "effect"
import {
  nextActionView,
  routedBulkResult,
  routedRefusal,
  routedValidation,
} from "../../src/workflow/story-action-routes.js"

/**
 * The http adapter's half of "what can be done next": the core names actions and steps, this
 * module gives them method, path and wording. The expected texts are the bytes clients were sent
 * when the core still named the routes itself.
 */

const storyId = StoryId.make("00000000-0000-4000-8000-300000000001")

const suggestion = (action: Rules.NextActions.SuggestedAction): Rules.NextActions.NextAction => ({
  action,
  required_body: null,
  preconditions: ["caller is the assignee"],
})

const refusal = (
  code: TransitionConflict["code"],
  action: string,
  message: string,
  steps: ReadonlyArray<string>,
) =>
  new TransitionConflict({
    message,
    code,
    current_state: "pending",
    attempted_action: action,
    hints: [],
    context: {
      current_agent_status: "pending",
      current_verified_status: "unverified",
      attempted_action: action,
    },
    first_steps: steps,
  })

const wire = (error: TransitionConflict) =>
  JSON.stringify(Schema.encodeSync(Enveloped.TransitionConflict)(error))

describe("next actions on the wire", () => {
  it("routes each suggestion to POST /api/v1/stories/:id/<segment>, keys in the original order", () => {
    const contract: Rules.NextActions.NextAction = {
      action: "contract",
      required_body: { story_title: "Add the login page", ac_count: 2 },
      preconditions: ["story_title must equal the story's title"],
    }
    expect(JSON.stringify(nextActionView({ id: storyId }, contract))).toBe(
      `{"action":"contract","method":"POST","path":"/api/v1/stories/${storyId}/contract","required_body":{"story_title":"Add the login page","ac_count":2},"preconditions":["story_title must equal the story's title"],"learn_more":"https://loopctl.com/wiki/contract"}`,
    )
    expect(nextActionView({ id: storyId }, suggestion("request-review"))).toEqual({
      action: "request_review",
      method: "POST",
      path: `/api/v1/stories/${storyId}/request-review`,
      required_body: null,
      preconditions: ["caller is the assignee"],
      learn_more: "https://loopctl.com/wiki/request-review",
    })
    for (const action of ["claim", "start", "verify", "reject"] as const) {
      expect(nextActionView({ id: storyId }, suggestion(action))).toMatchObject({
        action,
        path: `/api/v1/stories/${storyId}/${action}`,
        learn_more: `https://loopctl.com/wiki/${action}`,
      })
    }
  })
})

describe("refusals on the wire", () => {
  it("words must-contract/claim-first steps as calls in the message and the hint", () => {
    const claim = routedRefusal(
      refusal("must_contract_first", "claim", "Story must be contracted before claiming.", ["contract"]),
    )
    expect(claim.message).toBe(
      "Story must be contracted before claiming. Call POST /stories/:id/contract first.",
    )
    expect(claim.hints).toEqual(["Call POST /stories/:id/contract first"])
    const start = routedRefusal(
      refusal("must_contract_first", "start", "Story must be contracted before claiming.", [
        "contract",
        "claim",
      ]),
    )
    expect(start.message).toBe(
      "Story must be contracted before claiming. Call POST /stories/:id/contract first.",
    )
    expect(start.hints).toEqual(["Call POST /stories/:id/contract, then /claim, first"])
    const started = routedRefusal(
      refusal("must_claim_first", "start", "Story must be claimed before starting.", ["claim"]),
    )
    expect(started.message).toBe("Story must be claimed before starting. Call POST /stories/:id/claim first.")
    expect(started.hints).toEqual(["Call POST /stories/:id/claim first"])
  })

  it("words the review chain of work in progress, leaving its message as it is", () => {
    const held = routedRefusal(
      refusal("story_in_progress", "mark-complete", "Cannot mark-complete: the story is in progress.", [
        "report",
        "review-complete",
        "verify",
      ]),
    )
    expect(held.message).toBe("Cannot mark-complete: the story is in progress.")
    expect(held.hints).toEqual([
      "Use the review chain: another agent reports it done (POST /stories/:id/report), a reviewer records POST /stories/:id/review-complete, then a different orchestrator calls POST /stories/:id/verify",
    ])
  })

  it("never sends the steps themselves; a refusal without steps is unchanged", () => {
    const routed = routedRefusal(
      refusal("must_claim_first", "start", "Story must be claimed before starting.", ["claim"]),
    )
    expect(wire(routed)).not.toContain("first_steps")
    expect(wire(refusal("must_claim_first", "start", "m", ["claim"]))).not.toContain("first_steps")
    const plain = new TransitionConflict({
      message: "Cannot start",
      code: "invalid_transition",
      current_state: "implementing",
      attempted_action: "start",
      hints: ["Story must be in 'assigned' status to start"],
      context: {
        current_agent_status: "implementing",
        current_verified_status: "unverified",
        attempted_action: "start",
      },
    })
    expect(routedRefusal(plain)).toBe(plain)
  })

  it("words the two 422s that name a call first as clients were sent them, in single and bulk answers", () => {
    const notReported = routedValidation(
      new ValidationFailed({ message: "core words", code: "story_not_reported_done" }),
    )
    expect(notReported.message).toBe(
      "Story must be in reported_done status before a review record can be created. The agent must call POST /stories/:id/report first.",
    )
    expect(notReported.code).toBe("story_not_reported_done")
    const noReview =
      "No review record found for this story. Run the review pipeline and call POST /stories/:id/review-complete before attempting to verify. The review must be completed AFTER the story was reported done."
    expect(
      routedValidation(new ValidationFailed({ message: "m", code: "review_not_conducted" })).message,
    ).toBe(noReview)
    expect(
      routedBulkResult({ story_id: storyId, status: "error", reason: "m", code: "review_not_conducted" }),
    ).toEqual({ story_id: storyId, status: "error", reason: noReview, code: "review_not_conducted" })
    const other = new ValidationFailed({ message: "Validation failed", code: "something_else" })
    expect(routedValidation(other)).toBe(other)
    const done = { story_id: storyId, status: "success" } as const
    expect(routedBulkResult(done)).toBe(done)
  })
})
