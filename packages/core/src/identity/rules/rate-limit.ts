import { Option } from "effect"
import { RateLimited } from "../../kernel/domain/errors.js"
import { type Caller, isPlatformActor } from "../domain/actor.js"

/**
 * Rate limits: fixed windows aligned to the clock (a minute for API keys, an hour for signups),
 * counted per bucket. A request is let through while every bucket it counts in stays within its
 * limit. The counting itself is the `RateLimits` port's job; deciding and describing the outcome
 * is done here.
 */

/** The requests a tenant's keys may make in a minute by default. */
export const defaultRequestsPerMinute = 300
/** The tenant bucket allows this many times the per-key limit, across all its keys. */
export const tenantLimitFactor = 3
/** Signup attempts per IP address per hour. */
export const signupsPerHour = 5
/**
 * Failed authentications (a key that is unknown, revoked or expired) per client address per
 * minute, by default. Real clients fail rarely and then stop; anything above this is a script
 * trying keys. Successful authentications are never counted here.
 */
export const defaultAuthFailuresPerMinute = 30
/** The API's counting window: one UTC minute. */
export const apiWindowSeconds = 60
/** The signup counting window: one UTC hour. */
export const signupWindowSeconds = 3600

/**
 * Whether a caller is exempt from rate limits: every request made with a superadmin key, with or
 * without impersonation or an effective role.
 */
export const isRateLimitExempt = (caller: Caller): boolean =>
  isPlatformActor(caller) || caller.impersonation !== null || caller.role === "superadmin"

/** A clock-aligned window: where it started and when the next one starts (unix seconds). */
export interface RateWindow {
  readonly start: number
  readonly reset: number
}

/** The window containing `nowSeconds`, for windows of `lengthSeconds`. */
export const windowAt = (nowSeconds: number, lengthSeconds: number): RateWindow => {
  const start = Math.floor(nowSeconds / lengthSeconds) * lengthSeconds
  return { start, reset: start + lengthSeconds }
}

/** One counter a request counts in, with its limit. */
export interface RateBucket {
  readonly bucket: string
  readonly limit: number
}

/**
 * One limit a request is held to: the counters it counts in, the length of their window, and how
 * its refusal reads. The API, signup and failed authentications are three such limits, decided
 * by one rule ({@link decide}, {@link refusal}) and counted by one use case (`admit`).
 */
export interface RateLimit {
  readonly buckets: ReadonlyArray<RateBucket>
  readonly windowSeconds: number
  readonly refusalMessage: (retryAfterSeconds: number) => string
}

/** The buckets of an authenticated request: its key first, then its tenant (3× the key limit). */
export const apiBuckets = (
  keyId: string,
  tenantId: string,
  perKeyLimit: number,
): ReadonlyArray<RateBucket> => [
  { bucket: `key:${keyId}`, limit: perKeyLimit },
  { bucket: `tenant:${tenantId}`, limit: perKeyLimit * tenantLimitFactor },
]

/** The bucket of a signup attempt from one address. */
export const signupBuckets = (ip: string): ReadonlyArray<RateBucket> => [
  { bucket: `signup:${ip}`, limit: signupsPerHour },
]

/** The bucket a failed authentication from one client address counts in, per API window. */
export const authFailureBuckets = (address: string, perMinute: number): ReadonlyArray<RateBucket> => [
  { bucket: `auth-failure:${address}`, limit: perMinute },
]

/**
 * The counts after a hit, bucket by bucket in order, up to and including the first bucket that
 * refused (the port does not count a refused request in the buckets after it, and gives back
 * its count in the buckets before it).
 */
export type RateCounts = ReadonlyArray<number>

/** What the response says about the limit: the first bucket's limit, what is left, the reset. */
export interface RateDecision {
  readonly allowed: boolean
  readonly limit: number
  readonly remaining: number
  readonly reset: number
  /** Seconds until the window resets, at least 1: the `Retry-After` of a refusal. */
  readonly retry_after_seconds: number
}

/** Whether a hit with these counts is allowed, and the headers that describe it. */
export const decide = (
  buckets: ReadonlyArray<RateBucket>,
  counts: RateCounts,
  window: RateWindow,
  nowSeconds: number,
): RateDecision => {
  const allowed = buckets.every((bucket, i) => (counts[i] ?? Number.POSITIVE_INFINITY) <= bucket.limit)
  const first = buckets[0]
  const limit = first?.limit ?? 0
  const used = counts[0] ?? limit
  return {
    allowed,
    limit,
    remaining: allowed ? Math.max(limit - used, 0) : 0,
    reset: window.reset,
    retry_after_seconds: Math.max(1, Math.ceil(window.reset - nowSeconds)),
  }
}

/** The 429 message of a refused signup attempt (README: registration is limited per IP address). */
export const tooManySignupsMessage = "Too many registration attempts. Please try again later."

/** The README's 429 message. */
export const tooManyRequestsMessage = (retryAfterSeconds: number): string =>
  `Too many requests. Retry after ${retryAfterSeconds} seconds.`

/** The limit of an authenticated request (D14): per key per UTC minute, and per tenant. */
export const apiLimit = (keyId: string, tenantId: string, perKeyLimit: number): RateLimit => ({
  buckets: apiBuckets(keyId, tenantId, perKeyLimit),
  windowSeconds: apiWindowSeconds,
  refusalMessage: tooManyRequestsMessage,
})

/** The limit of signup attempts (D10): per client address per UTC hour. */
export const signupLimit = (address: string): RateLimit => ({
  buckets: signupBuckets(address),
  windowSeconds: signupWindowSeconds,
  refusalMessage: () => tooManySignupsMessage,
})

/** The limit of failed authentications: per client address per UTC minute. */
export const authFailureLimit = (address: string, perMinute: number): RateLimit => ({
  buckets: authFailureBuckets(address, perMinute),
  windowSeconds: apiWindowSeconds,
  refusalMessage: tooManyRequestsMessage,
})

/** The 429 of a decision that refused the request, if it did. */
export const refusal = (limit: RateLimit, decision: RateDecision): Option.Option<RateLimited> =>
  decision.allowed
    ? Option.none()
    : Option.some(
        new RateLimited({
          message: limit.refusalMessage(decision.retry_after_seconds),
          retry_after_seconds: decision.retry_after_seconds,
        }),
      )
