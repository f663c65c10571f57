import { Effect, Layer, Ref } from "effect"
import { RateLimits } from "../../identity/ports/rate-limits.js"

/** Rate counters in process memory: right for one process, which is all the memory store serves. */
export const RateLimitsMemory = Layer.effect(
  RateLimits,
  Effect.map(Ref.make(new Map<string, number>()), (counters) =>
    RateLimits.of({
      hit: (buckets, windowStart) =>
        Ref.modify(counters, (current) => {
          const next = new Map(current)
          const counts: Array<number> = []
          for (const [i, { bucket, limit }] of buckets.entries()) {
            const key = `${bucket}@${windowStart}`
            const count = (next.get(key) ?? 0) + 1
            next.set(key, count)
            counts.push(count)
            if (count > limit) {
              // Refused here: give the request back to the buckets before this one.
              for (const earlier of buckets.slice(0, i)) {
                const earlierKey = `${earlier.bucket}@${windowStart}`
                next.set(earlierKey, (next.get(earlierKey) ?? 1) - 1)
              }
              break
            }
          }
          return [counts, next]
        }),
    }),
  ),
)
