import { Effect } from "effect"
import { RateLimits } from "../../identity/ports/rate-limits.js"
import { Ids } from "../../kernel/ports/ids.js"
import { type ContractSuite, contractCase, expectEqual, expectTrue } from "./contract.js"

/** Bucket names no other case (or run sharing the store) uses. */
const freshBuckets = Effect.map(
  Effect.flatMap(Ids, (ids) => ids.uuid),
  (id) => ({
    key: `key:${id}`,
    tenant: `tenant:${id}`,
  }),
)

const window = 1_764_000_000

/** The RateLimits port: shared, atomic counters per bucket and window. */
export const rateLimitsContract: ContractSuite<RateLimits | Ids> = {
  port: "RateLimits",
  cases: [
    contractCase(
      "counts each hit in every bucket of the request",
      Effect.gen(function* () {
        const limits = yield* RateLimits
        const { key, tenant } = yield* freshBuckets
        const buckets = [
          { bucket: key, limit: 10 },
          { bucket: tenant, limit: 30 },
        ]
        yield* expectEqual(yield* limits.hit(buckets, window), [1, 1], "counts after the first hit")
        yield* expectEqual(yield* limits.hit(buckets, window), [2, 2], "counts after the second hit")
      }),
    ),
    contractCase(
      "a bucket over its limit stops the count there and gives the request back before it",
      Effect.gen(function* () {
        const limits = yield* RateLimits
        const { key, tenant } = yield* freshBuckets
        yield* limits.hit([{ bucket: tenant, limit: 1 }], window)
        const refused = yield* limits.hit(
          [
            { bucket: key, limit: 10 },
            { bucket: tenant, limit: 1 },
          ],
          window,
        )
        yield* expectEqual(refused, [1, 2], "counts when the tenant bucket refuses")
        // The refused request was given back to the key bucket.
        yield* expectEqual(
          yield* limits.hit([{ bucket: key, limit: 10 }], window),
          [1],
          "the key bucket afterwards",
        )
        const keyRefused = yield* limits.hit(
          [
            { bucket: key, limit: 1 },
            { bucket: tenant, limit: 100 },
          ],
          window,
        )
        yield* expectEqual(keyRefused, [2], "a refusal by the first bucket leaves the later ones alone")
      }),
    ),
    contractCase(
      "each window counts from zero",
      Effect.gen(function* () {
        const limits = yield* RateLimits
        const { key } = yield* freshBuckets
        const bucket = [{ bucket: key, limit: 5 }]
        yield* limits.hit(bucket, window)
        yield* limits.hit(bucket, window)
        yield* expectEqual(yield* limits.hit(bucket, window + 60), [1], "the next window's first count")
      }),
    ),
    contractCase(
      "concurrent hits are each counted once",
      Effect.gen(function* () {
        const limits = yield* RateLimits
        const { key } = yield* freshBuckets
        const counts = yield* Effect.forEach(
          Array.from({ length: 40 }, () => [{ bucket: key, limit: 1000 }]),
          (buckets) => limits.hit(buckets, window),
          { concurrency: 8 },
        )
        const seen = counts.map((c) => c[0] ?? 0).sort((a, b) => a - b)
        yield* expectTrue(
          seen.every((count, i) => count === i + 1),
          `40 concurrent hits should see counts 1..40, saw ${seen.join(",")}`,
        )
      }),
    ),
  ],
}
