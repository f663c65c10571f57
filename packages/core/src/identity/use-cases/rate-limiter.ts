import { Clock, Effect, Option } from "effect"
import type { RateLimited } from "../../kernel/domain/errors.js"
import { RateLimits } from "../ports/rate-limits.js"
import { type RateDecision, type RateLimit, decide, refusal, windowAt } from "../rules/rate-limit.js"

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
