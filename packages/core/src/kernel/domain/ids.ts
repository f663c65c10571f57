import { Schema } from "effect"

/** Entity ids are UUID strings, branded per entity so a StoryId cannot be passed where an EpicId is due. */
const uuidId = <B extends string>(brand: B) => Schema.UUID.pipe(Schema.brand(brand))

export const TenantId = uuidId("TenantId")
export type TenantId = typeof TenantId.Type
export const ApiKeyId = uuidId("ApiKeyId")
export type ApiKeyId = typeof ApiKeyId.Type
export const AgentId = uuidId("AgentId")
export type AgentId = typeof AgentId.Type
export const ProjectId = uuidId("ProjectId")
export type ProjectId = typeof ProjectId.Type
export const EpicId = uuidId("EpicId")
export type EpicId = typeof EpicId.Type
export const StoryId = uuidId("StoryId")
export type StoryId = typeof StoryId.Type
export const StoryDependencyId = uuidId("StoryDependencyId")
export type StoryDependencyId = typeof StoryDependencyId.Type
export const EpicDependencyId = uuidId("EpicDependencyId")
export type EpicDependencyId = typeof EpicDependencyId.Type
export const ReviewRecordId = uuidId("ReviewRecordId")
export type ReviewRecordId = typeof ReviewRecordId.Type
export const VerificationResultId = uuidId("VerificationResultId")
export type VerificationResultId = typeof VerificationResultId.Type
export const ArtifactReportId = uuidId("ArtifactReportId")
export type ArtifactReportId = typeof ArtifactReportId.Type
export const WebhookId = uuidId("WebhookId")
export type WebhookId = typeof WebhookId.Type
export const WebhookEventId = uuidId("WebhookEventId")
export type WebhookEventId = typeof WebhookEventId.Type
export const AuditEntryId = uuidId("AuditEntryId")
export type AuditEntryId = typeof AuditEntryId.Type
export const OrchestratorStateId = uuidId("OrchestratorStateId")
export type OrchestratorStateId = typeof OrchestratorStateId.Type
export const TokenUsageReportId = uuidId("TokenUsageReportId")
export type TokenUsageReportId = typeof TokenUsageReportId.Type
export const TokenBudgetId = uuidId("TokenBudgetId")
export type TokenBudgetId = typeof TokenBudgetId.Type
export const CostAnomalyId = uuidId("CostAnomalyId")
export type CostAnomalyId = typeof CostAnomalyId.Type
export const SkillId = uuidId("SkillId")
export type SkillId = typeof SkillId.Type
export const SkillVersionId = uuidId("SkillVersionId")
export type SkillVersionId = typeof SkillVersionId.Type
export const SkillResultId = uuidId("SkillResultId")
export type SkillResultId = typeof SkillResultId.Type
export const ArticleId = uuidId("ArticleId")
export type ArticleId = typeof ArticleId.Type
export const ArticleLinkId = uuidId("ArticleLinkId")
export type ArticleLinkId = typeof ArticleLinkId.Type
export const UiTestRunId = uuidId("UiTestRunId")
export type UiTestRunId = typeof UiTestRunId.Type
