import type { Either } from "effect"
import { ValidationFailed } from "../../kernel/domain/errors.js"
import { type JsonObject, isJsonObject } from "../../kernel/domain/json.js"
import { utf8Length } from "../../kernel/domain/metadata.js"
import type { Timestamp } from "../../kernel/domain/timestamp.js"
import { FieldProblems } from "../../kernel/rules/field-problems.js"
import type { Story } from "../../work/domain/story.js"

/**
 * Backfill: recording as verified a story whose work was done before loopctl tracked it. The
 * provenance (why, where the evidence is, which pull request) is kept in `metadata.backfill`.
 */

/** The largest `reason` or `evidence_url`, in UTF-8 bytes. */
export const backfillTextMaxBytes = 2000

/** What a backfill request says about the pre-existing work. */
export interface BackfillClaim {
  readonly reason: string
  readonly evidence_url: string | null
  readonly pr_number: number | null
}

/**
 * An absolute http(s) URL: a scheme, a host, no credentials and no whitespace. Read by pattern
 * rather than with the platform's URL class, which the core (portable, `effect` only) cannot assume.
 */
const httpUrl = (text: string): "ok" | string => {
  const match = /^([a-zA-Z][a-zA-Z0-9+.-]*):\/\/([^/?#]*)([/?#][^\s]*)?$/.exec(text)
  const scheme = match?.[1]?.toLowerCase()
  const authority = match?.[2] ?? ""
  if (match === null || /\s/.test(text) || authority === "") return "must be a valid http or https URL"
  if (scheme !== "http" && scheme !== "https") return "must use the http or https scheme"
  if (authority.includes("@")) return "must not contain credentials (user:pass@)"
  const host = authority.replace(/:\d*$/, "")
  if (host === "" || !/^(\[[0-9a-fA-F:.]+\]|[^\s:[\]]+)$/.test(host))
    return "must be a valid http or https URL"
  return "ok"
}

const positiveInt = (value: unknown): number | undefined => {
  if (typeof value === "number") return Number.isSafeInteger(value) && value > 0 ? value : undefined
  if (typeof value === "string" && /^\s*\d+\s*$/.test(value)) {
    const n = Number.parseInt(value, 10)
    return n > 0 && Number.isSafeInteger(n) ? n : undefined
  }
  return undefined
}

/** Validates a backfill body; every problem is named under `details.<field>` in one 422. */
export const parseBackfill = (body: unknown): Either.Either<BackfillClaim, ValidationFailed> => {
  const input = isJsonObject(body) ? body : {}
  const problems = new FieldProblems()
  const reason = typeof input.reason === "string" ? input.reason.trim() : ""
  if (reason === "") problems.add("reason", "can't be blank")
  else if (utf8Length(reason) > backfillTextMaxBytes)
    problems.add("reason", `must be at most ${backfillTextMaxBytes} bytes`)
  let evidence_url: string | null = null
  if (input.evidence_url !== undefined && input.evidence_url !== null) {
    if (typeof input.evidence_url !== "string") problems.add("evidence_url", "must be a string")
    else if (utf8Length(input.evidence_url) > backfillTextMaxBytes)
      problems.add("evidence_url", `must be at most ${backfillTextMaxBytes} bytes`)
    else {
      const verdict = httpUrl(input.evidence_url)
      if (verdict === "ok") evidence_url = input.evidence_url
      else problems.add("evidence_url", verdict)
    }
  }
  let pr_number: number | null = null
  if (input.pr_number !== undefined && input.pr_number !== null) {
    const n = positiveInt(input.pr_number)
    if (n === undefined) problems.add("pr_number", "must be a positive integer")
    else pr_number = n
  }
  return problems.result(() => ({ reason, evidence_url, pr_number }))
}

/** The `metadata.backfill` object a backfill writes. */
export const backfillRecord = (claim: BackfillClaim, at: Timestamp): JsonObject => ({
  reason: claim.reason,
  evidence_url: claim.evidence_url,
  pr_number: claim.pr_number,
  backfilled_at: at,
})

/** Whether the story was already backfilled with exactly this claim (a retry, answered as is). */
export const sameBackfill = (story: Story, claim: BackfillClaim): boolean => {
  const stored = story.metadata.backfill
  return (
    isJsonObject(stored) &&
    stored.reason === claim.reason &&
    (stored.evidence_url ?? null) === claim.evidence_url &&
    (stored.pr_number ?? null) === claim.pr_number
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
