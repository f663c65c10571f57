import { Data, Option } from "effect"
import type { TokenBudgetExceeded, TokenBudgetWarning } from "../../events/domain/events.js"
import type { EpicId, ProjectId, StoryId, TokenUsageReportId } from "../../kernel/domain/ids.js"
import type { BudgetScopeType, TokenBudget } from "../domain/token-budget.js"

/**
 * Budget policy: how far a scope's spend has gone into its budget, which events a new token
 * report sets off, when a blocking budget refuses a report, and when the once-only event flags
 * are armed again. Spend is always the sum of the scope's non-deleted reports, in millicents;
 * the caller computes it, these functions only judge it.
 */

/** The fields of a budget the policy reads; a `TokenBudget` has them all. */
export type BudgetTerms = Pick<
  TokenBudget,
  | "id"
  | "scope_type"
  | "scope_id"
  | "budget_millicents"
  | "alert_threshold_pct"
  | "enforcement"
  | "warning_fired"
  | "exceeded_fired"
>

/** One scope a budget can be attached to. */
export interface BudgetScope {
  readonly scope_type: BudgetScopeType
  readonly scope_id: string
}

/** Where a story sits in the work breakdown: the three scopes its spend counts towards. */
export interface StoryPlacement {
  readonly story_id: StoryId
  readonly epic_id: EpicId
  readonly project_id: ProjectId
}

/** The scopes a report on this story is charged to, narrowest first. */
export const budgetScopesOf = (story: StoryPlacement): ReadonlyArray<BudgetScope> => [
  { scope_type: "story", scope_id: story.story_id },
  { scope_type: "epic", scope_id: story.epic_id },
  { scope_type: "project", scope_id: story.project_id },
]

/** The budgets (of those given) that a report on this story counts against: story, epic, project order. */
export const budgetsForStory = <B extends BudgetScope>(
  budgets: Iterable<B>,
  story: StoryPlacement,
): ReadonlyArray<B> => {
  const all = Array.from(budgets)
  return budgetScopesOf(story).flatMap((scope) =>
    all.filter((budget) => budget.scope_type === scope.scope_type && budget.scope_id === scope.scope_id),
  )
}

const floorDiv = (numerator: bigint, denominator: bigint): bigint => {
  const quotient = numerator / denominator
  const inexact = numerator % denominator !== 0n
  return inexact && numerator < 0n !== denominator < 0n ? quotient - 1n : quotient
}

/**
 * Whole percent of the budget spent, rounded down: 79.99% is 79. Computed on integers so huge
 * amounts stay exact. `budget` must be positive (the schema guarantees it).
 */
export const utilizationPct = (spend: number, budget: number): number =>
  Number(floorDiv(BigInt(spend) * 100n, BigInt(budget)))

/** What is left of the budget, never below zero. */
export const remainingMillicents = (spend: number, budget: number): number => Math.max(0, budget - spend)

/** How far spend is past the budget, never below zero. */
export const overageMillicents = (spend: number, budget: number): number => Math.max(0, spend - budget)

/** A budget's standing at a given spend: the derived figures of the API's budget object. */
export interface BudgetUsage {
  readonly current_spend_millicents: number
  readonly remaining_millicents: number
  readonly overage_millicents: number
  readonly utilization_pct: number
}

export const budgetUsage = (budget: Pick<TokenBudget, "budget_millicents">, spend: number): BudgetUsage => ({
  current_spend_millicents: spend,
  remaining_millicents: remainingMillicents(spend, budget.budget_millicents),
  overage_millicents: overageMillicents(spend, budget.budget_millicents),
  utilization_pct: utilizationPct(spend, budget.budget_millicents),
})

/** The `data` of a `token.budget_warning` event, ready for the outbox. */
export type BudgetWarningEvent = typeof TokenBudgetWarning.Type
/** The `data` of a `token.budget_exceeded` event, ready for the outbox. */
export type BudgetExceededEvent = typeof TokenBudgetExceeded.Type

/** The two lines a budget has: its alert threshold and 100%. */
export type ThresholdType = "warning" | "exceeded"

/**
 * What a new report did to one budget.
 * - `UnderThreshold`: spend is below the alert threshold; nothing to record.
 * - `Warning`: at or past the threshold but under 100%.
 * - `Exceeded`: at or past 100%, which is always past the threshold too.
 * A crossing is recorded (audited) on every report that finds the budget past the line; its event
 * is due only when the matching flag was still down (`fire_*`). The flag must then be raised with
 * a compare-and-set, and only the caller that wins it enqueues the event, so concurrent reports
 * never send it twice.
 */
export type BudgetCheck = Data.TaggedEnum<{
  UnderThreshold: { readonly usage: BudgetUsage }
  Warning: {
    readonly usage: BudgetUsage
    readonly fire_warning: boolean
    readonly warning: BudgetWarningEvent
  }
  Exceeded: {
    readonly usage: BudgetUsage
    readonly fire_warning: boolean
    readonly fire_exceeded: boolean
    readonly warning: BudgetWarningEvent
    readonly exceeded: BudgetExceededEvent
  }
}>
export const BudgetCheck = Data.taggedEnum<BudgetCheck>()

/** Judges one budget against its spend after a new report (`triggering_report_id`). */
export const checkBudget = (
  budget: BudgetTerms,
  spendAfterReport: number,
  triggeringReportId: TokenUsageReportId,
): BudgetCheck => {
  const usage = budgetUsage(budget, spendAfterReport)
  if (usage.utilization_pct < budget.alert_threshold_pct) return BudgetCheck.UnderThreshold({ usage })
  const common = {
    budget_id: budget.id,
    scope_type: budget.scope_type,
    scope_id: budget.scope_id,
    budget_millicents: budget.budget_millicents,
    current_spend_millicents: usage.current_spend_millicents,
    utilization_pct: usage.utilization_pct,
    alert_threshold_pct: budget.alert_threshold_pct,
    triggering_report_id: triggeringReportId,
  }
  const warning: BudgetWarningEvent = { event: "token.budget_warning", ...common }
  if (usage.utilization_pct < 100) {
    return BudgetCheck.Warning({ usage, fire_warning: !budget.warning_fired, warning })
  }
  return BudgetCheck.Exceeded({
    usage,
    fire_warning: !budget.warning_fired,
    fire_exceeded: !budget.exceeded_fired,
    warning,
    exceeded: { event: "token.budget_exceeded", ...common, overage_millicents: usage.overage_millicents },
  })
}

/** The lines this check found crossed: one `threshold_crossed` audit entry each. */
export const crossedThresholds = (check: BudgetCheck): ReadonlyArray<ThresholdType> =>
  BudgetCheck.$match(check, {
    UnderThreshold: (): ReadonlyArray<ThresholdType> => [],
    Warning: (): ReadonlyArray<ThresholdType> => ["warning"],
    Exceeded: (): ReadonlyArray<ThresholdType> => ["warning", "exceeded"],
  })

/** The events due from this check (before the compare-and-set on the flags). */
export const budgetEvents = (check: BudgetCheck): ReadonlyArray<BudgetWarningEvent | BudgetExceededEvent> =>
  BudgetCheck.$match(check, {
    UnderThreshold: () => [],
    Warning: ({ fire_warning, warning }) => (fire_warning ? [warning] : []),
    Exceeded: ({ fire_warning, fire_exceeded, warning, exceeded }) => [
      ...(fire_warning ? [warning] : []),
      ...(fire_exceeded ? [exceeded] : []),
    ],
  })

/** The dedup flags of a budget. */
export interface BudgetFlags {
  readonly warning_fired: boolean
  readonly exceeded_fired: boolean
}

/** The flags once this check's crossings are recorded: raised for each line crossed, else unchanged. */
export const flagsAfterCheck = (budget: BudgetFlags, check: BudgetCheck): BudgetFlags => {
  const crossed = crossedThresholds(check)
  return {
    warning_fired: budget.warning_fired || crossed.includes("warning"),
    exceeded_fired: budget.exceeded_fired || crossed.includes("exceeded"),
  }
}

/**
 * The flags after spend went down (a report deleted or corrected): each is lowered once spend is
 * back under its line, so the event can fire again on the next crossing. Never raises a flag.
 */
export const rearmAfterSpendDrop = (
  budget: Pick<TokenBudget, "budget_millicents" | "alert_threshold_pct" | "warning_fired" | "exceeded_fired">,
  spend: number,
): BudgetFlags => {
  const pct = utilizationPct(spend, budget.budget_millicents)
  return {
    warning_fired: budget.warning_fired && pct >= budget.alert_threshold_pct,
    exceeded_fired: budget.exceeded_fired && pct >= 100,
  }
}

/** The flags after an edit: both are lowered when the amount or the threshold actually changed. */
export const rearmAfterEdit = (
  before: Pick<TokenBudget, "budget_millicents" | "alert_threshold_pct" | "warning_fired" | "exceeded_fired">,
  after: Pick<TokenBudget, "budget_millicents" | "alert_threshold_pct">,
): BudgetFlags =>
  before.budget_millicents !== after.budget_millicents ||
  before.alert_threshold_pct !== after.alert_threshold_pct
    ? { warning_fired: false, exceeded_fired: false }
    : { warning_fired: before.warning_fired, exceeded_fired: before.exceeded_fired }

/** The message and code of the 409 that refuses a report on a blocked scope. */
export const BUDGET_EXCEEDED_MESSAGE = "Token budget exceeded"
export const BUDGET_EXCEEDED_CODE = "budget_exceeded"

/** The `context` of that 409: which budget refused, and where its spend stands. */
export interface BudgetRefusal {
  readonly budget_id: TokenBudget["id"]
  readonly scope_type: BudgetScopeType
  readonly scope_id: string
  readonly budget_millicents: number
  readonly current_spend_millicents: number
}

/** A budget with its spend before the incoming report. */
export interface BudgetSpend {
  readonly budget: BudgetTerms
  readonly spend: number
}

/**
 * Whether a new report must be refused: the first budget (narrowest scope first, as given) that
 * is set to `block` and whose spend is already at or over 100% before the report. Budgets set to
 * `warn` never refuse anything; a report that only pushes a scope over the line is accepted.
 */
export const refusalFor = (budgets: ReadonlyArray<BudgetSpend>): Option.Option<BudgetRefusal> =>
  Option.map(
    Option.fromNullable(
      budgets.find(
        ({ budget, spend }) => budget.enforcement === "block" && spend >= budget.budget_millicents,
      ),
    ),
    ({ budget, spend }) => ({
      budget_id: budget.id,
      scope_type: budget.scope_type,
      scope_id: budget.scope_id,
      budget_millicents: budget.budget_millicents,
      current_spend_millicents: spend,
    }),
  )

/** Where an effective budget came from. */
export type BudgetSource = "explicit" | "epic_inherited" | "project_inherited" | "tenant_default"

/** The amounts that may stand in for a scope's budget (null where none is set). */
export interface BudgetCandidates {
  readonly explicit: number | null
  readonly epic: number | null
  readonly project: number | null
  readonly tenant_default: number | null
}

/** A scope's budget after inheritance. */
export interface EffectiveBudget {
  readonly budget_millicents: number
  readonly budget_source: BudgetSource
}

/**
 * The budget that governs a scope: its own if set, else the nearest enclosing one (a story
 * inherits from its epic, then its project; an epic from its project), else the tenant's default
 * story budget. Candidates that do not enclose the scope are ignored.
 */
export const effectiveBudget = (
  scopeType: BudgetScopeType,
  candidates: BudgetCandidates,
): Option.Option<EffectiveBudget> => {
  const chain: ReadonlyArray<readonly [number | null, BudgetSource]> = [
    [candidates.explicit, "explicit"],
    ...(scopeType === "story" ? [[candidates.epic, "epic_inherited"] as const] : []),
    ...(scopeType === "project" ? [] : [[candidates.project, "project_inherited"] as const]),
    [candidates.tenant_default, "tenant_default"],
  ]
  return Option.fromNullable(
    chain
      .flatMap(([amount, source]) =>
        amount === null ? [] : [{ budget_millicents: amount, budget_source: source }],
      )
      .at(0),
  )
}
