import { Either } from "effect"
import { type FieldErrors, ValidationFailed } from "../../kernel/domain/errors.js"
import { type JsonObject, isJsonObject } from "../../kernel/domain/json.js"
import { type Timestamp, parseTimestamp } from "../../kernel/domain/timestamp.js"
import type { VerificationOutcome } from "../../work/domain/status.js"

/**
 * What verifiers and reviewers must supply, parsed from a request body. Each parser returns a
 * 422 with `details.<field>` naming every problem at once.
 */

const isBlank = (value: unknown): boolean => typeof value !== "string" || value.trim() === ""

/** An optional text field: absent or null is none; any other non-text value is a problem (D26). */
const optionalString = (value: unknown, field: string, problems: Record<string, string[]>): string | null => {
  if (value === undefined || value === null) return null
  if (typeof value === "string") return value
  problems[field] = ["must be a string"]
  return null
}

const verifyResults = ["pass", "partial"] as const

const fail = (message: string, details: FieldErrors) =>
  Either.left(new ValidationFailed({ message, details }))

const findingsOf = (
  body: Readonly<Record<string, unknown>>,
  problems: Record<string, string[]>,
): JsonObject => {
  const findings = body.findings
  if (findings === undefined || findings === null) return {}
  if (isJsonObject(findings)) return findings
  problems.findings = ["must be a JSON object"]
  return {}
}

/** Evidence for a single verify (and verify-all): review type and summary are both required (D3, D4). */
export interface VerifyEvidence {
  readonly result: Extract<VerificationOutcome, "pass" | "partial">
  readonly summary: string
  readonly review_type: string
  readonly findings: JsonObject
}

export const parseVerifyEvidence = (body: unknown): Either.Either<VerifyEvidence, ValidationFailed> => {
  const input = isJsonObject(body) ? body : {}
  const problems: Record<string, string[]> = {}
  if (isBlank(input.review_type)) problems.review_type = ["can't be blank"]
  if (isBlank(input.summary)) problems.summary = ["can't be blank"]
  const findings = findingsOf(input, problems)
  const result =
    input.result === undefined || input.result === null
      ? "pass"
      : verifyResults.find((r) => r === input.result)
  if (result === undefined) problems.result = [`must be one of: ${verifyResults.join(", ")}`]
  if (Object.keys(problems).length > 0) {
    const message =
      "review_type" in problems || "summary" in problems
        ? "Review evidence required. Include 'review_type' (for example \"enhanced_review\") and a non-empty 'summary' of what was verified."
        : "Validation failed"
    return fail(message, problems)
  }
  return Either.right({
    result: result ?? "pass",
    summary: String(input.summary),
    review_type: String(input.review_type),
    findings,
  })
}

/** Why a verifier sends a story back. */
export interface Rejection {
  readonly reason: string
  readonly findings: JsonObject
  readonly review_type: string | null
}

export const parseRejection = (body: unknown): Either.Either<Rejection, ValidationFailed> => {
  const input = isJsonObject(body) ? body : {}
  const problems: Record<string, string[]> = {}
  if (isBlank(input.reason)) problems.reason = ["can't be blank"]
  const findings = findingsOf(input, problems)
  const review_type = optionalString(input.review_type, "review_type", problems)
  if (problems.reason !== undefined) return fail("reason is required and cannot be blank", problems)
  if (Object.keys(problems).length > 0) return fail("Validation failed", problems)
  return Either.right({ reason: String(input.reason), findings, review_type })
}

/** A completed review of a reported story, submitted by someone other than its implementer. */
export interface ReviewSubmission {
  readonly review_type: string
  readonly findings_count: number
  readonly fixes_count: number
  readonly disproved_count: number
  readonly summary: string | null
  readonly completed_at: Timestamp
}

/** The largest count the review record's integer columns hold. */
const MAX_COUNT = 2_147_483_647

const countOf = (value: unknown, field: string, problems: Record<string, string[]>): number => {
  if (value === undefined || value === null) return 0
  if (typeof value === "number" && Number.isInteger(value) && value >= 0) {
    if (value <= MAX_COUNT) return value
    problems[field] = [`must be less than or equal to ${MAX_COUNT}`]
    return 0
  }
  problems[field] = ["must be a non-negative integer"]
  return 0
}

export const parseReviewSubmission = (
  body: unknown,
  now: Timestamp,
): Either.Either<ReviewSubmission, ValidationFailed> => {
  const input = isJsonObject(body) ? body : {}
  const problems: Record<string, string[]> = {}
  if (isBlank(input.review_type)) problems.review_type = ["can't be blank"]
  const findings = countOf(input.findings_count, "findings_count", problems)
  const fixes = countOf(input.fixes_count, "fixes_count", problems)
  const disproved = countOf(input.disproved_count, "disproved_count", problems)
  let completedAt = now
  if (input.completed_at !== undefined && input.completed_at !== null) {
    const parsed = typeof input.completed_at === "string" ? parseTimestamp(input.completed_at) : undefined
    if (parsed === undefined) problems.completed_at = ["must be an ISO-8601 timestamp"]
    else completedAt = parsed
  }
  const summary = optionalString(input.summary, "summary", problems)
  if (problems.fixes_count === undefined && findings > 0 && fixes + disproved < findings) {
    problems.fixes_count = [
      `${findings} findings confirmed but only ${fixes} fixed and ${disproved} disproved. All findings must be either fixed or explicitly disproved. ${findings - fixes - disproved} findings unaccounted for.`,
    ]
  }
  if (Object.keys(problems).length > 0) return fail("Validation failed", problems)
  return Either.right({
    review_type: String(input.review_type),
    findings_count: findings,
    fixes_count: fixes,
    disproved_count: disproved,
    summary,
    completed_at: completedAt,
  })
}

/** A bulk mark-complete item: pre-existing work recorded as verified. */
export interface Completion {
  readonly summary: string
  readonly review_type: string
}

/**
 * A mark-complete item: a blank or missing summary and review type take their defaults; one that
 * is not text is refused (D26) rather than replaced by the default.
 */
export const parseCompletion = (item: unknown): Either.Either<Completion, ValidationFailed> => {
  const input = isJsonObject(item) ? item : {}
  const problems: Record<string, string[]> = {}
  const summary = optionalString(input.summary, "summary", problems)
  const review_type = optionalString(input.review_type, "review_type", problems)
  // A bulk item's refusal is reported by its message alone, so the message names the fields.
  const named = Object.entries(problems).map(([field, [problem]]) => `${field} ${problem}`)
  if (named.length > 0) return fail(named.join("; "), problems)
  return Either.right({
    summary: summary === null || isBlank(summary) ? "Marked complete (pre-existing work)" : summary,
    review_type: review_type === null || isBlank(review_type) ? "pre_existing" : review_type,
  })
}

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
