import { Schema } from "effect"
import { TenantId, TokenBudgetId } from "../../kernel/domain/ids.js"
import { BoundedMetadata } from "../../kernel/domain/metadata.js"
import { Timestamp } from "../../kernel/domain/timestamp.js"
import { PositiveMillicents } from "./money.js"

/** What a budget caps: one story, every story of an epic, or every report of a project. */
export const BudgetScopeType = Schema.Literal("story", "epic", "project")
export type BudgetScopeType = typeof BudgetScopeType.Type

/**
 * What crossing 100% does. `warn` (the original's only behaviour) just fires the events; `block`
 * additionally refuses new token reports for a scope that is already at or over its budget.
 */
export const BudgetEnforcement = Schema.Literal("warn", "block")
export type BudgetEnforcement = typeof BudgetEnforcement.Type

/** The percentage of the budget at which the warning fires: 1..100, 80 unless set. */
export const AlertThresholdPct = Schema.Int.pipe(Schema.between(1, 100))
export const DEFAULT_ALERT_THRESHOLD_PCT = 80

const TokenCap = Schema.NullOr(Schema.Int.pipe(Schema.nonNegative()))

/**
 * A spending cap on one scope; at most one per (tenant, scope_type, scope_id). The token caps are
 * stored for the client's benefit and never checked. `warning_fired` and `exceeded_fired` remember
 * that the corresponding event was already sent, so each fires once until spend drops back below
 * the line or the budget is changed; they are internal and not part of the API's budget object.
 */
export class TokenBudget extends Schema.Class<TokenBudget>("TokenBudget")({
  id: TokenBudgetId,
  tenant_id: TenantId,
  scope_type: BudgetScopeType,
  scope_id: Schema.UUID,
  budget_millicents: PositiveMillicents,
  budget_input_tokens: TokenCap,
  budget_output_tokens: TokenCap,
  alert_threshold_pct: AlertThresholdPct,
  enforcement: Schema.optionalWith(BudgetEnforcement, { default: () => "warn" as const }),
  warning_fired: Schema.Boolean,
  exceeded_fired: Schema.Boolean,
  metadata: BoundedMetadata,
  inserted_at: Timestamp,
  updated_at: Timestamp,
}) {}
