import { Context, type Effect } from "effect"
import type { RateBucket, RateCounts } from "../domain/rate-bucket.js"

/**
 * Shared request counters. They live in the store, not in process memory, so every server
 * process sharing one database counts the same requests.
 */
export class RateLimits extends Context.Tag("@loopctl/core/RateLimits")<
  RateLimits,
  {
    /**
     * Counts one request in each bucket for the window starting at `windowStart` (unix seconds),
     * in order, atomically per bucket. If a bucket's count goes over its limit, the request is
     * not counted in the buckets after it and is given back in the buckets before it; the counts
     * returned stop at that bucket.
     */
    readonly hit: (buckets: ReadonlyArray<RateBucket>, windowStart: number) => Effect.Effect<RateCounts>
  }
>() {}
