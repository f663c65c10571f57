import type { EpicId, StoryId } from "../../kernel/domain/ids.js"

/**
 * Cost anomaly detection. Within one period, each story's cost is compared with the average
 * cost per story of its epic (the baseline). A story costing more than `anomaly_high_multiplier`
 * times the baseline is `high_cost`; one costing less than `anomaly_low_multiplier` times it is
 * `suspiciously_low`. Both comparisons are strict and exact (no floating-point drift).
 *
 * By default the baseline is the original's: the epic's total divided by its number of stories
 * with reports, truncated to an integer, with the story itself included. That is why, with few
 * stories, a high outlier cannot stand out much: it pulls the average up with it. Setting
 * `exclude_self` compares each story with the average of the others instead, and
 * `min_baseline_stories` sets how many stories must form a baseline before anything is judged.
 */

/** One story's summed cost over the period (only stories with reports in the period). */
export interface StoryCost {
  readonly story_id: StoryId
  readonly epic_id: EpicId
  readonly cost_millicents: number
}

/** The knobs of the rule. The multiplier names match the tenant settings they come from. */
export interface AnomalyRule {
  readonly anomaly_high_multiplier: number
  readonly anomaly_low_multiplier: number
  /** Leave the story out of its own baseline. */
  readonly exclude_self: boolean
  /** Fewest stories a baseline may be computed from (values below 1 count as 1). */
  readonly min_baseline_stories: number
}

/** The original's rule: 3.0 and 0.1 over the epic average including the story, no minimum sample. */
export const defaultAnomalyRule: AnomalyRule = {
  anomaly_high_multiplier: 3.0,
  anomaly_low_multiplier: 0.1,
  exclude_self: false,
  min_baseline_stories: 1,
}

/** The stricter variant the spec suggests: each story against at least three others. */
export const peerAnomalyRule: AnomalyRule = {
  ...defaultAnomalyRule,
  exclude_self: true,
  min_baseline_stories: 3,
}

export type DetectedAnomalyType = "high_cost" | "suspiciously_low"

/** A flagged story, with the figures a `cost_anomaly` row and its event carry. */
export interface DetectedAnomaly {
  readonly story_id: StoryId
  readonly epic_id: EpicId
  readonly anomaly_type: DetectedAnomalyType
  readonly story_cost_millicents: number
  readonly reference_avg_millicents: number
  readonly deviation_factor: string
}

/** Multipliers are compared as exact fractions with six decimal places. */
const MULTIPLIER_SCALE = 1_000_000n
const scaledMultiplier = (multiplier: number): bigint => BigInt(Math.round(multiplier * 1_000_000))

const abs = (value: bigint): bigint => (value < 0n ? -value : value)

/**
 * `cost / reference` as a decimal string with two places, rounding half away from zero
 * (20000 / 4800 → "4.17"). `reference` must not be zero.
 */
export const deviationFactor = (cost: number, reference: number): string => {
  const numerator = abs(BigInt(cost) * 100n)
  const denominator = abs(BigInt(reference))
  const hundredths = (2n * numerator + denominator) / (2n * denominator)
  const negative = cost < 0 !== reference < 0 && hundredths > 0n
  const text = `${hundredths / 100n}.${(hundredths % 100n).toString().padStart(2, "0")}`
  return negative ? `-${text}` : text
}

const classify = (cost: bigint, reference: bigint, rule: AnomalyRule): DetectedAnomalyType | null => {
  const scaledCost = cost * MULTIPLIER_SCALE
  if (scaledCost > scaledMultiplier(rule.anomaly_high_multiplier) * reference) return "high_cost"
  if (scaledCost < scaledMultiplier(rule.anomaly_low_multiplier) * reference) return "suspiciously_low"
  return null
}

interface Tally {
  readonly story_id: StoryId
  readonly epic_id: EpicId
  cost: bigint
}

/** Sums the input per story (a story listed twice counts once, with both amounts). */
const tallyStories = (costs: Iterable<StoryCost>): ReadonlyArray<Tally> => {
  const byStory = new Map<StoryId, Tally>()
  for (const { story_id, epic_id, cost_millicents } of costs) {
    const tally = byStory.get(story_id)
    if (tally === undefined) byStory.set(story_id, { story_id, epic_id, cost: BigInt(cost_millicents) })
    else tally.cost += BigInt(cost_millicents)
  }
  return Array.from(byStory.values())
}

/**
 * The baseline a story is judged against: the epic's average per story (integer, truncated),
 * with or without the story itself. None when too few stories form it or it is not positive.
 */
const baselineFor = (
  story: Tally,
  epic: { readonly total: bigint; readonly count: number },
  rule: AnomalyRule,
): bigint | null => {
  const minimum = Math.max(1, Math.floor(rule.min_baseline_stories))
  const count = rule.exclude_self ? epic.count - 1 : epic.count
  if (count < minimum || count < 1) return null
  const total = rule.exclude_self ? epic.total - story.cost : epic.total
  const average = total / BigInt(count)
  return average > 0n ? average : null
}

/**
 * The anomalies among the given per-story costs of one period. A story whose summed cost is
 * negative (corrections only) still counts towards its epic's baseline but is never flagged.
 * Results follow the order in which stories first appear in the input.
 */
export const detectAnomalies = (
  costs: Iterable<StoryCost>,
  rule: AnomalyRule = defaultAnomalyRule,
): ReadonlyArray<DetectedAnomaly> => {
  const stories = tallyStories(costs)
  const epics = new Map<EpicId, { total: bigint; count: number }>()
  for (const story of stories) {
    const epic = epics.get(story.epic_id) ?? { total: 0n, count: 0 }
    epics.set(story.epic_id, { total: epic.total + story.cost, count: epic.count + 1 })
  }
  return stories.flatMap((story): ReadonlyArray<DetectedAnomaly> => {
    const epic = epics.get(story.epic_id)
    if (epic === undefined || story.cost < 0n) return []
    const reference = baselineFor(story, epic, rule)
    if (reference === null) return []
    const anomalyType = classify(story.cost, reference, rule)
    if (anomalyType === null) return []
    const storyCost = Number(story.cost)
    const referenceAvg = Number(reference)
    return [
      {
        story_id: story.story_id,
        epic_id: story.epic_id,
        anomaly_type: anomalyType,
        story_cost_millicents: storyCost,
        reference_avg_millicents: referenceAvg,
        deviation_factor: deviationFactor(storyCost, referenceAvg),
      },
    ]
  })
}
