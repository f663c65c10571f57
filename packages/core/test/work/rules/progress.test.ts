import { describe, expect, it } from "@effect/vitest"
import { FastCheck } from "effect"
import { EpicId } from "../../../src/kernel/domain/ids.js"
import type { StatusCount } from "../../../src/work/domain/progress.js"
import { agentStatuses, verifiedStatuses } from "../../../src/work/domain/status.js"
import {
  epicCompletion,
  epicCompletions,
  epicProgress,
  percentage,
  projectProgress,
} from "../../../src/work/rules/progress.js"

const epicA = EpicId.make("00000000-0000-4000-8000-00000000000a")
const epicB = EpicId.make("00000000-0000-4000-8000-00000000000b")
const epicC = EpicId.make("00000000-0000-4000-8000-00000000000c")

const count = (
  epic_id: EpicId,
  agent_status: StatusCount["agent_status"],
  verified_status: StatusCount["verified_status"],
  stories: number,
  estimated_hours = 0,
): StatusCount => ({ epic_id, agent_status, verified_status, stories, estimated_hours })

const arbCount: FastCheck.Arbitrary<StatusCount> = FastCheck.record({
  epic_id: FastCheck.constantFrom(epicA, epicB, epicC),
  agent_status: FastCheck.constantFrom(...agentStatuses),
  verified_status: FastCheck.constantFrom(...verifiedStatuses),
  stories: FastCheck.integer({ min: 1, max: 50 }),
  estimated_hours: FastCheck.integer({ min: 0, max: 40 }),
})

const total = (record: Readonly<Record<string, number>>) =>
  Object.values(record).reduce((sum, value) => sum + value, 0)

describe("percentage", () => {
  it("rounds to one decimal and is 0 for an empty whole", () => {
    expect(percentage(0, 0)).toBe(0)
    expect(percentage(1, 3)).toBe(33.3)
    expect(percentage(2, 3)).toBe(66.7)
    expect(percentage(1, 8)).toBe(12.5)
    expect(percentage(5, 5)).toBe(100)
  })
})

describe("project progress", () => {
  it("is all zero for a project without stories", () => {
    expect(projectProgress([], 2)).toEqual({
      total_stories: 0,
      stories_by_agent_status: { pending: 0, contracted: 0, assigned: 0, implementing: 0, reported_done: 0 },
      stories_by_verified_status: { unverified: 0, verified: 0, rejected: 0 },
      total_epics: 2,
      epics_completed: 0,
      verification_percentage: 0,
      estimated_hours_total: 0,
      estimated_hours_completed: 0,
    })
  })

  it("counts per status, completed epics, the verified share and the hours", () => {
    const progress = projectProgress(
      [
        count(epicA, "reported_done", "verified", 2, 5),
        count(epicB, "reported_done", "verified", 1, 1.5),
        count(epicB, "implementing", "unverified", 1, 2),
        count(epicC, "pending", "rejected", 1),
        count(epicC, "pending", "unverified", 3, 4),
      ],
      4,
    )
    expect(progress).toEqual({
      total_stories: 8,
      stories_by_agent_status: { pending: 4, contracted: 0, assigned: 0, implementing: 1, reported_done: 3 },
      stories_by_verified_status: { unverified: 4, verified: 3, rejected: 1 },
      total_epics: 4,
      // Only A has every story verified; the fourth epic has no stories and is not completed.
      epics_completed: 1,
      verification_percentage: 37.5,
      estimated_hours_total: 12.5,
      estimated_hours_completed: 6.5,
    })
  })

  it.prop(
    "the breakdowns each add up to the total, and completed epics never exceed the epics with stories",
    [FastCheck.array(arbCount, { maxLength: 20 })],
    ([counts]) => {
      const progress = projectProgress(counts, 3)
      expect(total(progress.stories_by_agent_status)).toBe(progress.total_stories)
      expect(total(progress.stories_by_verified_status)).toBe(progress.total_stories)
      expect(progress.epics_completed).toBeLessThanOrEqual(new Set(counts.map((c) => c.epic_id)).size)
      expect(progress.estimated_hours_completed).toBeLessThanOrEqual(progress.estimated_hours_total)
      expect(progress.verification_percentage).toBe(
        percentage(progress.stories_by_verified_status.verified, progress.total_stories),
      )
    },
  )
})

describe("epic progress and completion", () => {
  it("an epic's progress holds only the two breakdowns", () => {
    expect(
      epicProgress([count(epicA, "assigned", "unverified", 2), count(epicA, "reported_done", "rejected", 1)]),
    ).toEqual({
      stories_by_agent_status: { pending: 0, contracted: 0, assigned: 2, implementing: 0, reported_done: 1 },
      stories_by_verified_status: { unverified: 2, verified: 0, rejected: 1 },
    })
  })

  it("completion is the verified share of each epic, 0 for an epic without stories", () => {
    const completion = epicCompletions([
      count(epicA, "reported_done", "verified", 1),
      count(epicA, "pending", "unverified", 2),
      count(epicB, "reported_done", "verified", 4),
    ])
    expect(completion(epicA)).toEqual({ story_count: 3, completion_percentage: 33.3 })
    expect(completion(epicB)).toEqual({ story_count: 4, completion_percentage: 100 })
    expect(completion(epicC)).toEqual({ story_count: 0, completion_percentage: 0 })
    expect(epicCompletion([])).toEqual({ story_count: 0, completion_percentage: 0 })
  })
})
