import { describe, expect, it } from "@effect/vitest"
import { FastCheck } from "effect"
import {
  type AnomalyRule,
  type DetectedAnomalyType,
  type StoryCost,
  defaultAnomalyRule,
  detectAnomalies,
  deviationFactor,
  peerAnomalyRule,
} from "../../../src/costs/rules/anomaly.js"
import { EpicId, StoryId } from "../../../src/kernel/domain/ids.js"

const uuid = (n: number) => `00000000-0000-4000-8000-${n.toString(16).padStart(12, "0")}`
const epicA = EpicId.make(uuid(1))
const epicB = EpicId.make(uuid(2))
const epics = [epicA, epicB, EpicId.make(uuid(3))]
const storyId = (n: number) => StoryId.make(uuid(1000 + n))

/** One epic's stories with the given costs, story ids numbered from `first`. */
const epic = (epicId: EpicId, costs: ReadonlyArray<number>, first = 0): ReadonlyArray<StoryCost> =>
  costs.map((cost, index) => ({ story_id: storyId(first + index), epic_id: epicId, cost_millicents: cost }))

const flagged = (costs: ReadonlyArray<StoryCost>, rule?: AnomalyRule) =>
  detectAnomalies(costs, rule).map((anomaly) => [anomaly.story_id, anomaly.anomaly_type] as const)

describe("deviationFactor", () => {
  it("writes two decimals, rounding half up", () => {
    expect(deviationFactor(20_000, 4_800)).toBe("4.17")
    expect(deviationFactor(1_000_000, 500_000)).toBe("2.00")
    expect(deviationFactor(1, 8)).toBe("0.13")
    expect(deviationFactor(2, 3)).toBe("0.67")
    expect(deviationFactor(1, 200)).toBe("0.01")
    expect(deviationFactor(1, 201)).toBe("0.00")
    expect(deviationFactor(0, 100)).toBe("0.00")
    expect(deviationFactor(9, 2)).toBe("4.50")
    expect(deviationFactor(-1, 8)).toBe("-0.13")
  })
})

describe("detectAnomalies (spec 3.1, scenario 9)", () => {
  it("flags the 20000 story among four at 1000 as high_cost with factor 4.17", () => {
    expect(detectAnomalies(epic(epicA, [1_000, 1_000, 1_000, 1_000, 20_000]))).toEqual([
      {
        story_id: storyId(4),
        epic_id: epicA,
        anomaly_type: "high_cost",
        story_cost_millicents: 20_000,
        reference_avg_millicents: 4_800,
        deviation_factor: "4.17",
      },
    ])
  })

  it("flags a story at 100 as suspiciously_low", () => {
    const result = detectAnomalies(epic(epicA, [1_000, 1_000, 1_000, 1_000, 20_000, 100]))
    expect(
      result.map((a) => [a.story_id, a.anomaly_type, a.reference_avg_millicents, a.deviation_factor]),
    ).toEqual([
      [storyId(4), "high_cost", 4_016, "4.98"],
      [storyId(5), "suspiciously_low", 4_016, "0.02"],
    ])
  })

  it("never flags high_cost with two stories, however far apart (the story is in its own baseline)", () => {
    const result = detectAnomalies(epic(epicA, [1, 1_000_000]))
    expect(result.some((a) => a.anomaly_type === "high_cost")).toBe(false)
    // The original still flags the cheap one: nothing sets a minimum sample by default.
    expect(flagged(epic(epicA, [1, 1_000_000]))).toEqual([[storyId(0), "suspiciously_low"]])
  })

  it("compares strictly at both lines", () => {
    expect(flagged(epic(epicA, [300, 60, 20, 20]))).toEqual([])
    expect(flagged(epic(epicA, [301, 60, 20, 19]))).toEqual([[storyId(0), "high_cost"]])
    expect(flagged(epic(epicA, [10, 190, 100, 100]))).toEqual([])
    expect(flagged(epic(epicA, [9, 191, 100, 100]))).toEqual([[storyId(0), "suspiciously_low"]])
  })

  it("uses the truncated integer average as the baseline", () => {
    expect(detectAnomalies(epic(epicA, [0, 0, 10])).map((a) => [a.anomaly_type, a.deviation_factor])).toEqual(
      [
        ["suspiciously_low", "0.00"],
        ["suspiciously_low", "0.00"],
        ["high_cost", "3.33"],
      ],
    )
  })

  it("skips an epic whose average is zero, and a lone story", () => {
    expect(detectAnomalies(epic(epicA, [0, 0, 0]))).toEqual([])
    expect(detectAnomalies(epic(epicA, [0, 0, 2]))).toEqual([])
    expect(detectAnomalies(epic(epicA, [5_000]))).toEqual([])
    expect(detectAnomalies([])).toEqual([])
  })

  it("judges each epic against its own average", () => {
    const costs = [
      ...epic(epicA, [1_000, 1_000, 1_000, 1_000]),
      ...epic(epicB, [1_000, 1_000, 1_000, 20_000], 10),
    ]
    expect(flagged(costs)).toEqual([[storyId(13), "high_cost"]])
  })

  it("sums a story listed more than once", () => {
    const costs = [...epic(epicA, [1_000, 1_000, 1_000, 10_000]), ...epic(epicA, [10_000], 3)]
    expect(detectAnomalies(costs)).toMatchObject([
      { story_id: storyId(3), story_cost_millicents: 20_000, reference_avg_millicents: 5_750 },
    ])
  })

  it("counts a negative story total in the baseline but never flags it", () => {
    expect(flagged(epic(epicA, [-500, 1_000, 1_000, 1_000, 20_000]))).toEqual([[storyId(4), "high_cost"]])
  })

  it("takes the multipliers from the rule", () => {
    expect(
      flagged(epic(epicA, [1, 1_000_000]), { ...defaultAnomalyRule, anomaly_high_multiplier: 1.5 }),
    ).toEqual([
      [storyId(0), "suspiciously_low"],
      [storyId(1), "high_cost"],
    ])
    expect(
      flagged(epic(epicA, [1, 1_000_000]), { ...defaultAnomalyRule, anomaly_low_multiplier: 0 }),
    ).toEqual([])
  })

  it("can leave the story out of its own baseline and require three other stories", () => {
    expect(detectAnomalies(epic(epicA, [1_000, 1_000, 20_000]), peerAnomalyRule)).toEqual([])
    expect(detectAnomalies(epic(epicA, [1_000, 1_000, 1_000, 20_000]), peerAnomalyRule)).toEqual([
      {
        story_id: storyId(3),
        epic_id: epicA,
        anomaly_type: "high_cost",
        story_cost_millicents: 20_000,
        reference_avg_millicents: 1_000,
        deviation_factor: "20.00",
      },
    ])
  })

  it("applies a minimum sample to the inclusive baseline too", () => {
    const rule = { ...defaultAnomalyRule, min_baseline_stories: 3 }
    expect(detectAnomalies(epic(epicA, [1, 1_000_000]), rule)).toEqual([])
    expect(flagged(epic(epicA, [1, 1_000_000, 1_000_000]), rule)).toEqual([[storyId(0), "suspiciously_low"]])
  })
})

const arbCosts = (maxCost: number) =>
  FastCheck.array(
    FastCheck.record({
      epic: FastCheck.integer({ min: 0, max: epics.length - 1 }),
      cost: FastCheck.integer({ min: 0, max: maxCost }),
    }),
    { maxLength: 25 },
  ).map(
    (rows): ReadonlyArray<StoryCost> =>
      rows.map(({ epic: index, cost }, n) => ({
        story_id: storyId(n),
        epic_id: epics[index] ?? epicA,
        cost_millicents: cost,
      })),
  )

/** Per-story costs whose per-epic totals divide evenly, so the truncated average is exact. */
const arbEvenCosts = arbCosts(1_000_000).map((costs) => {
  const totals = new Map<EpicId, { total: number; count: number }>()
  for (const row of costs) {
    const t = totals.get(row.epic_id) ?? { total: 0, count: 0 }
    totals.set(row.epic_id, { total: t.total + row.cost_millicents, count: t.count + 1 })
  }
  const topped = new Set<EpicId>()
  return costs.map((row) => {
    const t = totals.get(row.epic_id)
    if (t === undefined || topped.has(row.epic_id)) return row
    topped.add(row.epic_id)
    return { ...row, cost_millicents: row.cost_millicents + ((t.count - (t.total % t.count)) % t.count) }
  })
})

const arbRule = FastCheck.record({
  anomaly_high_multiplier: FastCheck.constantFrom(1.5, 2, 3, 4.25),
  anomaly_low_multiplier: FastCheck.constantFrom(0, 0.05, 0.1, 0.5),
  exclude_self: FastCheck.boolean(),
  min_baseline_stories: FastCheck.integer({ min: 0, max: 6 }),
})

describe("anomaly properties", () => {
  it.prop(
    "scaling every cost by a positive factor changes nothing flagged (exact baselines)",
    [arbEvenCosts, FastCheck.integer({ min: 1, max: 1_000 })],
    ([costs, factor]) => {
      const scaled = costs.map((row) => ({ ...row, cost_millicents: row.cost_millicents * factor }))
      const summary = (rows: ReadonlyArray<StoryCost>) =>
        detectAnomalies(rows).map((a) => [a.story_id, a.anomaly_type, a.deviation_factor])
      expect(summary(scaled)).toEqual(summary(costs))
    },
  )

  it.prop(
    "stories that all cost the same are never flagged",
    [
      FastCheck.integer({ min: 0, max: 10_000_000 }),
      FastCheck.array(FastCheck.integer({ min: 0, max: epics.length - 1 }), { maxLength: 25 }),
      arbRule,
    ],
    ([cost, epicOf, rule]) => {
      const costs = epicOf.map((index, n) => ({
        story_id: storyId(n),
        epic_id: epics[index] ?? epicA,
        cost_millicents: cost,
      }))
      expect(
        detectAnomalies(costs, { ...rule, anomaly_high_multiplier: 1, anomaly_low_multiplier: 1 }),
      ).toEqual([])
    },
  )

  it.prop(
    "no story is judged against a baseline smaller than the minimum",
    [arbCosts(1_000_000), arbRule],
    ([costs, rule]) => {
      const counts = new Map<EpicId, number>()
      for (const row of costs) counts.set(row.epic_id, (counts.get(row.epic_id) ?? 0) + 1)
      for (const anomaly of detectAnomalies(costs, rule)) {
        const baselineStories = (counts.get(anomaly.epic_id) ?? 0) - (rule.exclude_self ? 1 : 0)
        expect(baselineStories).toBeGreaterThanOrEqual(Math.max(1, rule.min_baseline_stories))
      }
    },
  )

  it.prop("the default rule agrees with a direct reading of the spec", [arbCosts(1_000_000)], ([costs]) => {
    const totals = new Map<EpicId, { total: number; count: number }>()
    for (const row of costs) {
      const t = totals.get(row.epic_id) ?? { total: 0, count: 0 }
      totals.set(row.epic_id, { total: t.total + row.cost_millicents, count: t.count + 1 })
    }
    const expected = costs.flatMap((row): ReadonlyArray<readonly [StoryId, DetectedAnomalyType]> => {
      const t = totals.get(row.epic_id)
      if (t === undefined) return []
      const avg = Math.trunc(t.total / t.count)
      if (avg <= 0) return []
      if (row.cost_millicents > 3 * avg) return [[row.story_id, "high_cost"]]
      if (row.cost_millicents * 10 < avg) return [[row.story_id, "suspiciously_low"]]
      return []
    })
    expect(flagged(costs)).toEqual(expected)
  })

  it.prop(
    "every result carries a consistent two-decimal factor",
    [arbCosts(1_000_000), arbRule],
    ([costs, rule]) => {
      for (const anomaly of detectAnomalies(costs, rule)) {
        expect(anomaly.deviation_factor).toMatch(/^\d+\.\d{2}$/)
        expect(anomaly.reference_avg_millicents).toBeGreaterThan(0)
        expect(anomaly.deviation_factor).toBe(
          deviationFactor(anomaly.story_cost_millicents, anomaly.reference_avg_millicents),
        )
      }
    },
  )
})
