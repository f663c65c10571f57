import { HttpServerRequest } from "@effect/platform"
import { SignupRateLimit } from "@loopctl/api"
import { type RateLimits, Rules } from "@loopctl/core"
import { Effect, Layer } from "effect"
import { ClientAddressPolicy, clientAddress } from "../edge/client-address.js"
import { admitOrRetryAfter } from "../edge/rate-limiting.js"

/**
 * The {@link SignupRateLimit} middleware: every POST to `/signup/*` counts against its client
 * address (D30: the connection's peer unless that is a trusted proxy). 5 per hour, counted in
 * the database by the core's one rate limiter, so all server processes share the count. A refusal
 * is 429 with `Retry-After`, before the body is read.
 */
export const SignupRateLimitLive: Layer.Layer<SignupRateLimit, never, RateLimits> = Layer.effect(
  SignupRateLimit,
  Effect.gen(function* () {
    const limits = yield* Effect.context<RateLimits>()
    const proxies = yield* ClientAddressPolicy
    return Effect.gen(function* () {
      const request = yield* HttpServerRequest.HttpServerRequest
      yield* Effect.provide(
        admitOrRetryAfter(Rules.RateLimit.signupLimit(clientAddress(request, proxies))),
        limits,
      )
    })
  }),
)
