import { HttpApp, HttpServerRequest, HttpServerResponse } from "@effect/platform"
import { SignupRateLimit } from "@loopctl/api"
import { Signup } from "@loopctl/core"
import { Effect, Layer } from "effect"
import { ClientAddressPolicy, clientAddress } from "../edge/client-address.js"

/**
 * The {@link SignupRateLimit} middleware: every POST to `/signup/*` counts against its client
 * address (D30: the connection's peer unless that is a trusted proxy). 5 per hour, counted in
 * the database by the core's `Signup.admit`, so all server processes share the count. A refusal
 * is 429 with `Retry-After`, before the body is read.
 */
export const SignupRateLimitLive: Layer.Layer<SignupRateLimit, never, Signup> = Layer.effect(
  SignupRateLimit,
  Effect.gen(function* () {
    const signup = yield* Signup
    const proxies = yield* ClientAddressPolicy
    return Effect.gen(function* () {
      const request = yield* HttpServerRequest.HttpServerRequest
      yield* signup
        .admit(clientAddress(request, proxies))
        .pipe(
          Effect.tapError((refused) =>
            HttpApp.appendPreResponseHandler((_request, response) =>
              Effect.succeed(
                HttpServerResponse.setHeader(response, "retry-after", String(refused.retry_after_seconds)),
              ),
            ),
          ),
        )
    })
  }),
)
