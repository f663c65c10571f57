import { HttpApp, HttpServerResponse } from "@effect/platform"
import {
  type Authenticated,
  type RateLimited,
  type RateLimits,
  Rules,
  type Tenant,
  admit,
  apiLimitOf,
  countRequest,
} from "@loopctl/core"
import { Effect, Option } from "effect"

/**
 * Per-key and per-tenant rate limits of authenticated requests (platform.md §6, D14): fixed
 * windows aligned to the UTC minute, counted in the database through the `RateLimits` port so
 * every server process shares the counts. The limits, the decision and the counting are the core's
 * one rate limiter (`Rules.RateLimit`, `countRequest`/`admit`, and `Access.authenticate`, which
 * counts an API request as it looks up its key); this file only adds the headers.
 */

/** What a request is counted against: its key and its tenant. */
interface Counted {
  readonly keyId: string
  readonly tenant: Tenant
}

/**
 * The key and tenant a request counts against, or none for a request a superadmin key made
 * (with or without impersonation and `X-Effective-Role`): those are never limited (§4.3 Rec).
 */
const countedAs = ({ caller, tenant }: Authenticated): Option.Option<Counted> => {
  if (Rules.RateLimit.isRateLimitExempt(caller)) return Option.none()
  return tenant === null ? Option.none() : Option.some({ keyId: caller.api_key_id, tenant })
}

/** The headers every limited response carries, success or error. */
const rateHeaders = (decision: Rules.RateLimit.RateDecision): Record<string, string> => ({
  "x-ratelimit-limit": String(decision.limit),
  "x-ratelimit-remaining": String(decision.remaining),
  "x-ratelimit-reset": String(decision.reset),
  ...(decision.allowed ? {} : { "retry-after": String(decision.retry_after_seconds) }),
})

/** Sets `headers` on whatever response the request ends with, so a later 403, 404 or 422 carries them too. */
const onResponse = (headers: Readonly<Record<string, string>>) =>
  HttpApp.appendPreResponseHandler((_request, response) =>
    Effect.succeed(HttpServerResponse.setHeaders(response, headers)),
  )

/**
 * Runs the core's rate limiter on `limit` for a limit that only shows itself when it refuses
 * (signup, failed authentications): a refusal is the core's `RateLimited` (429) with `Retry-After`.
 */
export const admitOrRetryAfter = (
  limit: Rules.RateLimit.RateLimit,
): Effect.Effect<void, RateLimited, RateLimits> =>
  Effect.asVoid(
    Effect.tapError(admit(limit), (refused) =>
      onResponse({ "retry-after": String(refused.retry_after_seconds) }),
    ),
  )

/** Attaches the decision's headers to the response and fails with the limit's 429 when it refused. */
const applyDecision = (
  limit: Rules.RateLimit.RateLimit,
  decision: Rules.RateLimit.RateDecision,
): Effect.Effect<void, RateLimited> =>
  Effect.zipRight(
    onResponse(rateHeaders(decision)),
    Option.match(Rules.RateLimit.refusal(limit, decision), {
      onNone: () => Effect.void,
      onSome: Effect.fail,
    }),
  )

/**
 * Applies the API limit to one request of `authenticated`. The real authenticator counted it
 * already, in the round trip of the key lookup (`authenticated.rate`); a request it did not count
 * (an authenticator that leaves counting to the edge, as the tests' fake keys do) is counted here.
 * The `X-RateLimit-*` headers (and `Retry-After` on a refusal) are attached to whatever response
 * the request ends with. A refusal fails with the core's `RateLimited` (429).
 */
export const limitRequest = (authenticated: Authenticated): Effect.Effect<void, RateLimited, RateLimits> =>
  Option.match(countedAs(authenticated), {
    onNone: () => Effect.void,
    onSome: ({ keyId, tenant }) => {
      const limit = apiLimitOf(keyId, tenant)
      return Option.match(authenticated.rate, {
        onSome: (decision) => applyDecision(limit, decision),
        onNone: () => Effect.flatMap(countRequest(limit), (decision) => applyDecision(limit, decision)),
      })
    },
  })
