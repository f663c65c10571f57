import { HttpApiBuilder } from "@effect/platform"
import { LoopctlApi } from "@loopctl/api"
import { Signup } from "@loopctl/core"
import { Effect } from "effect"
import { htmlPage } from "../edge/html-page.js"
import { carriesSecret } from "../edge/secret-response.js"
import { signupPage } from "./signup-page.js"
import { WebAuthnSettings, registrationOptions, verifyRegistration } from "./webauthn.js"

/**
 * The handlers of the `signup` group. The WebAuthn library makes the challenge and checks the
 * answers; the core's `Signup` stores the challenge and decides everything else.
 */
export const SignupLive = HttpApiBuilder.group(LoopctlApi, "signup", (handlers) =>
  Effect.gen(function* () {
    const signup = yield* Signup
    const settings = yield* WebAuthnSettings
    const verify = verifyRegistration(settings)
    const options = Effect.provideService(registrationOptions, WebAuthnSettings, settings)
    const page = htmlPage(signupPage)
    return handlers
      .handle("page", () => Effect.succeed(page))
      .handle("options", () =>
        Effect.gen(function* () {
          const publicKey = yield* options
          const challenge = yield* signup.openCeremony(publicKey.challenge)
          return { challenge_id: challenge.id, publicKey }
        }),
      )
      .handle("complete", ({ payload }) => Effect.zipRight(carriesSecret, signup.complete(payload, verify)))
  }),
)
