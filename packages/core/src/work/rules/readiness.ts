import type { Prerequisites } from "../domain/prerequisites.js"
import type { Story } from "../domain/story.js"

/**
 * Readiness, defined once (workflow.md §4.5). A story is ready when its agent_status is pending
 * (whatever its verified_status) and nothing blocks it; a blocker is an unverified direct
 * prerequisite story, or an unverified story of an epic that the story's epic depends on (an
 * empty prerequisite epic blocks nothing). A claim applies the same two dependency conditions.
 * The stores' ready and blocked queries are the SQL form of these functions; the port contract
 * suite holds them to it on random graphs.
 */

/** A story counts as done for its dependents only once verified; reported_done is not enough. */
export const isSatisfied = (story: Pick<Story, "verified_status">): boolean =>
  story.verified_status === "verified"

/** How many unverified prerequisites there are on each side (a story on both sides counts on each). */
export interface BlockerCounts {
  readonly stories: number
  readonly epic_stories: number
}

const unsatisfied = (stories: ReadonlyArray<Pick<Story, "verified_status">>): number =>
  stories.reduce((count, story) => (isSatisfied(story) ? count : count + 1), 0)

/** Counts the blockers of each side: what a refused claim reports. */
export const blockerCounts = (
  prerequisites: Prerequisites<Pick<Story, "verified_status">>,
): BlockerCounts => ({
  stories: unsatisfied(prerequisites.stories),
  epic_stories: unsatisfied(prerequisites.epic_stories),
})

/** Whether anything still blocks: the dependency half of readiness, and the claim's condition. */
export const isHeldBack = (counts: BlockerCounts): boolean => counts.stories > 0 || counts.epic_stories > 0

/** The readiness predicate. */
export const isReady = (
  story: Pick<Story, "agent_status">,
  prerequisites: Prerequisites<Pick<Story, "verified_status">>,
): boolean => story.agent_status === "pending" && !isHeldBack(blockerCounts(prerequisites))

/**
 * What blocks a story, as `GET /stories/blocked` lists it: the unverified direct prerequisites
 * first, then the unverified stories of the prerequisite epics, each story once, where it first
 * appears, in the order given. Empty exactly when `isHeldBack` is false.
 */
export const blockersAmong = <S extends Pick<Story, "id" | "verified_status">>(
  prerequisites: Prerequisites<S>,
): ReadonlyArray<S> => {
  const listed = new Set<string>()
  const blockers: Array<S> = []
  for (const story of [...prerequisites.stories, ...prerequisites.epic_stories]) {
    if (isSatisfied(story) || listed.has(story.id)) continue
    listed.add(story.id)
    blockers.push(story)
  }
  return blockers
}
