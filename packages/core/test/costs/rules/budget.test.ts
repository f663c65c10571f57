import { describe, expect, it } from "@effect/vitest"
import { FastCheck, Option } from "effect"
import { type BudgetEnforcement, TokenBudget } from "../../../src/costs/domain/token-budget.js"
import {
  type BudgetCheck,
  type BudgetTerms,
  budgetEvents,
  budgetScopesOf,
  budgetUsage,
  budgetsForStory,
  checkBudget,
  crossedThresholds,
  effectiveBudget,
  flagsAfterCheck,
  overageMillicents,
  rearmAfterEdit,
  rearmAfterSpendDrop,
  refusalFor,
  remainingMillicents,
  utilizationPct,
} from "../../../src/costs/rules/budget.js"
import {
  EpicId,
  ProjectId,
  StoryId,
  TenantId,
  TokenBudgetId,
  TokenUsageReportId,
} from "../../../src/kernel/domain/ids.js"
import { Timestamp } from "../../../src/kernel/domain/timestamp.js"

const uuid = (n: number) => `00000000-0000-4000-8000-${n.toString(16).padStart(12, "0")}`
const story = {
  story_id: StoryId.make(uuid(1)),
  epic_id: EpicId.make(uuid(2)),
  project_id: ProjectId.make(uuid(3)),
}
const report1 = TokenUsageReportId.make(uuid(11))
const report2 = TokenUsageReportId.make(uuid(12))
const report3 = TokenUsageReportId.make(uuid(13))

const terms = (overrides: Partial<BudgetTerms> = {}): BudgetTerms => ({
  id: TokenBudgetId.make(uuid(21)),
  scope_type: "story",
  scope_id: story.story_id,
  budget_millicents: 100_000,
  alert_threshold_pct: 80,
  enforcement: "warn",
  warning_fired: false,
  exceeded_fired: false,
  ...overrides,
})

const eventNames = (check: BudgetCheck) => budgetEvents(check).map((event) => event.event)

describe("utilization, remaining and overage", () => {
  it("floors the percentage", () => {
    expect(utilizationPct(0, 100_000)).toBe(0)
    expect(utilizationPct(79_999, 100_000)).toBe(79)
    expect(utilizationPct(80_000, 100_000)).toBe(80)
    expect(utilizationPct(99_999, 100_000)).toBe(99)
    expect(utilizationPct(100_000, 100_000)).toBe(100)
    expect(utilizationPct(163_500, 100_000)).toBe(163)
    expect(utilizationPct(1, 3)).toBe(33)
  })

  it("stays exact for amounts past 2^53 / 100", () => {
    expect(utilizationPct(Number.MAX_SAFE_INTEGER, Number.MAX_SAFE_INTEGER)).toBe(100)
    expect(utilizationPct(Number.MAX_SAFE_INTEGER - 1, Number.MAX_SAFE_INTEGER)).toBe(99)
  })

  it("floors remaining and overage at zero", () => {
    expect(budgetUsage({ budget_millicents: 100_000 }, 0)).toEqual({
      current_spend_millicents: 0,
      remaining_millicents: 100_000,
      overage_millicents: 0,
      utilization_pct: 0,
    })
    expect(budgetUsage({ budget_millicents: 100_000 }, 105_000)).toEqual({
      current_spend_millicents: 105_000,
      remaining_millicents: 0,
      overage_millicents: 5_000,
      utilization_pct: 105,
    })
  })
})

describe("checkBudget (spec 2.3 and scenarios 6-7)", () => {
  it("stays quiet below the alert threshold", () => {
    const check = checkBudget(terms(), 79_999, report1)
    expect(check._tag).toBe("UnderThreshold")
    expect(crossedThresholds(check)).toEqual([])
    expect(budgetEvents(check)).toEqual([])
    expect(flagsAfterCheck(terms(), check)).toEqual({ warning_fired: false, exceeded_fired: false })
  })

  it("warns exactly at the threshold", () => {
    expect(checkBudget(terms(), 80_000, report1)._tag).toBe("Warning")
  })

  it("fires the warning once, then the exceeded event once, and nothing on the third report", () => {
    let budget = terms()
    const first = checkBudget(budget, 85_000, report1)
    expect(first._tag).toBe("Warning")
    expect(budgetEvents(first)).toEqual([
      {
        event: "token.budget_warning",
        budget_id: budget.id,
        scope_type: "story",
        scope_id: story.story_id,
        budget_millicents: 100_000,
        current_spend_millicents: 85_000,
        utilization_pct: 85,
        alert_threshold_pct: 80,
        triggering_report_id: report1,
      },
    ])
    budget = { ...budget, ...flagsAfterCheck(budget, first) }
    expect(budget.warning_fired).toBe(true)

    const second = checkBudget(budget, 105_000, report2)
    expect(second._tag).toBe("Exceeded")
    expect(crossedThresholds(second)).toEqual(["warning", "exceeded"])
    const events = budgetEvents(second)
    expect(events.map((event) => event.event)).toEqual(["token.budget_exceeded"])
    expect(events[0]).toMatchObject({
      utilization_pct: 105,
      current_spend_millicents: 105_000,
      overage_millicents: 5_000,
      triggering_report_id: report2,
    })
    budget = { ...budget, ...flagsAfterCheck(budget, second) }
    expect(budget).toMatchObject({ warning_fired: true, exceeded_fired: true })

    const third = checkBudget(budget, 110_000, report3)
    expect(third._tag).toBe("Exceeded")
    expect(crossedThresholds(third)).toEqual(["warning", "exceeded"])
    expect(budgetEvents(third)).toEqual([])
  })

  it("lets one report fire both events", () => {
    const check = checkBudget(terms(), 120_000, report1)
    expect(eventNames(check)).toEqual(["token.budget_warning", "token.budget_exceeded"])
  })

  it("treats a 100% threshold as warning and exceeded at once", () => {
    const budget = terms({ alert_threshold_pct: 100 })
    expect(checkBudget(budget, 99_999, report1)._tag).toBe("UnderThreshold")
    expect(eventNames(checkBudget(budget, 100_000, report1))).toEqual([
      "token.budget_warning",
      "token.budget_exceeded",
    ])
  })

  it("re-arms both flags when the amount changes, so the warning fires again (scenario 7)", () => {
    const fired = terms({ warning_fired: true, exceeded_fired: true })
    const flags = rearmAfterEdit(fired, { budget_millicents: 200_000, alert_threshold_pct: 80 })
    expect(flags).toEqual({ warning_fired: false, exceeded_fired: false })
    const edited = { ...fired, ...flags, budget_millicents: 200_000 }
    expect(checkBudget(edited, 150_000, report1)._tag).toBe("UnderThreshold")
    expect(eventNames(checkBudget(edited, 160_000, report2))).toEqual(["token.budget_warning"])
  })

  it("re-arms on a threshold change, and keeps the flags when nothing relevant changed", () => {
    const fired = terms({ warning_fired: true, exceeded_fired: true })
    expect(rearmAfterEdit(fired, { budget_millicents: 100_000, alert_threshold_pct: 90 })).toEqual({
      warning_fired: false,
      exceeded_fired: false,
    })
    expect(rearmAfterEdit(fired, { budget_millicents: 100_000, alert_threshold_pct: 80 })).toEqual({
      warning_fired: true,
      exceeded_fired: true,
    })
  })

  it("re-arms each flag only once spend is back under its own line", () => {
    const fired = terms({ warning_fired: true, exceeded_fired: true })
    expect(rearmAfterSpendDrop(fired, 100_000)).toEqual({ warning_fired: true, exceeded_fired: true })
    expect(rearmAfterSpendDrop(fired, 90_000)).toEqual({ warning_fired: true, exceeded_fired: false })
    expect(rearmAfterSpendDrop(fired, 80_000)).toEqual({ warning_fired: true, exceeded_fired: false })
    expect(rearmAfterSpendDrop(fired, 79_999)).toEqual({ warning_fired: false, exceeded_fired: false })
  })

  it("accepts a full TokenBudget entity", () => {
    const entity = new TokenBudget({
      id: TokenBudgetId.make(uuid(30)),
      tenant_id: TenantId.make(uuid(31)),
      scope_type: "project",
      scope_id: story.project_id,
      budget_millicents: 1_000,
      budget_input_tokens: null,
      budget_output_tokens: null,
      alert_threshold_pct: 50,
      warning_fired: false,
      exceeded_fired: false,
      metadata: {},
      inserted_at: Timestamp.make("2026-01-01T00:00:00.000000Z"),
      updated_at: Timestamp.make("2026-01-01T00:00:00.000000Z"),
    })
    expect(entity.enforcement).toBe("warn")
    expect(eventNames(checkBudget(entity, 500, report1))).toEqual(["token.budget_warning"])
  })
})

describe("which budgets apply to a story report", () => {
  it("lists story, epic and project scopes, narrowest first", () => {
    expect(budgetScopesOf(story)).toEqual([
      { scope_type: "story", scope_id: story.story_id },
      { scope_type: "epic", scope_id: story.epic_id },
      { scope_type: "project", scope_id: story.project_id },
    ])
  })

  it("picks only the story's own budgets, in scope order", () => {
    const projectBudget = terms({ scope_type: "project", scope_id: story.project_id })
    const otherStory = terms({ scope_type: "story", scope_id: uuid(99) })
    const epicBudget = terms({ scope_type: "epic", scope_id: story.epic_id })
    const storyBudget = terms()
    // A scope id that matches another scope type does not count.
    const mistyped = terms({ scope_type: "epic", scope_id: story.story_id })
    expect(budgetsForStory([projectBudget, otherStory, epicBudget, mistyped, storyBudget], story)).toEqual([
      storyBudget,
      epicBudget,
      projectBudget,
    ])
  })
})

describe("blocking (Rec of 2.3)", () => {
  const blocking = terms({ enforcement: "block" })

  it("never refuses on a warn budget, however far over", () => {
    expect(Option.isNone(refusalFor([{ budget: terms(), spend: 500_000 }]))).toBe(true)
  })

  it("refuses when a blocking scope is already at 100% before the report", () => {
    expect(Option.isNone(refusalFor([{ budget: blocking, spend: 99_999 }]))).toBe(true)
    expect(refusalFor([{ budget: blocking, spend: 100_000 }])).toEqual(
      Option.some({
        budget_id: blocking.id,
        scope_type: "story",
        scope_id: story.story_id,
        budget_millicents: 100_000,
        current_spend_millicents: 100_000,
      }),
    )
  })

  it("names the first blocking budget in the order given", () => {
    const epicBlock = terms({
      id: TokenBudgetId.make(uuid(22)),
      scope_type: "epic",
      scope_id: story.epic_id,
      enforcement: "block",
    })
    const refusal = refusalFor([
      { budget: terms(), spend: 200_000 },
      { budget: epicBlock, spend: 150_000 },
      { budget: blocking, spend: 120_000 },
    ])
    expect(Option.map(refusal, (r) => r.scope_type)).toEqual(Option.some("epic"))
  })
})

describe("effectiveBudget", () => {
  const all = { explicit: 1, epic: 2, project: 3, tenant_default: 4 }
  const none = { explicit: null, epic: null, project: null, tenant_default: null }

  it("prefers the explicit budget", () => {
    expect(effectiveBudget("story", all)).toEqual(
      Option.some({ budget_millicents: 1, budget_source: "explicit" }),
    )
  })

  it("walks story → epic → project → tenant default", () => {
    expect(effectiveBudget("story", { ...all, explicit: null })).toEqual(
      Option.some({ budget_millicents: 2, budget_source: "epic_inherited" }),
    )
    expect(effectiveBudget("story", { ...all, explicit: null, epic: null })).toEqual(
      Option.some({ budget_millicents: 3, budget_source: "project_inherited" }),
    )
    expect(effectiveBudget("story", { ...none, tenant_default: 4 })).toEqual(
      Option.some({ budget_millicents: 4, budget_source: "tenant_default" }),
    )
    expect(Option.isNone(effectiveBudget("story", none))).toBe(true)
  })

  it("ignores candidates that do not enclose the scope", () => {
    expect(effectiveBudget("epic", { ...all, explicit: null })).toEqual(
      Option.some({ budget_millicents: 3, budget_source: "project_inherited" }),
    )
    expect(effectiveBudget("project", { ...all, explicit: null })).toEqual(
      Option.some({ budget_millicents: 4, budget_source: "tenant_default" }),
    )
    expect(Option.isNone(effectiveBudget("project", { ...none, epic: 2, project: 3 }))).toBe(true)
  })
})

const arbBudget = FastCheck.record({
  budget_millicents: FastCheck.integer({ min: 1, max: 1_000_000_000 }),
  alert_threshold_pct: FastCheck.integer({ min: 1, max: 100 }),
  warning_fired: FastCheck.boolean(),
  exceeded_fired: FastCheck.boolean(),
  enforcement: FastCheck.constantFrom<BudgetEnforcement>("warn", "block"),
}).map((fields) => terms(fields))
const arbSpend = FastCheck.integer({ min: 0, max: 3_000_000_000 })

describe("budget properties", () => {
  it.prop(
    "the warning is due iff spend reaches the threshold and it has not fired yet",
    [arbBudget, arbSpend],
    ([budget, spend]) => {
      const reached =
        BigInt(spend) * 100n >= BigInt(budget.alert_threshold_pct) * BigInt(budget.budget_millicents)
      const warned = eventNames(checkBudget(budget, spend, report1)).includes("token.budget_warning")
      expect(warned).toBe(reached && !budget.warning_fired)
    },
  )

  it.prop(
    "the budget is exceeded iff spend ≥ budget, and the event is due only if not fired yet",
    [arbBudget, arbSpend],
    ([budget, spend]) => {
      const check = checkBudget(budget, spend, report1)
      expect(check._tag === "Exceeded").toBe(spend >= budget.budget_millicents)
      expect(eventNames(check).includes("token.budget_exceeded")).toBe(
        spend >= budget.budget_millicents && !budget.exceeded_fired,
      )
    },
  )

  it.prop(
    "utilization is monotone in spend",
    [FastCheck.integer({ min: 1, max: 1_000_000_000 }), arbSpend, arbSpend],
    ([budget, a, b]) => {
      const [low, high] = a <= b ? [a, b] : [b, a]
      expect(utilizationPct(low, budget)).toBeLessThanOrEqual(utilizationPct(high, budget))
    },
  )

  it.prop(
    "overage and remaining are never negative and differ by budget − spend",
    [
      FastCheck.integer({ min: 1, max: 1_000_000_000 }),
      FastCheck.integer({ min: -1_000_000, max: 3_000_000_000 }),
    ],
    ([budget, spend]) => {
      const overage = overageMillicents(spend, budget)
      const remaining = remainingMillicents(spend, budget)
      expect(overage).toBeGreaterThanOrEqual(0)
      expect(remaining).toBeGreaterThanOrEqual(0)
      expect(remaining - overage).toBe(budget - spend)
    },
  )

  it.prop(
    "once its crossings are recorded, the same spend sends nothing and a higher one only new lines",
    [arbBudget, arbSpend, FastCheck.integer({ min: 0, max: 1_000_000_000 })],
    ([budget, spend, more]) => {
      const first = checkBudget(budget, spend, report1)
      const recorded = { ...budget, ...flagsAfterCheck(budget, first) }
      expect(budgetEvents(checkBudget(recorded, spend, report2))).toEqual([])
      const crossedBefore = crossedThresholds(first)
      for (const event of budgetEvents(checkBudget(recorded, spend + more, report2))) {
        expect(crossedBefore).not.toContain(event.event === "token.budget_warning" ? "warning" : "exceeded")
      }
    },
  )

  it.prop("re-arming after a spend drop never raises a flag", [arbBudget, arbSpend], ([budget, spend]) => {
    const flags = rearmAfterSpendDrop(budget, spend)
    if (!budget.warning_fired) expect(flags.warning_fired).toBe(false)
    if (!budget.exceeded_fired) expect(flags.exceeded_fired).toBe(false)
  })

  it.prop(
    "a report is refused iff some blocking budget is already spent",
    [FastCheck.array(FastCheck.tuple(arbBudget, arbSpend), { maxLength: 3 })],
    ([entries]) => {
      const budgets = entries.map(([budget, spend]) => ({ budget, spend }))
      const expected = budgets.some(
        ({ budget, spend }) => budget.enforcement === "block" && spend >= budget.budget_millicents,
      )
      expect(Option.isSome(refusalFor(budgets))).toBe(expected)
    },
  )
})
