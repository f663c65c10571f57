import { type RateLimited, type RateLimits, Rules } from "@loopctl/core"
import { Context, type Effect } from "effect"
import { admitOrRetryAfter } from "./rate-limiting.js"

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
  admitOrRetryAfter(Rules.RateLimit.authFailureLimit(address, perMinute))
