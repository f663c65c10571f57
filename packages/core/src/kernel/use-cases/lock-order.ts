import { Effect, Option } from "effect"
import type { Story } from "../../work/domain/story.js"
import { Epics } from "../../work/ports/epics.js"
import { Stories } from "../../work/ports/stories.js"
import type { EpicId, StoryId } from "../domain/ids.js"

/**
 * The one order in which use cases that write several stories take their row locks: every
 * story first, by ascending id, then (for verifies, which decide their epics' completion) every
 * epic, by ascending id — all before the first write. Two such requests over overlapping stories
 * then queue on their first common story instead of each holding what the other waits for. A
 * single-story transition (its story, then its epic) fits the same order.
 */

/** Ascending, duplicates dropped: the order locks are taken in. */
const inLockOrder = <Id extends string>(ids: Iterable<Id>): ReadonlyArray<Id> =>
  [...new Set(ids)].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0))

/** Holds the stories that exist, in lock order; answers them (as read under the lock) in that order. */
export const holdStories = (ids: Iterable<StoryId>) =>
  Effect.flatMap(Stories, (stories) =>
    Effect.map(
      Effect.forEach(inLockOrder(ids), (id) => stories.findForUpdate(id)),
      (found) => found.flatMap(Option.toArray),
    ),
  )

/** Holds the stories, then their epics, in lock order; answers the stories as read under the lock. */
export const holdStoriesThenEpics = (ids: Iterable<StoryId>) =>
  Effect.gen(function* () {
    const held: ReadonlyArray<Story> = yield* holdStories(ids)
    const epics = yield* Epics
    yield* Effect.forEach(
      inLockOrder<EpicId>(held.map((story) => story.epic_id)),
      (id) => epics.findForUpdate(id),
      {
        discard: true,
      },
    )
    return held
  })
