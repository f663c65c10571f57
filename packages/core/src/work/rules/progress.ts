import type { EpicId } from "../../kernel/domain/ids.js"
import type {
  EpicCompletion,
  EpicProgress,
  ProjectProgress,
  StatusCount,
  StoriesByAgentStatus,
  StoriesByVerifiedStatus,
} from "../domain/progress.js"

/** Progress views computed from grouped status counts (see `StatusCount`). */

/** `part` out of `whole` in percent, rounded to one decimal; 0 for an empty whole. */
export const percentage = (part: number, whole: number): number =>
  whole === 0 ? 0 : Math.round((part / whole) * 1000) / 10

const sum = (counts: ReadonlyArray<StatusCount>, of: (count: StatusCount) => number): number =>
  counts.reduce((total, count) => total + of(count), 0)

/**
 * Estimated hours summed: doubles add with binary noise (0.1 + 0.2 = 0.30000000000000004) where
 * the original summed decimals, so the total keeps the 15 significant digits a double holds
 * exactly — which drops the noise and nothing a client sent.
 */
const hoursSum = (counts: ReadonlyArray<StatusCount>): number =>
  Number(sum(counts, (count) => count.estimated_hours).toPrecision(15))

const storiesWhere = (counts: ReadonlyArray<StatusCount>, keep: (count: StatusCount) => boolean) =>
  sum(counts.filter(keep), (count) => count.stories)

const isVerified = (count: StatusCount) => count.verified_status === "verified"

const byAgentStatus = (counts: ReadonlyArray<StatusCount>): StoriesByAgentStatus => {
  const of = (status: StatusCount["agent_status"]) => storiesWhere(counts, (c) => c.agent_status === status)
  return {
    pending: of("pending"),
    contracted: of("contracted"),
    assigned: of("assigned"),
    implementing: of("implementing"),
    reported_done: of("reported_done"),
  }
}

const byVerifiedStatus = (counts: ReadonlyArray<StatusCount>): StoriesByVerifiedStatus => {
  const of = (status: StatusCount["verified_status"]) =>
    storiesWhere(counts, (c) => c.verified_status === status)
  return { unverified: of("unverified"), verified: of("verified"), rejected: of("rejected") }
}

/** The counts of each epic, keyed by epic id. */
const perEpic = (counts: ReadonlyArray<StatusCount>): ReadonlyMap<EpicId, ReadonlyArray<StatusCount>> => {
  const grouped = new Map<EpicId, Array<StatusCount>>()
  for (const count of counts) {
    const list = grouped.get(count.epic_id)
    if (list === undefined) grouped.set(count.epic_id, [count])
    else list.push(count)
  }
  return grouped
}

/** The completion of one epic from its own counts. */
export const epicCompletion = (counts: ReadonlyArray<StatusCount>): EpicCompletion => {
  const story_count = sum(counts, (c) => c.stories)
  return {
    story_count,
    completion_percentage: percentage(storiesWhere(counts, isVerified), story_count),
  }
}

/** The completion of every epic that appears in `counts`; an epic absent from them is empty. */
export const epicCompletions = (counts: ReadonlyArray<StatusCount>): ((epic: EpicId) => EpicCompletion) => {
  const grouped = perEpic(counts)
  return (epic) => epicCompletion(grouped.get(epic) ?? [])
}

/** A project's progress from the counts of all its stories and the number of its epics. */
export const projectProgress = (counts: ReadonlyArray<StatusCount>, total_epics: number): ProjectProgress => {
  const total_stories = sum(counts, (c) => c.stories)
  const verified = storiesWhere(counts, isVerified)
  // An epic appears in the counts only when it has stories, so "at least one story" holds here.
  const epics_completed = Array.from(perEpic(counts).values()).filter((epic) => epic.every(isVerified)).length
  return {
    total_stories,
    stories_by_agent_status: byAgentStatus(counts),
    stories_by_verified_status: byVerifiedStatus(counts),
    total_epics,
    epics_completed,
    verification_percentage: percentage(verified, total_stories),
    estimated_hours_total: hoursSum(counts),
    estimated_hours_completed: hoursSum(counts.filter(isVerified)),
  }
}

/** An epic's progress: its stories per status on each side. */
export const epicProgress = (counts: ReadonlyArray<StatusCount>): EpicProgress => ({
  stories_by_agent_status: byAgentStatus(counts),
  stories_by_verified_status: byVerifiedStatus(counts),
})
