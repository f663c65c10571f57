import { Schema } from "effect"
import {
  AgentId,
  ArtifactReportId,
  ReviewRecordId,
  StoryId,
  TenantId,
  VerificationResultId,
} from "../../kernel/domain/ids.js"
import { JsonObject } from "../../kernel/domain/json.js"
import { Timestamp } from "../../kernel/domain/timestamp.js"
import { VerificationOutcome } from "../../work/domain/status.js"

/** Evidence that a reviewer other than the implementer reviewed a reported story. */
export class ReviewRecord extends Schema.Class<ReviewRecord>("ReviewRecord")({
  id: ReviewRecordId,
  tenant_id: TenantId,
  story_id: StoryId,
  reviewer_agent_id: Schema.NullOr(AgentId),
  review_type: Schema.String,
  findings_count: Schema.Int,
  fixes_count: Schema.Int,
  disproved_count: Schema.Int,
  summary: Schema.NullOr(Schema.String),
  completed_at: Timestamp,
  inserted_at: Timestamp,
  updated_at: Timestamp,
}) {}

/** One verify, reject or mark-complete outcome; `iteration` counts them per story from 1. */
export class VerificationResult extends Schema.Class<VerificationResult>("VerificationResult")({
  id: VerificationResultId,
  tenant_id: TenantId,
  story_id: StoryId,
  orchestrator_agent_id: Schema.NullOr(AgentId),
  result: VerificationOutcome,
  summary: Schema.NullOr(Schema.String),
  findings: JsonObject,
  review_type: Schema.NullOr(Schema.String),
  iteration: Schema.Int.pipe(Schema.positive()),
  inserted_at: Timestamp,
  updated_at: Timestamp,
}) {}

/** Something an agent or orchestrator says it produced for a story (a migration, a test, ...). */
export class ArtifactReport extends Schema.Class<ArtifactReport>("ArtifactReport")({
  id: ArtifactReportId,
  tenant_id: TenantId,
  story_id: StoryId,
  reported_by: Schema.Literal("agent", "orchestrator"),
  reporter_agent_id: Schema.NullOr(AgentId),
  artifact_type: Schema.String.pipe(Schema.minLength(1)),
  path: Schema.String.pipe(Schema.minLength(1)),
  exists: Schema.Boolean,
  details: JsonObject,
  inserted_at: Timestamp,
  updated_at: Timestamp,
}) {}
