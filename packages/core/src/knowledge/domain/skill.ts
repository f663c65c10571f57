import { Schema } from "effect"
import {
  ProjectId,
  SkillId,
  SkillResultId,
  SkillVersionId,
  StoryId,
  TenantId,
  VerificationResultId,
} from "../../kernel/domain/ids.js"
import { JsonObject } from "../../kernel/domain/json.js"
import { maxCharacters } from "../../kernel/domain/text-fields.js"
import { Timestamp } from "../../kernel/domain/timestamp.js"

/** A skill in use, or one retired by DELETE (skills are archived, never removed). */
export const SkillStatus = Schema.Literal("active", "archived")
export type SkillStatus = typeof SkillStatus.Type

/** A version number: 1 for the first prompt, then one more per new version. */
export const SkillVersionNumber = Schema.Int.pipe(Schema.positive())

/** A string with at least one non-whitespace character (what a changeset calls "present"). */
const NonBlank = Schema.String.pipe(Schema.filter((text) => text.trim().length > 0 || "can't be blank"))

/**
 * A named, versioned prompt (a review checklist, say), tenant-wide or bound to one project. Its
 * name is unique per (tenant, project); `current_version` points at the newest SkillVersion.
 */
export class Skill extends Schema.Class<Skill>("Skill")({
  id: SkillId,
  tenant_id: TenantId,
  project_id: Schema.NullOr(ProjectId),
  name: NonBlank.pipe(maxCharacters(255)),
  description: Schema.NullOr(Schema.String),
  current_version: SkillVersionNumber,
  status: SkillStatus,
  metadata: JsonObject,
  inserted_at: Timestamp,
  updated_at: Timestamp,
}) {}

/**
 * One immutable prompt text of a skill. New text means a new version; nothing is ever updated or
 * deleted, so a result or a token report can always say exactly which prompt it used.
 */
export class SkillVersion extends Schema.Class<SkillVersion>("SkillVersion")({
  id: SkillVersionId,
  skill_id: SkillId,
  tenant_id: TenantId,
  version: SkillVersionNumber,
  prompt_text: NonBlank,
  changelog: Schema.NullOr(Schema.String),
  created_by: Schema.NullOr(Schema.String),
  metadata: JsonObject,
  inserted_at: Timestamp,
}) {}

const Tally = Schema.Int.pipe(Schema.nonNegative())

/**
 * What a skill run reported. The three known keys feed the per-version statistics, so when
 * present they must be non-negative integers; any other key is kept as sent.
 */
export const SkillResultMetrics = Schema.Struct(
  {
    findings_count: Schema.optional(Tally),
    false_positive_count: Schema.optional(Tally),
    iteration: Schema.optional(Tally),
  },
  Schema.Record({ key: Schema.String, value: Schema.Unknown }),
)
export type SkillResultMetrics = typeof SkillResultMetrics.Type

/** Links one skill version to one verification outcome of a story, with the run's metrics. */
export class SkillResult extends Schema.Class<SkillResult>("SkillResult")({
  id: SkillResultId,
  tenant_id: TenantId,
  skill_version_id: SkillVersionId,
  verification_result_id: VerificationResultId,
  story_id: StoryId,
  metrics: SkillResultMetrics,
  inserted_at: Timestamp,
}) {}
