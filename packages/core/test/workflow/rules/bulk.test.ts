import { describe, expect, it } from "@effect/vitest"
import { Either } from "effect"
import { decodeRequest } from "../../../src/kernel/domain/refusal.js"
import { BulkClaimRequest, BulkRejectRequest, maxBatchSize } from "../../../src/workflow/domain/bulk.js"
import { bulkOutcome, itemRefusal, orDefault, sortBulkResults } from "../../../src/workflow/rules/bulk.js"
import { StoryCommand } from "../../../src/workflow/rules/lifecycle.js"
import { actor, agentA, agentB, at, storyIn } from "../../fixtures/stories.js"
import { decideAs } from "../../fixtures/story-gates.js"

const refusalOf = (outcome: ReturnType<typeof decideAs>) => {
  if (Either.isRight(outcome)) throw new Error("expected a refusal")
  return itemRefusal("s-1", outcome.left)
}

describe("bulk lists", () => {
  it.each([
    [{}, "story_ids is required and must be an array"],
    [{ story_ids: "a" }, "story_ids is required and must be an array"],
    [{ story_ids: [] }, "story_ids must not be empty"],
    [{ story_ids: Array.from({ length: maxBatchSize + 1 }, () => "x") }, "Maximum batch size is 50 stories"],
  ])("refuses %j", (body, message) => {
    const parsed = decodeRequest(BulkClaimRequest)(body)
    expect(Either.isLeft(parsed) && parsed.left).toMatchObject({ message, details: { story_ids: [message] } })
  })

  it("refuses a body that is not an object", () => {
    expect(Either.isLeft(decodeRequest(BulkClaimRequest)([]))).toBe(true)
  })

  it("accepts 1..50 items", () => {
    const parseBatch = decodeRequest(BulkRejectRequest)
    expect(Either.isRight(parseBatch({ stories: [{ story_id: "x" }] }))).toBe(true)
    expect(Either.isRight(parseBatch({ stories: Array.from({ length: 50 }, () => ({})) }))).toBe(true)
  })

  it("is applied when one item succeeded and refused as a whole when none did, results by story id", () => {
    const results = sortBulkResults([
      { story_id: "b", status: "error", reason: "x" },
      { story_id: "a", status: "success" },
    ])
    expect(results.map((r) => r.story_id)).toEqual(["a", "b"])
    expect(bulkOutcome(results)._tag).toBe("Applied")
    expect(bulkOutcome([{ story_id: "b", status: "error", reason: "x" }])._tag).toBe("AllRefused")
  })

  it("fills blank or missing fields from the defaults and keeps the rest", () => {
    expect(orDefault("  ", "S")).toBe("S")
    expect(orDefault(undefined, "S")).toBe("S")
    expect(orDefault(null, "S")).toBe("S")
    expect(orDefault("given", "S")).toBe("given")
  })

  it("refuses an item that does not read on its own, naming why", () => {
    const items = Either.getOrThrow(
      decodeRequest(BulkRejectRequest)({
        stories: [
          { story_id: "00000000-0000-4000-8000-000000000001", reason: " " },
          { story_id: "not-a-uuid", reason: 5 },
          { story_id: "00000000-0000-4000-8000-000000000002", reason: "fails CI" },
        ],
      }),
    ).stories
    expect(items).toEqual([
      {
        _tag: "RefusedItem",
        story_id: "00000000-0000-4000-8000-000000000001",
        reason: "reason is required and cannot be blank",
      },
      { _tag: "RefusedItem", story_id: "not-a-uuid", reason: "Story not found" },
      { story_id: "00000000-0000-4000-8000-000000000002", reason: "fails CI" },
    ])
  })
})

describe("item refusals", () => {
  const agent = actor("agent", agentA)

  it("words a claim of a story in the wrong state as the original does", () => {
    const claim = StoryCommand.Claim({ blockers: { stories: 0, epic_stories: 0 } })
    expect(refusalOf(decideAs(storyIn("assigned"), claim, agent, at(5)))).toEqual({
      story_id: "s-1",
      status: "error",
      reason: "Story is not in contracted status (current: assigned)",
      code: "invalid_transition",
    })
    expect(refusalOf(decideAs(storyIn("pending"), claim, agent, at(5)))).toMatchObject({
      reason: "Story is not in contracted status (current: pending)",
    })
  })

  it("names the unverified prerequisites of a claim", () => {
    const claim = StoryCommand.Claim({ blockers: { stories: 2, epic_stories: 1 } })
    expect(refusalOf(decideAs(storyIn("contracted"), claim, agent, at(5)))).toEqual({
      story_id: "s-1",
      status: "error",
      reason: "Story has 2 unverified dependency(ies); Parent epic has 1 unverified prerequisite story(ies)",
      code: "dependencies_not_met",
    })
  })

  it("keeps the message and code of other refusals, and says not found plainly", () => {
    const verify = StoryCommand.Verify({
      evidence: { result: "pass", summary: "s", review_type: "t", findings: {} },
      latest_review_completed_at: null,
    })
    expect(
      refusalOf(decideAs(storyIn("reported_done"), verify, actor("orchestrator", agentA), at(5))),
    ).toMatchObject({
      code: "self_verify_blocked",
    })
    expect(
      refusalOf(decideAs(storyIn("implementing"), verify, actor("orchestrator", agentB, 2), at(5))),
    ).toEqual({
      story_id: "s-1",
      status: "error",
      reason: "Story is not in reported_done status (current: implementing)",
      code: "invalid_transition",
    })
    expect(itemRefusal("x", { _tag: "NotFound", message: "Story not found" })).toEqual({
      story_id: "x",
      status: "error",
      reason: "Story not found",
    })
  })
})
