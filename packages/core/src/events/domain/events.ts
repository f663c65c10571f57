import { Schema } from "effect"
import {
  AgentId,
  ApiKeyId,
  ArticleId,
  ArticleLinkId,
  ArtifactReportId,
  CostAnomalyId,
  EpicId,
  ProjectId,
  StoryId,
  TokenBudgetId,
  TokenUsageReportId,
  WebhookId,
} from "../../kernel/domain/ids.js"
import { JsonObject } from "../../kernel/domain/json.js"
import { AgentStatus } from "../../work/domain/status.js"

/**
 * The event catalogue: every webhook event type and the `data` payload it carries. Use cases
 * put these in the outbox in the same transaction as the change; the worker wraps them in the
 * delivery envelope (`id`, `event`, `timestamp`, flat fields and `data`).
 */

const story = { story_id: StoryId, project_id: ProjectId, epic_id: EpicId }
const event = <T extends string, F extends Schema.Struct.Fields>(type: T, fields: F) =>
  Schema.Struct({ event: Schema.Literal(type), ...fields })

export const StoryStatusChanged = event("story.status_changed", {
  ...story,
  old_status: Schema.optional(AgentStatus),
  new_status: AgentStatus,
  agent_id: Schema.NullOr(AgentId),
})
export const StoryReviewRequested = event("story.review_requested", {
  ...story,
  agent_id: Schema.NullOr(AgentId),
})
export const StoryReviewCompleted = event("story.review_completed", {
  ...story,
  reviewer_agent_id: Schema.NullOr(AgentId),
  review_type: Schema.String,
  findings_count: Schema.Int,
})
export const StoryVerified = event("story.verified", {
  ...story,
  orchestrator_agent_id: Schema.NullOr(AgentId),
  summary: Schema.NullOr(Schema.String),
  review_type: Schema.optional(Schema.String),
})
export const StoryRejected = event("story.rejected", {
  ...story,
  orchestrator_agent_id: Schema.NullOr(AgentId),
  reason: Schema.String,
  findings: Schema.optional(JsonObject),
})
export const StoryAutoReset = event("story.auto_reset", {
  ...story,
  reason: Schema.Literal("rejected"),
  orchestrator_agent_id: Schema.NullOr(AgentId),
})
export const StoryForceUnclaimed = event("story.force_unclaimed", {
  ...story,
  old_status: AgentStatus,
  new_status: Schema.Literal("pending"),
  orchestrator_agent_id: Schema.NullOr(AgentId),
})
export const StoryBackfilled = event("story.backfilled", {
  ...story,
  source: Schema.Literal("pre_loopctl"),
  actor_id: ApiKeyId,
  actor_label: Schema.String,
  reason: Schema.String,
  evidence_url: Schema.NullOr(Schema.String),
  pr_number: Schema.NullOr(Schema.Int),
})
export const EpicCompleted = event("epic.completed", {
  epic_id: EpicId,
  epic_number: Schema.Int,
  epic_title: Schema.String,
  project_id: ProjectId,
  story_count: Schema.Int,
})
export const ArtifactReported = event("artifact.reported", {
  artifact_report_id: ArtifactReportId,
  story_id: StoryId,
  project_id: ProjectId,
  artifact_type: Schema.String,
  path: Schema.String,
  reported_by: Schema.Literal("agent", "orchestrator"),
  reporter_agent_id: Schema.NullOr(AgentId),
})
export const AgentRegistered = event("agent.registered", {
  agent_id: AgentId,
  agent_name: Schema.String,
  agent_type: Schema.String,
})
export const ProjectImported = event("project.imported", {
  project_id: ProjectId,
  epic_count: Schema.optional(Schema.Int),
  story_count: Schema.optional(Schema.Int),
  merge: Schema.optional(Schema.Literal(true)),
  epics_created: Schema.optional(Schema.Int),
  stories_created: Schema.optional(Schema.Int),
  stories_updated: Schema.optional(Schema.Int),
})
export const WebhookTest = event("webhook.test", {
  data: Schema.Struct({ message: Schema.String, webhook_id: WebhookId }),
})
const budget = {
  budget_id: TokenBudgetId,
  scope_type: Schema.Literal("story", "epic", "project"),
  scope_id: Schema.UUID,
  budget_millicents: Schema.Int,
  current_spend_millicents: Schema.Int,
  utilization_pct: Schema.Int,
  alert_threshold_pct: Schema.Int,
  triggering_report_id: TokenUsageReportId,
}
export const TokenBudgetWarning = event("token.budget_warning", budget)
export const TokenBudgetExceeded = event("token.budget_exceeded", {
  ...budget,
  overage_millicents: Schema.Int.pipe(Schema.nonNegative()),
})
export const TokenAnomalyDetected = event("token.anomaly_detected", {
  anomaly_id: CostAnomalyId,
  story_id: StoryId,
  story_title: Schema.String,
  agent_id: Schema.NullOr(AgentId),
  agent_name: Schema.NullOr(Schema.String),
  anomaly_type: Schema.Literal("high_cost", "suspiciously_low"),
  story_cost_millicents: Schema.Int,
  reference_avg_millicents: Schema.Int,
  deviation_factor: Schema.String,
})
const article = {
  id: ArticleId,
  title: Schema.String,
  category: Schema.String,
  project_id: Schema.NullOr(ProjectId),
  status: Schema.String,
  tags: Schema.Array(Schema.String),
}
export const ArticleCreated = event("article.created", article)
export const ArticleUpdated = event("article.updated", {
  ...article,
  changed_fields: Schema.Array(Schema.String),
})
export const ArticleArchived = event("article.archived", article)
export const ArticleSuperseded = event("article.superseded", {
  superseded_article_id: ArticleId,
  superseded_title: Schema.String,
  superseding_article_id: ArticleId,
  superseding_title: Schema.String,
})
const articleLink = {
  id: ArticleLinkId,
  source_article_id: ArticleId,
  target_article_id: ArticleId,
  relationship_type: Schema.String,
}
export const ArticleLinkCreated = event("article_link.created", {
  ...articleLink,
  source_title: Schema.String,
  target_title: Schema.String,
})
export const ArticleLinkDeleted = event("article_link.deleted", articleLink)

/** Any event of the catalogue, discriminated by `event`. */
export const DomainEvent = Schema.Union(
  StoryStatusChanged,
  StoryVerified,
  StoryRejected,
  StoryBackfilled,
  StoryAutoReset,
  StoryForceUnclaimed,
  StoryReviewRequested,
  StoryReviewCompleted,
  EpicCompleted,
  ArtifactReported,
  AgentRegistered,
  ProjectImported,
  WebhookTest,
  TokenBudgetWarning,
  TokenBudgetExceeded,
  TokenAnomalyDetected,
  ArticleCreated,
  ArticleUpdated,
  ArticleArchived,
  ArticleSuperseded,
  ArticleLinkCreated,
  ArticleLinkDeleted,
)
export type DomainEvent = typeof DomainEvent.Type
export type EventType = DomainEvent["event"]

/** The event types a webhook may subscribe to, in the original's order. */
export const eventTypes: ReadonlyArray<EventType> = [
  "story.status_changed",
  "story.verified",
  "story.rejected",
  "story.backfilled",
  "story.auto_reset",
  "story.force_unclaimed",
  "story.review_requested",
  "story.review_completed",
  "epic.completed",
  "artifact.reported",
  "agent.registered",
  "project.imported",
  "webhook.test",
  "token.budget_warning",
  "token.budget_exceeded",
  "token.anomaly_detected",
  "article.created",
  "article.updated",
  "article.archived",
  "article.superseded",
  "article_link.created",
  "article_link.deleted",
]
export const EventType = Schema.Literal(...eventTypes)

/** The project an event belongs to, for project-scoped subscriptions (null: tenant-wide). */
export const projectOfEvent = (e: DomainEvent): ProjectId | null => ("project_id" in e ? e.project_id : null)
