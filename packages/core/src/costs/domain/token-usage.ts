import { Schema } from "effect"
import {
  AgentId,
  ProjectId,
  SkillVersionId,
  StoryId,
  TenantId,
  TokenUsageReportId,
} from "../../kernel/domain/ids.js"
import { BoundedMetadata } from "../../kernel/domain/metadata.js"
import { Timestamp } from "../../kernel/domain/timestamp.js"
import { Millicents } from "./money.js"

/** The part of the work a report's tokens were spent on; clients that send none get `other`. */
export const TokenPhase = Schema.Literal("planning", "implementing", "reviewing", "other")
export type TokenPhase = typeof TokenPhase.Type

const Count = Schema.Int.pipe(Schema.nonNegative())
const OptionalCount = Schema.optionalWith(Schema.NullOr(Count), { default: () => null })

const fields = {
  id: TokenUsageReportId,
  tenant_id: TenantId,
  story_id: StoryId,
  project_id: ProjectId,
  agent_id: AgentId,
  /** Negative only on a correction row (one that names `corrects_report_id`). */
  input_tokens: Schema.Int,
  output_tokens: Schema.Int,
  total_tokens: Schema.Int,
  model_name: Schema.String.pipe(Schema.minLength(1)),
  cost_millicents: Millicents,
  phase: TokenPhase,
  session_id: Schema.NullOr(Schema.String),
  skill_version_id: Schema.NullOr(SkillVersionId),
  metadata: BoundedMetadata,
  deleted_at: Schema.NullOr(Timestamp),
  corrects_report_id: Schema.NullOr(TokenUsageReportId),
  /** Later additions of the original: absent on older rows, so they default to null. */
  tool_call_count: OptionalCount,
  cot_length_tokens: OptionalCount,
  tests_run_count: OptionalCount,
  inserted_at: Timestamp,
  updated_at: Timestamp,
}

/**
 * What one agent spent on one story: tokens in and out, the model, and the cost in millicents.
 * Reports are never edited: a mistake is undone by a soft delete or by a correction row that
 * carries (possibly negative) deltas and points at the report it corrects. Totals are the plain
 * sum of every non-deleted row, corrections included.
 */
export class TokenUsageReport extends Schema.Class<TokenUsageReport>("TokenUsageReport")(
  Schema.Struct(fields).pipe(
    Schema.filter((report) => {
      if (report.total_tokens !== report.input_tokens + report.output_tokens) {
        return "total_tokens must equal input_tokens + output_tokens"
      }
      if (report.corrects_report_id !== null) return true
      if (report.input_tokens < 0) return "input_tokens must be greater than or equal to 0"
      if (report.output_tokens < 0) return "output_tokens must be greater than or equal to 0"
      if (report.cost_millicents < 0) return "cost_millicents must be greater than or equal to 0"
      return true
    }),
  ),
) {
  /** True for a row that adjusts an earlier report rather than recording new work. */
  get isCorrection(): boolean {
    return this.corrects_report_id !== null
  }
}
