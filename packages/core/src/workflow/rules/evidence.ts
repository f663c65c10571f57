import type { JsonObject } from "../../kernel/domain/json.js"
import type { Timestamp } from "../../kernel/domain/timestamp.js"
import type { VerificationOutcome } from "../../work/domain/status.js"
import type { CompletionRequest, RejectRequest, ReviewRequest, VerifyRequest } from "../domain/evidence.js"

/**
 * What verifiers and reviewers supplied (decoded by the Schemas in domain/evidence.ts), with the
 * defaults of what they left out.
 */

/** Evidence for a single verify (and verify-all): review type and summary are both required (D3, D4). */
export interface VerifyEvidence {
  readonly result: Extract<VerificationOutcome, "pass" | "partial">
  readonly summary: string
  readonly review_type: string
  readonly findings: JsonObject
}

/** A verify is a pass unless the verifier says partial; findings default to none. */
export const verifyEvidenceOf = (request: VerifyRequest): VerifyEvidence => ({
  result: request.result ?? "pass",
  summary: request.summary,
  review_type: request.review_type,
  findings: request.findings ?? {},
})

/** Why a verifier sends a story back. */
export interface Rejection {
  readonly reason: string
  readonly findings: JsonObject
  readonly review_type: string | null
}

export const rejectionOf = (request: RejectRequest): Rejection => ({
  reason: request.reason,
  findings: request.findings ?? {},
  review_type: request.review_type ?? null,
})

/** A completed review of a reported story, submitted by someone other than its implementer. */
export interface ReviewSubmission {
  readonly review_type: string
  readonly findings_count: number
  readonly fixes_count: number
  readonly disproved_count: number
  readonly summary: string | null
  readonly completed_at: Timestamp
}

/** Counts left out are 0; a review without a completion time completed `now`. */
export const reviewSubmissionOf = (request: ReviewRequest, now: Timestamp): ReviewSubmission => ({
  review_type: request.review_type,
  findings_count: request.findings_count ?? 0,
  fixes_count: request.fixes_count ?? 0,
  disproved_count: request.disproved_count ?? 0,
  summary: request.summary ?? null,
  completed_at: request.completed_at ?? now,
})

/** A bulk mark-complete item: pre-existing work recorded as verified. */
export interface Completion {
  readonly summary: string
  readonly review_type: string
}

const said = (text: string | null | undefined): text is string =>
  text !== undefined && text !== null && text.trim() !== ""

/** A blank or missing summary and review type take their defaults. */
export const completionOf = (request: CompletionRequest): Completion => ({
  summary: said(request.summary) ? request.summary : "Marked complete (pre-existing work)",
  review_type: said(request.review_type) ? request.review_type : "pre_existing",
})

/**
 * An epic completes when it has stories and all are verified — and only the first time: the
 * caller says whether a completion was already recorded, so a reject and re-verify stays silent.
 */
export const epicJustCompleted = (
  tally: { readonly total: number; readonly verified: number },
  alreadyCompleted: boolean,
): boolean => !alreadyCompleted && tally.total > 0 && tally.verified === tally.total

/** Whether every story of an epic with stories is verified (completion may then be due). */
export const epicFullyVerified = (tally: { readonly total: number; readonly verified: number }): boolean =>
  tally.total > 0 && tally.verified === tally.total
