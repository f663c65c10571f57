import { HttpApp, HttpServerResponse } from "@effect/platform"
import { RateLimited, RateLimits, Rules } from "@loopctl/core"
import { Clock, Context, Effect } from "effect"

/**
 * Failed authentications are limited per client address: a key that is unknown, revoked or
 * expired counts in the address's bucket (one UTC minute, counted in the database through the
 * `RateLimits` port, so every server process shares it). Once the address is over its limit a
 * refused key is answered 429 (D14 body, `Retry-After`) instead of 401, so a script trying keys
 * is told to wait.
 *
 * Only failures are counted and only a failure can be turned into a 429: a request with a valid
 * key costs nothing more and is never refused by this limit, so a client sharing an address
 * (NAT, a proxy) with a misbehaving one keeps working. Keys are 240 random bits, so guessing one
 * is hopeless anyway; the limit keeps such scripts from costing a key lookup without end.
 */

/** How many failed authentications an address may have per minute (`LOOPCTL_AUTH_FAILURES_PER_MINUTE`). */
export class AuthFailureLimit extends Context.Reference<AuthFailureLimit>()(
  "@loopctl/http/AuthFailureLimit",
  {
    defaultValue: () => ({ perMinute: Rules.RateLimit.defaultAuthFailuresPerMinute }),
  },
) {}

/**
 * Counts one failed authentication from `address`; fails with `RateLimited` (and sets
 * `Retry-After` on the response) when the address is over `perMinute` in this minute.
 */
export const countAuthFailure = (
  address: string,
  perMinute: number,
): Effect.Effect<void, RateLimited, RateLimits> =>
  Effect.gen(function* () {
    const nowSeconds = (yield* Clock.currentTimeMillis) / 1000
    const window = Rules.RateLimit.windowAt(nowSeconds, Rules.RateLimit.apiWindowSeconds)
    const buckets = Rules.RateLimit.authFailureBuckets(address, perMinute)
    const counts = yield* Effect.flatMap(RateLimits, (limits) => limits.hit(buckets, window.start))
    const decision = Rules.RateLimit.decide(buckets, counts, window, nowSeconds)
    if (decision.allowed) return
    const retryAfter = String(decision.retry_after_seconds)
    yield* HttpApp.appendPreResponseHandler((_request, response) =>
      Effect.succeed(HttpServerResponse.setHeader(response, "retry-after", retryAfter)),
    )
    return yield* new RateLimited({
      message: Rules.RateLimit.tooManyRequestsMessage(decision.retry_after_seconds),
      retry_after_seconds: decision.retry_after_seconds,
    })
  })
