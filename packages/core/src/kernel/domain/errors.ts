import { Schema } from "effect"
import { AgentStatus, VerifiedStatus } from "../../work/domain/status.js"

/**
 * Every failure core can report is one of these tagged values. Each carries what the HTTP
 * envelope `{"error":{"status","message",...}}` needs; `status` is fixed per class so the HTTP
 * layer maps tag → status in one place (see `errorEnvelope`).
 */

/** Field-level problems: `{ field: ["message", ...] }`. */
export const FieldErrors = Schema.Record({ key: Schema.String, value: Schema.Array(Schema.String) })
export type FieldErrors = typeof FieldErrors.Type

/**
 * 400: a request that is malformed in a way that is not a field of the body. A refused query
 * parameter names itself in `details.<parameter>`.
 */
export class BadRequest extends Schema.TaggedError<BadRequest>()("BadRequest", {
  message: Schema.String,
  details: Schema.optional(FieldErrors),
}) {
  static readonly status = 400
}

/** 400: an orchestrator key that must be linked to a registered agent is not. */
export class AgentLinkRequired extends Schema.TaggedError<AgentLinkRequired>()("AgentLinkRequired", {
  message: Schema.String,
}) {
  static readonly status = 400
  static readonly orchestrator = () =>
    new AgentLinkRequired({
      message:
        "Orchestrator API key must be linked to a registered agent. Register an agent and create the key with its agent_id.",
    })
}

/** 401: no key, or a key that is unknown, revoked or expired. */
export class Unauthorized extends Schema.TaggedError<Unauthorized>()("Unauthorized", {
  message: Schema.String,
}) {
  static readonly status = 401
}

/** 403: the caller's role (or identity) may not do this. */
export class Forbidden extends Schema.TaggedError<Forbidden>()("Forbidden", {
  message: Schema.String,
}) {
  static readonly status = 403
}

/** 404: unknown id, or an id of another tenant (indistinguishable on purpose). */
export class NotFound extends Schema.TaggedError<NotFound>()("NotFound", {
  message: Schema.String,
}) {
  static readonly status = 404
  static readonly of = (what: string) => new NotFound({ message: `${what} not found` })
}

/** 409 without transition context: duplicates, stale versions. */
export class Conflict extends Schema.TaggedError<Conflict>()("Conflict", {
  message: Schema.String,
  details: Schema.optional(Schema.Unknown),
  /** The agent an API key is already bound to (a second registration with one key). */
  agent_id: Schema.optional(Schema.String),
}) {
  static readonly status = 409
}

/** The `context` object of a transition 409 (the original's shape). */
export const TransitionContext = Schema.Struct({
  current_agent_status: AgentStatus,
  current_verified_status: VerifiedStatus,
  attempted_action: Schema.String,
})

/** Why a story transition was refused. */
export const TransitionConflictCode = Schema.Literal(
  "invalid_transition",
  "must_contract_first",
  "must_claim_first",
  "dependencies_not_met",
  "already_verified",
  "self_report_blocked",
  "self_review_blocked",
  "self_verify_blocked",
  "story_in_progress",
)
export type TransitionConflictCode = typeof TransitionConflictCode.Type

/**
 * 409 from a story transition. Carries the superset of the README's and the original's bodies:
 * `code`, `current_state`, `attempted_action`, `hints` and `context`.
 */
export class TransitionConflict extends Schema.TaggedError<TransitionConflict>()("TransitionConflict", {
  message: Schema.String,
  code: TransitionConflictCode,
  current_state: AgentStatus,
  attempted_action: Schema.String,
  hints: Schema.Array(Schema.String),
  context: TransitionContext,
  remediation: Schema.optional(Schema.Struct({ learn_more: Schema.String })),
}) {
  static readonly status = 409
}

/** 413: the body is larger than the server accepts. */
export class PayloadTooLarge extends Schema.TaggedError<PayloadTooLarge>()("PayloadTooLarge", {
  message: Schema.String,
}) {
  static readonly status = 413
}

/** 422: the request is well-formed but its content is not acceptable. */
export class ValidationFailed extends Schema.TaggedError<ValidationFailed>()("ValidationFailed", {
  message: Schema.String,
  code: Schema.optional(Schema.String),
  details: Schema.optional(FieldErrors),
  context: Schema.optional(Schema.Record({ key: Schema.String, value: Schema.Unknown })),
}) {
  static readonly status = 422
  /** The changeset-style 422: `message:"Validation failed"` with `details.<field>`. */
  static readonly ofFields = (details: FieldErrors) =>
    new ValidationFailed({ message: "Validation failed", details })
}

/** 429: too many requests; `retry_after_seconds` is echoed in the body and `Retry-After`. */
export class RateLimited extends Schema.TaggedError<RateLimited>()("RateLimited", {
  message: Schema.String,
  retry_after_seconds: Schema.Int,
}) {
  static readonly status = 429
}

/** 503: a dependency (the database) is unavailable. */
export class Unavailable extends Schema.TaggedError<Unavailable>()("Unavailable", {
  message: Schema.String,
}) {
  static readonly status = 503
}

/** Every error core reports to its callers. */
export type LoopctlError =
  | BadRequest
  | AgentLinkRequired
  | Unauthorized
  | Forbidden
  | NotFound
  | Conflict
  | TransitionConflict
  | PayloadTooLarge
  | ValidationFailed
  | RateLimited
  | Unavailable

export const LoopctlError = Schema.Union(
  BadRequest,
  AgentLinkRequired,
  Unauthorized,
  Forbidden,
  NotFound,
  Conflict,
  TransitionConflict,
  PayloadTooLarge,
  ValidationFailed,
  RateLimited,
  Unavailable,
)

const statusByTag: { readonly [Tag in LoopctlError["_tag"]]: number } = {
  BadRequest: BadRequest.status,
  AgentLinkRequired: AgentLinkRequired.status,
  Unauthorized: Unauthorized.status,
  Forbidden: Forbidden.status,
  NotFound: NotFound.status,
  Conflict: Conflict.status,
  TransitionConflict: TransitionConflict.status,
  PayloadTooLarge: PayloadTooLarge.status,
  ValidationFailed: ValidationFailed.status,
  RateLimited: RateLimited.status,
  Unavailable: Unavailable.status,
}

/** The HTTP status of an error. */
export const statusOf = (error: LoopctlError): number => statusByTag[error._tag]

/** The wire body of an error: `{"error":{"status","message",...}}` with the error's extra fields. */
export interface ErrorEnvelope {
  readonly error: { readonly status: number; readonly message: string; readonly [extra: string]: unknown }
}

export const errorEnvelope = (error: LoopctlError): ErrorEnvelope => {
  const { _tag, message, ...extra } = error
  const fields: Record<string, unknown> = {}
  for (const [key, value] of Object.entries(extra)) if (value !== undefined) fields[key] = value
  return { error: { status: statusOf(error), message, ...fields } }
}
