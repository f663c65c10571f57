import { ValidationFailed } from "../../kernel/domain/errors.js"
import { type JsonObject, isJsonObject } from "../../kernel/domain/json.js"
import type { Timestamp } from "../../kernel/domain/timestamp.js"
import type { Story } from "../../work/domain/story.js"
import type { BackfillRequest } from "../domain/backfill.js"

/**
 * Backfill: recording as verified a story whose work was done before loopctl tracked it. The
 * provenance (why, where the evidence is, which pull request) is kept in `metadata.backfill`.
 */

/** What a backfill records: the request as decoded (`reason` trimmed). */
export type BackfillClaim = BackfillRequest

/** The `metadata.backfill` object a backfill writes. */
export const backfillRecord = (claim: BackfillClaim, at: Timestamp): JsonObject => ({
  reason: claim.reason,
  evidence_url: claim.evidence_url ?? null,
  pr_number: claim.pr_number ?? null,
  backfilled_at: at,
})

/** Whether the story was already backfilled with exactly this claim (a retry, answered as is). */
export const sameBackfill = (story: Story, claim: BackfillClaim): boolean => {
  const stored = story.metadata.backfill
  return (
    isJsonObject(stored) &&
    stored.reason === claim.reason &&
    (stored.evidence_url ?? null) === (claim.evidence_url ?? null) &&
    (stored.pr_number ?? null) === (claim.pr_number ?? null)
  )
}

/** Why a story cannot be backfilled, or null when it can (it is untouched by the loop). */
export const backfillRefusal = (story: Story, claim: BackfillClaim): ValidationFailed | "retry" | null => {
  if (story.verified_status === "verified") {
    return sameBackfill(story, claim)
      ? "retry"
      : new ValidationFailed({
          message:
            "Story is already verified. A backfill can only be repeated with the same reason, evidence_url and pr_number.",
          code: "already_verified",
        })
  }
  if (story.verified_status === "rejected") {
    return new ValidationFailed({
      message:
        "Cannot backfill a rejected story: it was reviewed inside loopctl, so it must be reworked through the lifecycle.",
      code: "backfill_rejected",
    })
  }
  // A story some agent claimed, even one released since, was worked on inside the loop.
  if (
    story.agent_status !== "pending" ||
    story.assigned_agent_id !== null ||
    story.claimed_by_agent_ids.length > 0
  ) {
    return new ValidationFailed({
      message:
        "Cannot backfill a story with dispatch lineage: backfill is for work done OUTSIDE the loopctl dispatch, and this story has been contracted or assigned. Finish it through the lifecycle instead.",
      code: "backfill_has_lineage",
    })
  }
  return null
}
