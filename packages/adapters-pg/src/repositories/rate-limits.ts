import { SqlClient } from "@effect/sql"
import { RateLimits } from "@loopctl/core"
import { Effect, Layer } from "effect"

/**
 * Rate counters in the database, one statement per request: `loopctl_rate_hit` counts the
 * request in every bucket atomically (INSERT … ON CONFLICT DO UPDATE), so the processes sharing
 * the database share the counts. It runs outside any unit of work, as the app role.
 */
export const RateLimitsSql = Layer.effect(
  RateLimits,
  Effect.map(SqlClient.SqlClient, (sql) =>
    RateLimits.of({
      hit: (buckets, windowStart) =>
        buckets.length === 0
          ? Effect.succeed([])
          : Effect.orDie(
              Effect.map(
                sql`SELECT loopctl_rate_hit(${buckets.map((b) => b.bucket)}::text[], ${buckets.map((b) => b.limit)}::integer[],
                    to_timestamp(${windowStart})) AS counts`,
                (rows) => {
                  const counts = rows[0]?.counts
                  return Array.isArray(counts) ? counts.map(Number) : []
                },
              ),
            ),
    }),
  ),
)
