import { Clock, Effect, Option } from "effect"
import type { RateLimited } from "../../kernel/domain/errors.js"
import type { Tenant } from "../domain/tenant.js"
import { tenantSettings } from "../domain/tenant.js"
import type { CountedRequest } from "../ports/api-keys.js"
import { RateLimits } from "../ports/rate-limits.js"
import {
  type RateDecision,
  type RateLimit,
  type RateWindow,
  apiLimit,
  decide,
  refusal,
  windowAt,
} from "../rules/rate-limit.js"

/**
 * The one rate limiter: counts a request against a {@link RateLimit} in the shared counters (the
 * `RateLimits` port, so every server process counts together) and decides. The API's per-key
 * limit, signup's per-address limit and the failed-authentication limit all go through it.
 */

/** Counts one request in the limit's buckets for the current window; the decision, never a failure. */
export const countRequest = (limit: RateLimit): Effect.Effect<RateDecision, never, RateLimits> =>
  Effect.gen(function* () {
    const nowSeconds = (yield* Clock.currentTimeMillis) / 1000
    const window = windowAt(nowSeconds, limit.windowSeconds)
    const counts = yield* Effect.flatMap(RateLimits, (limits) => limits.hit(limit.buckets, window.start))
    return decide(limit.buckets, counts, window, nowSeconds)
  })

/** Counts one request and lets it through, or fails with the limit's 429 (`Retry-After` seconds in it). */
export const admit = (limit: RateLimit): Effect.Effect<RateDecision, RateLimited, RateLimits> =>
  Effect.flatMap(countRequest(limit), (decision) =>
    Option.match(refusal(limit, decision), {
      onNone: () => Effect.succeed(decision),
      onSome: Effect.fail,
    }),
  )

/** The API limit of one key of `tenant`, with the per-key limit of the tenant's settings. */
export const apiLimitOf = (keyId: string, tenant: Tenant): RateLimit =>
  apiLimit(keyId, tenant.id, tenantSettings(tenant.settings).rate_limit_requests_per_minute)

/**
 * The decision on a request the store counted while authenticating it (`ApiKeys.use`), for a
 * caller that is limited. The store read the tenant's settings itself; a per-key limit other than
 * the one these rules take from them, or no count at all, means store and rules disagree — a defect.
 */
export const decideCounted = (
  counted: Option.Option<CountedRequest>,
  keyId: string,
  tenant: Tenant,
  window: RateWindow,
  nowSeconds: number,
): Effect.Effect<RateDecision> => {
  const limit = apiLimitOf(keyId, tenant)
  const perKeyLimit = limit.buckets[0]?.limit
  return Option.match(
    Option.filter(counted, (count) => count.perKeyLimit === perKeyLimit),
    {
      onNone: () =>
        Effect.dieMessage(
          `the store did not count a limited request as the rate rules do (per-key limit ${perKeyLimit})`,
        ),
      onSome: (count) => Effect.succeed(decide(limit.buckets, count.counts, window, nowSeconds)),
    },
  )
}
