import { describe, expect, it } from "@effect/vitest"
import { Either, FastCheck } from "effect"
import { decodeRequest } from "../../../src/kernel/domain/refusal.js"
import type { Story } from "../../../src/work/domain/story.js"
import { BackfillRequest } from "../../../src/workflow/domain/backfill.js"
import type { BackfillClaim } from "../../../src/workflow/rules/backfill.js"
import { StoryCommand } from "../../../src/workflow/rules/lifecycle.js"
import { aStory, actor, agentA, agentC, at, storyIn } from "../../fixtures/stories.js"
import { decideAs } from "../../fixtures/story-gates.js"
import { errorEnvelope } from "../../fixtures/wire-status.js"

const claim: BackfillClaim = {
  reason: "shipped in v1",
  evidence_url: "https://github.com/o/r/pull/232",
  pr_number: 232,
}
const orchestrator = actor("orchestrator", agentC)

const backfill = (story: Story, who = orchestrator, with_: BackfillClaim = claim) =>
  Either.match(decideAs(story, StoryCommand.Backfill({ claim: with_ }), who, at(30)), {
    onLeft: (error) => errorEnvelope(error).error,
    onRight: (decision) => decision,
  })

const parseBackfill = decodeRequest(BackfillRequest)

describe("backfill body", () => {
  it("trims the reason and accepts a numeric pr_number string", () => {
    expect(parseBackfill({ reason: "  done before  ", pr_number: "232" })).toEqual(
      Either.right({ reason: "done before", pr_number: 232 }),
    )
  })

  it("names every bad field in one 422", () => {
    const refused = parseBackfill({
      reason: "   ",
      evidence_url: "https://user:secret@example.com/pr",
      pr_number: 0,
    })
    expect(Either.isLeft(refused) && refused.left).toMatchObject({
      message: "Validation failed",
      details: {
        reason: ["can't be blank"],
        evidence_url: ["must not contain credentials (user:pass@)"],
        pr_number: ["must be a positive integer"],
      },
    })
  })

  it.each([
    [{ reason: "x".repeat(2001) }, "reason"],
    [{ reason: "é".repeat(1001) }, "reason"],
    [{ reason: "ok", evidence_url: "ftp://example.com/x" }, "evidence_url"],
    [{ reason: "ok", evidence_url: "not a url" }, "evidence_url"],
    [{ reason: "ok", evidence_url: `https://example.com/${"a".repeat(2000)}` }, "evidence_url"],
    [{ reason: "ok", pr_number: "12a" }, "pr_number"],
    [{ reason: "ok", pr_number: 1.5 }, "pr_number"],
    [{}, "reason"],
  ])("refuses %j naming %s", (body, field) => {
    const refused = parseBackfill(body)
    expect(Either.isLeft(refused) && Object.keys(refused.left.details ?? {})).toEqual([field])
  })
})

describe("backfill decision", () => {
  it("records a never-assigned pending story as verified, with its provenance", () => {
    const decision = backfill(aStory())
    expect(decision).toMatchObject({
      changed: true,
      story: {
        agent_status: "reported_done",
        verified_status: "verified",
        reported_done_at: at(30),
        verified_at: at(30),
        metadata: { backfill: { ...claim, backfilled_at: at(30) } },
      },
      audit: [
        { entity_type: "story", action: "backfilled", new_state: { source: "pre_loopctl", pr_number: 232 } },
      ],
      events: [
        {
          event: "story.backfilled",
          source: "pre_loopctl",
          reason: claim.reason,
          actor_label: "orchestrator:orchestrator-1",
        },
      ],
      verification: null,
    })
  })

  it("answers an identical retry with the story unchanged and nothing recorded", () => {
    const first = Either.getOrThrow(
      decideAs(aStory(), StoryCommand.Backfill({ claim }), orchestrator, at(30)),
    )
    expect(backfill(first.story)).toMatchObject({ changed: false, story: first.story, audit: [], events: [] })
    expect(backfill(first.story, orchestrator, { ...claim, reason: "another reason" })).toMatchObject({
      status: 422,
      code: "already_verified",
    })
  })

  it.each([
    ["contracted", "unverified", "backfill_has_lineage"],
    ["pending", "rejected", "backfill_rejected"],
    ["pending", "verified", "already_verified"],
    ["reported_done", "verified", "already_verified"],
  ] as const)("refuses a %s/%s story with %s", (agentStatus, verifiedStatus, code) => {
    const refused = backfill(storyIn(agentStatus, verifiedStatus))
    expect(refused).toMatchObject({ status: 422, code })
    if (code === "backfill_has_lineage") {
      expect(String(Reflect.get(refused, "message"))).toContain("dispatch lineage")
      expect(String(Reflect.get(refused, "message"))).toContain("OUTSIDE the loopctl dispatch")
    }
    if (code === "backfill_rejected") expect(String(Reflect.get(refused, "message"))).toContain("rejected")
  })

  it("refuses a pending story that still names an assignee, and a reported one nobody holds", () => {
    expect(backfill(aStory({ assigned_agent_id: agentA }))).toMatchObject({ code: "backfill_has_lineage" })
    expect(backfill(storyIn("reported_done", "unverified", null))).toMatchObject({
      status: 422,
      code: "backfill_has_lineage",
    })
  })

  it("refuses a pending story an agent claimed and let go: its claim history is lineage", () => {
    expect(backfill(aStory({ claimed_by_agent_ids: [agentA] }))).toMatchObject({
      status: 422,
      code: "backfill_has_lineage",
    })
  })

  it.each(["assigned", "implementing", "reported_done"] as const)(
    "refuses a story an agent holds (%s) with 409 story_in_progress (D23)",
    (agentStatus) => {
      expect(backfill(storyIn(agentStatus, "unverified"))).toMatchObject({
        status: 409,
        code: "story_in_progress",
        current_state: agentStatus,
        attempted_action: "backfill",
      })
    },
  )

  it("is exact orchestrator with a linked agent (D23): users 403, unlinked keys 400, agents 403", () => {
    expect(backfill(aStory(), actor("user", null))).toEqual({
      status: 403,
      message: "This endpoint requires the orchestrator role",
    })
    expect(backfill(aStory(), actor("orchestrator", null))).toMatchObject({ status: 400 })
    expect(backfill(aStory(), actor("agent", agentA))).toEqual({
      status: 403,
      message: "This endpoint requires the orchestrator role",
    })
  })
})

describe("the evidence URL", () => {
  const urlProblem = (evidence_url: string) =>
    Either.match(parseBackfill({ reason: "ok", evidence_url }), {
      onLeft: (error) => {
        const details: unknown = errorEnvelope(error).error.details
        return typeof details === "object" && details !== null && "evidence_url" in details
          ? details.evidence_url
          : null
      },
      onRight: () => null,
    })

  it.prop(
    "every http(s) URL the platform's parser accepts without credentials is accepted",
    [FastCheck.webUrl({ validSchemes: ["http", "https"], withQueryParameters: true, withFragments: true })],
    ([url]) => {
      FastCheck.pre(url.length <= 2000)
      const parsed = new URL(url)
      const expected = parsed.username === "" && parsed.password === "" ? null : expect.anything()
      expect(urlProblem(url)).toEqual(expected)
    },
  )

  it("refuses other schemes, credentials, whitespace and text that is no URL", () => {
    expect(urlProblem("ftp://example.com/x")).toEqual(["must use the http or https scheme"])
    expect(urlProblem("https://a:b@example.com/")).toEqual(["must not contain credentials (user:pass@)"])
    for (const bad of ["not a url", "https://", "https:///path", "https://exa mple.com", "//example.com"])
      expect(urlProblem(bad)).toEqual(["must be a valid http or https URL"])
    expect(urlProblem("HTTPS://Example.com:8443/pr/1?x=1#top")).toBeNull()
  })
})
