import { Schema } from "effect"
import { AgentId, EpicId, ProjectId, StoryId, TenantId } from "../../kernel/domain/ids.js"
import { JsonObject } from "../../kernel/domain/json.js"
import { maxCharacters } from "../../kernel/domain/text-fields.js"
import { Timestamp } from "../../kernel/domain/timestamp.js"
import { AgentStatus, VerifiedStatus } from "./status.js"
import { StoryNumber } from "./story-number.js"

/** One acceptance criterion, kept as the client sent it (`{criterion}` or `{id, description}`, ...). */
export const AcceptanceCriterionItem = JsonObject
export type AcceptanceCriterionItem = typeof AcceptanceCriterionItem.Type

/**
 * A unit of work. `agent_status` is written by implementers, `verified_status` by a different
 * orchestrator; both, the assignee, the claim history and the timestamps change only through
 * `rules/lifecycle`.
 */
export class Story extends Schema.Class<Story>("Story")({
  id: StoryId,
  tenant_id: TenantId,
  project_id: ProjectId,
  epic_id: EpicId,
  number: StoryNumber,
  sort_key: Schema.Int,
  title: Schema.String.pipe(Schema.minLength(1), maxCharacters(500)),
  description: Schema.NullOr(Schema.String.pipe(maxCharacters(50_000))),
  acceptance_criteria: Schema.Array(AcceptanceCriterionItem),
  estimated_hours: Schema.NullOr(Schema.Number),
  agent_status: AgentStatus,
  verified_status: VerifiedStatus,
  assigned_agent_id: Schema.NullOr(AgentId),
  /**
   * Every agent that has claimed the story, oldest first (D22). Unlike the assignee it is never
   * cleared, so releasing a story does not make its implementer eligible to judge it. Empty when
   * not given, so stories made before the history existed still construct.
   */
  claimed_by_agent_ids: Schema.optionalWith(Schema.Array(AgentId), { default: () => [] }),
  reported_by_agent_id: Schema.NullOr(AgentId),
  assigned_at: Schema.NullOr(Timestamp),
  reported_done_at: Schema.NullOr(Timestamp),
  verified_at: Schema.NullOr(Timestamp),
  rejected_at: Schema.NullOr(Timestamp),
  rejection_reason: Schema.NullOr(Schema.String),
  metadata: JsonObject,
  inserted_at: Timestamp,
  updated_at: Timestamp,
}) {}

/**
 * A first-class view of one acceptance criterion, derived on the fly from the story's JSON
 * array (`GET /stories/:id/acceptance_criteria`).
 */
export class AcceptanceCriterion extends Schema.Class<AcceptanceCriterion>("AcceptanceCriterion")({
  id: Schema.String,
  ac_id: Schema.String,
  description: Schema.String,
  verification_criterion: JsonObject,
  status: Schema.Literal("pending", "verified", "failed", "unverifiable"),
  verified_at: Schema.NullOr(Timestamp),
  evidence_path: Schema.NullOr(Schema.String),
}) {}

/** What a new story is made of; everything else starts empty. */
export type NewStoryFields = Pick<
  Story,
  | "id"
  | "tenant_id"
  | "project_id"
  | "epic_id"
  | "number"
  | "sort_key"
  | "title"
  | "description"
  | "acceptance_criteria"
  | "estimated_hours"
  | "metadata"
>

/**
 * A story as it enters the breakdown: pending, unverified, unassigned, created at `at`.
 * `options` are the class's own (an import whose fields are already decoded skips re-checking).
 */
export const newStory = (fields: NewStoryFields, at: Timestamp, options?: Schema.MakeOptions): Story =>
  new Story(
    {
      ...fields,
      agent_status: "pending",
      verified_status: "unverified",
      assigned_agent_id: null,
      claimed_by_agent_ids: [],
      reported_by_agent_id: null,
      assigned_at: null,
      reported_done_at: null,
      verified_at: null,
      rejected_at: null,
      rejection_reason: null,
      inserted_at: at,
      updated_at: at,
    },
    options,
  )
