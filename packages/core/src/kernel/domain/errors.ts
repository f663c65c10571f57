import { Schema } from "effect"
import { AgentStatus, VerifiedStatus } from "../../work/domain/status.js"

/**
 * Every failure core can report is one of these tagged values. They say what went wrong in the
 * domain's words and carry no transport detail: the http adapter maps each tag to its status
 * and renders the wire envelope (the contract's `Enveloped` schemas in @loopctl/api).
 */

/** Field-level problems: `{ field: ["message", ...] }`. */
export const FieldErrors = Schema.Record({ key: Schema.String, value: Schema.Array(Schema.String) })
export type FieldErrors = typeof FieldErrors.Type

/**
 * A request that is malformed in a way that is not a field of the body. A refused query
 * parameter names itself in `details.<parameter>`.
 */
export class BadRequest extends Schema.TaggedError<BadRequest>()("BadRequest", {
  message: Schema.String,
  details: Schema.optional(FieldErrors),
}) {}

/** An orchestrator key that must be linked to a registered agent is not. */
export class AgentLinkRequired extends Schema.TaggedError<AgentLinkRequired>()("AgentLinkRequired", {
  message: Schema.String,
}) {
  static readonly orchestrator = () =>
    new AgentLinkRequired({
      message:
        "Orchestrator API key must be linked to a registered agent. Register an agent and create the key with its agent_id.",
    })
}

/** No key, or a key that is unknown, revoked or expired. */
export class Unauthorized extends Schema.TaggedError<Unauthorized>()("Unauthorized", {
  message: Schema.String,
}) {}

/** The caller's role (or identity) may not do this. */
export class Forbidden extends Schema.TaggedError<Forbidden>()("Forbidden", {
  message: Schema.String,
}) {}

/** An unknown id, or an id of another tenant (indistinguishable on purpose). */
export class NotFound extends Schema.TaggedError<NotFound>()("NotFound", {
  message: Schema.String,
}) {
  static readonly of = (what: string) => new NotFound({ message: `${what} not found` })
}

/** A conflict without transition context: duplicates, stale versions. */
export class Conflict extends Schema.TaggedError<Conflict>()("Conflict", {
  message: Schema.String,
  details: Schema.optional(Schema.Unknown),
  /** The agent an API key is already bound to (a second registration with one key). */
  agent_id: Schema.optional(Schema.String),
}) {}

/** The `context` object of a transition conflict (the original's shape). */
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
 * A story transition refused. Carries the superset of the README's and the original's bodies:
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
  /**
   * The actions (named as `attempted_action` names them) the caller has to take first, in order,
   * when the refusal points to them. The core names no routes: a transport words these steps as
   * calls in `message` and `hints`, and does not send the field itself.
   */
  first_steps: Schema.optional(Schema.Array(Schema.String)),
}) {}

/** The body is larger than the server accepts. */
export class PayloadTooLarge extends Schema.TaggedError<PayloadTooLarge>()("PayloadTooLarge", {
  message: Schema.String,
}) {}

/** The request is well-formed but its content is not acceptable. */
export class ValidationFailed extends Schema.TaggedError<ValidationFailed>()("ValidationFailed", {
  message: Schema.String,
  code: Schema.optional(Schema.String),
  details: Schema.optional(FieldErrors),
  context: Schema.optional(Schema.Record({ key: Schema.String, value: Schema.Unknown })),
}) {
  /** The changeset-style refusal: `message:"Validation failed"` with `details.<field>`. */
  static readonly ofFields = (details: FieldErrors) =>
    new ValidationFailed({ message: "Validation failed", details })
}

/** Too many requests; `retry_after_seconds` says when the caller may try again. */
export class RateLimited extends Schema.TaggedError<RateLimited>()("RateLimited", {
  message: Schema.String,
  retry_after_seconds: Schema.Int,
}) {}

/** A dependency (the database) is unavailable. */
export class Unavailable extends Schema.TaggedError<Unavailable>()("Unavailable", {
  message: Schema.String,
}) {}

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
