import { describe, expect, it } from "@effect/vitest"
import { FastCheck } from "effect"
import type { Prerequisites } from "../../../src/work/domain/prerequisites.js"
import { agentStatuses, verifiedStatuses } from "../../../src/work/domain/status.js"
import {
  blockerCounts,
  blockersAmong,
  isHeldBack,
  isReady,
  isSatisfied,
} from "../../../src/work/rules/readiness.js"
import { type FixtureStory, story, withStatus } from "../../fixtures/graph.js"

/** The readiness predicate on its own (workflow.md §4.5): what every store's queues must agree with. */

const ids = (stories: ReadonlyArray<{ readonly id: string }>) => stories.map((s) => s.id)

const none: Prerequisites<FixtureStory> = { stories: [], epic_stories: [] }

const statusPair = FastCheck.record({
  agent_status: FastCheck.constantFrom(...agentStatuses),
  verified_status: FastCheck.constantFrom(...verifiedStatuses),
})

/** Prerequisites drawn from a pool of ten stories, so the two sides share some. */
const randomPrerequisites = FastCheck.record({
  pool: FastCheck.array(statusPair, { minLength: 10, maxLength: 10 }),
  direct: FastCheck.uniqueArray(FastCheck.integer({ min: 0, max: 9 }), { maxLength: 6 }),
  viaEpics: FastCheck.uniqueArray(FastCheck.integer({ min: 0, max: 9 }), { maxLength: 8 }),
}).map(({ pool, direct, viaEpics }) => {
  const stories = pool.map((status, n) => story(n, { epic: 1 + (n % 3), ...status }))
  const pick = (indexes: ReadonlyArray<number>) =>
    indexes.flatMap((i) => {
      const found = stories[i]
      return found === undefined ? [] : [found]
    })
  return { stories: pick(direct), epic_stories: pick(viaEpics) }
})

describe("readiness", () => {
  it("counts only verified stories as satisfied", () => {
    const base = story(1, { epic: 1 })
    expect(isSatisfied(withStatus(base, "reported_done", "verified"))).toBe(true)
    expect(isSatisfied(withStatus(base, "reported_done", "unverified"))).toBe(false)
    expect(isSatisfied(withStatus(base, "pending", "rejected"))).toBe(false)
  })

  it("a pending story with nothing to wait for is ready, whatever its verified_status", () => {
    for (const verified of verifiedStatuses) {
      expect(isReady(withStatus(story(1, { epic: 1 }), "pending", verified), none)).toBe(true)
    }
    expect(isReady(withStatus(story(1, { epic: 1 }), "contracted", "unverified"), none)).toBe(false)
  })

  it("a reported-but-unverified prerequisite still holds its dependent back; a verified one does not", () => {
    const dependent = story(2, { epic: 2 })
    const reported = story(1, { epic: 1, agent_status: "reported_done" })
    const verified = withStatus(reported, "reported_done", "verified")
    expect(isReady(dependent, { stories: [reported], epic_stories: [] })).toBe(false)
    expect(isReady(dependent, { stories: [], epic_stories: [reported] })).toBe(false)
    expect(isReady(dependent, { stories: [verified], epic_stories: [verified] })).toBe(true)
  })

  it("lists direct blockers first, then the epic-level ones, each once where it first appears", () => {
    const [a, b, c, d] = [
      story(1, { epic: 1 }),
      story(2, { epic: 1 }),
      story(3, { epic: 3 }),
      story(4, { epic: 3 }),
    ]
    const done = story(5, { epic: 3, verified_status: "verified" })
    const prerequisites = { stories: [c, a], epic_stories: [done, a, b, d] }
    expect(ids(blockersAmong(prerequisites))).toEqual([c.id, a.id, b.id, d.id])
    // The claim counts each side on its own: a is counted on both.
    expect(blockerCounts(prerequisites)).toEqual({ stories: 2, epic_stories: 3 })
  })

  it.prop(
    "ready exactly when pending and blocked by nothing; blockers are the unverified prerequisites, once each",
    [statusPair, randomPrerequisites],
    ([status, prerequisites]) => {
      const subject = story(99, { epic: 9, ...status })
      const blockers = blockersAmong(prerequisites)
      const all = [...prerequisites.stories, ...prerequisites.epic_stories]
      const unverified = all.filter((s) => s.verified_status !== "verified")
      expect(isReady(subject, prerequisites)).toBe(status.agent_status === "pending" && blockers.length === 0)
      expect(isHeldBack(blockerCounts(prerequisites))).toBe(blockers.length > 0)
      expect(new Set(ids(blockers))).toEqual(new Set(ids(unverified)))
      expect(new Set(ids(blockers)).size).toBe(blockers.length)
      // Order: the first appearance of each blocker in direct-then-epic order.
      expect(ids(blockers)).toEqual(ids(unverified).filter((id, at, list) => list.indexOf(id) === at))
      expect(blockerCounts(prerequisites)).toEqual({
        stories: prerequisites.stories.filter((s) => !isSatisfied(s)).length,
        epic_stories: prerequisites.epic_stories.filter((s) => !isSatisfied(s)).length,
      })
    },
  )
})
