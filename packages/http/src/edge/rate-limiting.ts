import { HttpApp, HttpServerResponse } from "@effect/platform"
import {
  type Authenticated,
  RateLimited,
  RateLimits,
  Rules,
  type Tenant,
  tenantSettings,
} from "@loopctl/core"
import { Clock, Effect, Option } from "effect"

/**
 * Per-key and per-tenant rate limits of authenticated requests (platform.md §6, D14): fixed
 * windows aligned to the UTC minute, counted in the database through the `RateLimits` port so
 * every server process shares the counts. The rules (buckets, decision, message) are the core's.
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

/**
 * Counts one request of `authenticated` and decides. The `X-RateLimit-*` headers (and
 * `Retry-After` on a refusal) are attached to whatever response the request ends with, so a
 * later 403, 404 or 422 carries them too. A refusal fails with the core's `RateLimited` (429).
 */
export const limitRequest = (authenticated: Authenticated): Effect.Effect<void, RateLimited, RateLimits> =>
  Option.match(countedAs(authenticated), {
    onNone: () => Effect.void,
    onSome: ({ keyId, tenant }) =>
      Effect.gen(function* () {
        const nowSeconds = (yield* Clock.currentTimeMillis) / 1000
        const window = Rules.RateLimit.windowAt(nowSeconds, Rules.RateLimit.apiWindowSeconds)
        const buckets = Rules.RateLimit.apiBuckets(
          keyId,
          tenant.id,
          tenantSettings(tenant.settings).rate_limit_requests_per_minute,
        )
        const counts = yield* Effect.flatMap(RateLimits, (limits) => limits.hit(buckets, window.start))
        const decision = Rules.RateLimit.decide(buckets, counts, window, nowSeconds)
        const headers = rateHeaders(decision)
        yield* HttpApp.appendPreResponseHandler((_request, response) =>
          Effect.succeed(HttpServerResponse.setHeaders(response, headers)),
        )
        if (!decision.allowed)
          return yield* new RateLimited({
            message: Rules.RateLimit.tooManyRequestsMessage(decision.retry_after_seconds),
            retry_after_seconds: decision.retry_after_seconds,
          })
      }),
  })
