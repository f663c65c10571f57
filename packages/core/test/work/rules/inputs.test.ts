import { describe, expect, it } from "@effect/vitest"
import { Either, FastCheck } from "effect"
import { requireExactRole, requireMinRole } from "../../../src/identity/rules/roles.js"
import { decodeRequest } from "../../../src/kernel/domain/refusal.js"
import type { Timestamp } from "../../../src/kernel/domain/timestamp.js"
import type { Role } from "../../../src/work/domain/status.js"
import { ArtifactClaimRequest } from "../../../src/workflow/domain/artifact-claim.js"
import type { BulkItemResult } from "../../../src/workflow/domain/bulk-outcome.js"
import { BulkClaimRequest, maxBatchSize } from "../../../src/workflow/domain/bulk.js"
import { RejectRequest, ReviewRequest, VerifyRequest } from "../../../src/workflow/domain/evidence.js"
import { artifactClaimOf } from "../../../src/workflow/rules/artifact.js"
import { bulkOutcome, sortBulkResults } from "../../../src/workflow/rules/bulk.js"
import { checkContract } from "../../../src/workflow/rules/contract.js"
import { reviewSubmissionOf } from "../../../src/workflow/rules/evidence.js"
import { nextActions } from "../../../src/workflow/rules/next-actions.js"
import { actor, arbRole, arbStory, at } from "../../fixtures/stories.js"

const parseVerifyEvidence = decodeRequest(VerifyRequest)
const parseRejection = decodeRequest(RejectRequest)
const parseReviewSubmission = (body: unknown, now: Timestamp) =>
  Either.map(decodeRequest(ReviewRequest)(body), (request) => reviewSubmissionOf(request, now))
const parseArtifactClaim = (body: unknown) =>
  Either.map(decodeRequest(ArtifactClaimRequest)(body), artifactClaimOf)
const parseBatch = decodeRequest(BulkClaimRequest)

const rank: Record<Role, number> = { agent: 0, orchestrator: 1, user: 2, superadmin: 3 }
const arbText = FastCheck.oneof(FastCheck.string(), FastCheck.constantFrom("", "  ", "\t"))
/** Any JSON scalar a client might send as ac_count. */
const arbCount = FastCheck.oneof(
  FastCheck.integer({ min: -1, max: 5 }),
  FastCheck.double(),
  FastCheck.string(),
  FastCheck.boolean(),
  FastCheck.constant(null),
)
const isFilled = (v: unknown) => typeof v === "string" && v.trim() !== ""

describe("roles", () => {
  it.prop("min passes exactly for the role and those above it", [arbRole, arbRole], ([role, required]) => {
    expect(Either.isRight(requireMinRole(actor(role, null), required))).toBe(rank[role] >= rank[required])
  })
  it.prop(
    "exact passes only for listed roles, with no bypass for higher ones",
    [arbRole, FastCheck.uniqueArray(arbRole, { minLength: 1 })],
    ([role, allowed]) => {
      expect(Either.isRight(requireExactRole(actor(role, null), allowed))).toBe(allowed.includes(role))
    },
  )
})

describe("contract", () => {
  it.prop(
    "an agent's contract passes iff the title is identical and ac_count equals the AC count",
    [arbStory, FastCheck.oneof(FastCheck.constant("Add the login page"), arbText), arbCount],
    ([story, title, count]) => {
      const ok = Either.isRight(checkContract(story, { story_title: title, ac_count: count }, "agent"))
      expect(ok).toBe(title === story.title && count === story.acceptance_criteria.length)
    },
  )
  it.prop("an orchestrator sending no terms always passes; an agent never does", [arbStory], ([story]) => {
    expect(Either.isRight(checkContract(story, {}, "orchestrator"))).toBe(true)
    expect(Either.isRight(checkContract(story, { skip_contract_check: true }, "agent"))).toBe(false)
  })
})

describe("evidence", () => {
  it.prop(
    "verify evidence is accepted iff review_type and summary are non-blank text and findings an object",
    [
      FastCheck.option(arbText),
      FastCheck.option(arbText),
      FastCheck.option(FastCheck.oneof(FastCheck.object(), FastCheck.string())),
    ],
    ([review_type, summary, findings]) => {
      const outcome = parseVerifyEvidence({ review_type, summary, findings })
      const findingsOk = findings === null || (typeof findings === "object" && !Array.isArray(findings))
      expect(Either.isRight(outcome)).toBe(isFilled(review_type) && isFilled(summary) && findingsOk)
      if (Either.isLeft(outcome)) expect(outcome.left.details).toBeDefined()
    },
  )
  it.prop("a rejection needs a non-blank reason", [FastCheck.option(arbText)], ([reason]) => {
    expect(Either.isRight(parseRejection({ reason }))).toBe(isFilled(reason))
  })
  it.prop(
    "a review is accepted iff every finding is fixed or disproved",
    [FastCheck.nat(20), FastCheck.nat(20), FastCheck.nat(20)],
    ([findings_count, fixes_count, disproved_count]) => {
      const outcome = parseReviewSubmission(
        { review_type: "team", findings_count, fixes_count, disproved_count },
        at(1),
      )
      expect(Either.isRight(outcome)).toBe(
        findings_count === 0 || fixes_count + disproved_count >= findings_count,
      )
    },
  )
  it.prop(
    "review counts must be non-negative integers",
    [
      FastCheck.oneof(
        FastCheck.integer({ max: -1 }),
        FastCheck.double({ noInteger: true }),
        FastCheck.string(),
      ),
    ],
    ([bad]) => {
      expect(Either.isLeft(parseReviewSubmission({ review_type: "team", fixes_count: bad }, at(1)))).toBe(
        true,
      )
    },
  )
  it("a client-supplied completed_at keeps its microseconds", () => {
    const outcome = parseReviewSubmission(
      { review_type: "t", completed_at: "2026-03-27T12:00:00.123456+02:00" },
      at(1),
    )
    expect(Either.getOrThrow(outcome).completed_at).toBe("2026-03-27T10:00:00.123456Z")
  })
})

describe("bulk", () => {
  it.prop(
    "a batch is accepted iff it is an array of 1..50 items",
    [FastCheck.oneof(FastCheck.array(FastCheck.uuid(), { maxLength: 60 }), FastCheck.anything())],
    ([list]) => {
      const outcome = parseBatch({ story_ids: list })
      expect(Either.isRight(outcome)).toBe(
        Array.isArray(list) && list.length >= 1 && list.length <= maxBatchSize,
      )
    },
  )
  const arbResult: FastCheck.Arbitrary<BulkItemResult> = FastCheck.oneof(
    FastCheck.uuid().map((story_id) => ({ story_id, status: "success" as const })),
    FastCheck.uuid().map((story_id) => ({ story_id, status: "error" as const, reason: "Story not found" })),
  )
  it.prop(
    "results come back sorted by story id, none lost, applied iff one succeeded",
    [FastCheck.array(arbResult, { minLength: 1 })],
    ([results]) => {
      const sorted = sortBulkResults(results)
      expect(sorted).toHaveLength(results.length)
      expect([...sorted.map((r) => r.story_id)]).toEqual(results.map((r) => r.story_id).sort())
      expect(bulkOutcome(results)._tag).toBe(
        results.some((r) => r.status === "success") ? "Applied" : "AllRefused",
      )
    },
  )
})

describe("artifacts", () => {
  it.prop(
    "an artifact needs a type and a path",
    [FastCheck.option(arbText), FastCheck.option(arbText)],
    ([artifact_type, path]) => {
      expect(Either.isRight(parseArtifactClaim({ artifact_type, path }))).toBe(
        isFilled(artifact_type) && isFilled(path),
      )
    },
  )
})

describe("next actions", () => {
  it.prop("suggest only what the caller could do next", [arbStory, arbRole], ([story, role]) => {
    const suggested = nextActions(story, role)
    const names = suggested.map((a) => a.action)
    // What to do, its body and conditions; how to call it is the transport's to say.
    for (const next of suggested)
      expect(Object.keys(next).sort()).toEqual(["action", "preconditions", "required_body"])
    if (names.includes("verify")) {
      expect(story.agent_status).toBe("reported_done")
      expect(story.verified_status).toBe("unverified")
      expect(["orchestrator", "user"]).toContain(role)
    }
    if (names.includes("start") || names.includes("request-review")) expect(role).toBe("agent")
    if (story.agent_status === "pending") expect(names).toEqual(["contract"])
  })
})
