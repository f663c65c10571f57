import { Schema } from "effect"
import type { FieldErrors } from "../../kernel/domain/errors.js"
import { maxStoredInt, refusing } from "../../kernel/domain/fields.js"
import { JsonObjectField } from "../../kernel/domain/json-fields.js"
import { optionalOrNull } from "../../kernel/domain/optional-fields.js"
import { RefusalSummaryId } from "../../kernel/domain/refusal.js"
import { NonBlankText, Text } from "../../kernel/domain/text-fields.js"
import { TimestampFromIso } from "../../kernel/domain/timestamp.js"

/**
 * What verifiers and reviewers send: the evidence of a verify, the reason of a reject, a
 * completed review, a mark-complete. The limits and the messages a refused field reports are
 * stated here once; the API decodes request bodies with these Schemas.
 */

/** What a verify says was found: `pass` unless the verifier states `partial`. */
export const VerifyResult = refusing(Schema.Literal("pass", "partial"), "must be one of: pass, partial")

/** Free-form findings of a verify or reject. */
const findings = optionalOrNull(JsonObjectField.annotations({ description: "Free-form findings object" }))

/** Evidence for a verify (and verify-all): review type and summary are both required (D3, D4). */
export const VerifyRequest = Schema.Struct({
  review_type: NonBlankText.annotations({ description: "What kind of review backs this verification" }),
  summary: NonBlankText.annotations({ description: "What was verified (not blank)" }),
  result: optionalOrNull(VerifyResult.annotations({ description: "pass (default) or partial" })),
  findings,
}).annotations({
  parseOptions: { errors: "all" },
  [RefusalSummaryId]: (details: FieldErrors) =>
    "review_type" in details || "summary" in details
      ? "Review evidence required. Include 'review_type' (for example \"enhanced_review\") and a non-empty 'summary' of what was verified."
      : undefined,
})
export type VerifyRequest = typeof VerifyRequest.Type

/** Why a verifier sends a story back. */
export const RejectRequest = Schema.Struct({
  reason: NonBlankText.annotations({ description: "Why the story is rejected (not blank)" }),
  findings,
  review_type: optionalOrNull(Text.annotations({ description: "What kind of review led to the rejection" })),
}).annotations({
  parseOptions: { errors: "all" },
  [RefusalSummaryId]: (details: FieldErrors) =>
    "reason" in details ? "reason is required and cannot be blank" : undefined,
})
export type RejectRequest = typeof RejectRequest.Type

/** The largest count the review record's integer columns hold. */
export const maxReviewCount = maxStoredInt

/** A count of findings: a whole number from 0 up to what the column holds. */
export const ReviewCount = refusing(
  Schema.Number.pipe(Schema.int(), Schema.nonNegative()),
  "must be a non-negative integer",
).pipe(
  Schema.lessThanOrEqualTo(maxReviewCount, {
    message: () => `must be less than or equal to ${maxReviewCount}`,
    jsonSchema: { type: "integer", minimum: 0, maximum: maxReviewCount },
  }),
)

/** Whether every confirmed finding was fixed or disproved; the problem to report when not. */
const unaccountedFindings = (review: {
  readonly findings_count?: number | null
  readonly fixes_count?: number | null
  readonly disproved_count?: number | null
}): string | undefined => {
  const findings = review.findings_count ?? 0
  const fixes = review.fixes_count ?? 0
  const disproved = review.disproved_count ?? 0
  return findings > 0 && fixes + disproved < findings
    ? `${findings} findings confirmed but only ${fixes} fixed and ${disproved} disproved. All findings must be either fixed or explicitly disproved. ${findings - fixes - disproved} findings unaccounted for.`
    : undefined
}

/** A completed review of a reported story, submitted by someone other than its implementer. */
export const ReviewRequest = Schema.Struct({
  review_type: NonBlankText.annotations({
    description: "What kind of review, e.g. enhanced, team, adversarial",
  }),
  findings_count: optionalOrNull(ReviewCount.annotations({ description: "Findings confirmed (default 0)" })),
  fixes_count: optionalOrNull(ReviewCount.annotations({ description: "Findings fixed (default 0)" })),
  disproved_count: optionalOrNull(ReviewCount.annotations({ description: "Findings disproved (default 0)" })),
  summary: optionalOrNull(Text.annotations({ description: "What the review found" })),
  completed_at: optionalOrNull(
    refusing(TimestampFromIso, "must be an ISO-8601 timestamp").annotations({
      description: "When the review completed (default now)",
      jsonSchema: { type: "string", format: "date-time" },
    }),
  ),
})
  .annotations({ parseOptions: { errors: "all" } })
  .pipe(
    Schema.filter((review) => {
      const problem = unaccountedFindings(review)
      return problem === undefined || { path: ["fixes_count"], message: problem }
    }),
  )
export type ReviewRequest = typeof ReviewRequest.Type

/** A bulk mark-complete item's evidence: both optional, but text when given (D26). */
export const CompletionRequest = Schema.Struct({
  summary: optionalOrNull(Text.annotations({ description: "What was done (default: pre-existing work)" })),
  review_type: optionalOrNull(Text.annotations({ description: "Default pre_existing" })),
}).annotations({
  parseOptions: { errors: "all" },
  // A bulk item's refusal is reported by its message alone, so the message names the fields.
  [RefusalSummaryId]: (details: FieldErrors) =>
    Object.entries(details)
      .map(([field, [problem]]) => `${field} ${problem}`)
      .join("; "),
})
export type CompletionRequest = typeof CompletionRequest.Type
