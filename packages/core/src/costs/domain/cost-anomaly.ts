import { Schema } from "effect"
import { CostAnomalyId, StoryId, TenantId } from "../../kernel/domain/ids.js"
import { BoundedMetadata } from "../../kernel/domain/metadata.js"
import { Timestamp } from "../../kernel/domain/timestamp.js"
import { NonNegativeMillicents } from "./money.js"

/**
 * Why a story was flagged. Detection only ever produces the first two; `budget_exceeded` exists
 * in the original's enum and is kept so such rows still decode.
 */
export const AnomalyType = Schema.Literal("high_cost", "suspiciously_low", "budget_exceeded")
export type AnomalyType = typeof AnomalyType.Type

/** A ratio written as a decimal string with exactly two places, e.g. `"4.17"`. */
export const DeviationFactor = Schema.String.pipe(
  Schema.pattern(/^\d+\.\d{2}$/, { message: () => "must be a decimal with two places" }),
)
export type DeviationFactor = typeof DeviationFactor.Type

/**
 * A story whose cost for a period sits far above or below the average story of its epic. At
 * most one unresolved anomaly exists per (story, type); re-detection refreshes its figures.
 * Only a user resolves one; `archived` hides old ones from the default list.
 */
export class CostAnomaly extends Schema.Class<CostAnomaly>("CostAnomaly")({
  id: CostAnomalyId,
  tenant_id: TenantId,
  story_id: StoryId,
  story_title: Schema.String,
  agent_name: Schema.NullOr(Schema.String),
  anomaly_type: AnomalyType,
  story_cost_millicents: NonNegativeMillicents,
  reference_avg_millicents: NonNegativeMillicents,
  deviation_factor: DeviationFactor,
  resolved: Schema.Boolean,
  archived: Schema.Boolean,
  metadata: BoundedMetadata,
  inserted_at: Timestamp,
  updated_at: Timestamp,
}) {}
