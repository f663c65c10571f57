import { Effect } from "effect"
import type { NotFound } from "../../kernel/domain/errors.js"
import type { StoryId } from "../../kernel/domain/ids.js"
import { itemStoryId } from "../domain/bulk.js"
import {
  type Batch,
  type BulkItemResult,
  bulkHttpStatus,
  isRefused,
  itemRefusal,
  sortBulkResults,
} from "../rules/bulk.js"
import type { TransitionFailure } from "../rules/lifecycle.js"

/** What a bulk request answers: each item's outcome (by story id) and the status they add up to. */
export interface BulkOutcome {
  readonly results: ReadonlyArray<BulkItemResult>
  readonly http_status: 200 | 422
}

/**
 * Runs `one` for every item of a batch inside the caller's unit of work. First `hold` takes the
 * locks of every story of the batch in the one lock order (see lock-order.ts: `holdStories`, or
 * `holdStoriesThenEpics` when the items decide epic completion), so a concurrent batch or
 * verify-all over the same stories waits instead of deadlocking halfway. Each item stands alone:
 * a refused item has written nothing (every refusal is decided before a write) and the others go
 * on; an item refused as it was read is answered with its reason. A defect still rolls the whole
 * batch back.
 */
export const runBatch = <A, R, RH>(
  batch: Batch<A>,
  one: (id: StoryId, item: A) => Effect.Effect<unknown, TransitionFailure | NotFound, R>,
  hold: (ids: ReadonlyArray<StoryId>) => Effect.Effect<unknown, never, RH>,
): Effect.Effect<BulkOutcome, never, R | RH> => {
  const items = batch
    .map((item) => ({
      item,
      ...(isRefused(item) ? { raw: item.story_id, id: undefined } : itemStoryId(item)),
    }))
    .sort((a, b) => (a.raw < b.raw ? -1 : a.raw > b.raw ? 1 : 0))
  const ids = items.flatMap(({ item, id }) => (id === undefined || isRefused(item) ? [] : [id]))
  const run = Effect.map(
    Effect.forEach(items, ({ item, raw, id }) =>
      isRefused(item)
        ? Effect.succeed<BulkItemResult>({ story_id: raw, status: "error", reason: item.reason })
        : id === undefined
          ? Effect.succeed(itemRefusal(raw, { _tag: "NotFound", message: "Story not found" }))
          : Effect.match(one(id, item), {
              onFailure: (error) => itemRefusal(raw, error),
              onSuccess: (): BulkItemResult => ({ story_id: raw, status: "success" }),
            }),
    ),
    (results) => {
      const sorted = sortBulkResults(results)
      return { results: sorted, http_status: bulkHttpStatus(sorted) }
    },
  )
  return Effect.zipRight(hold(ids), run)
}
