import { HttpServer } from "@effect/platform"
import { ValidationFailed, VerifiedAuthenticator, type VerifyRegistration } from "@loopctl/core"
import type { RegistrationResponseJSON } from "@simplewebauthn/server"
import { Context, Effect, Either, Layer, Option, Schema } from "effect"

/**
 * WebAuthn for signup, on @simplewebauthn/server: the creation options a browser needs and the
 * verification of what it sends back. Which relying party and origin the ceremony is bound to
 * comes from configuration; the core receives only verified authenticators.
 */

/**
 * The library, loaded on the first signup rather than at start-up: with its dependencies it is
 * some 70 modules and about 30 MB of resident memory that a server answering agents never uses.
 * Node keeps the module once loaded, so later signups get it at once.
 */
const library = Effect.promise(() => import("@simplewebauthn/server"))

/** How the server introduces itself to authenticators. */
const relyingPartyName = "loopctl"

/** How long a browser may wait for the person to touch their key (ms). */
const ceremonyTimeoutMs = 5 * 60 * 1000

/** The relying party the signup ceremony is bound to. */
export class WebAuthnSettings extends Context.Tag("@loopctl/http/WebAuthnSettings")<
  WebAuthnSettings,
  {
    /** The domain credentials are scoped to (`LOOPCTL_WEBAUTHN_RP_ID`). */
    readonly rpId: string
    /** The exact origin the signup page is served from (`LOOPCTL_WEBAUTHN_ORIGIN`). */
    readonly origin: string
  }
>() {}

/** What configuration says about WebAuthn; without an origin, `http://localhost:<listening port>`. */
export interface WebAuthnOptions {
  readonly rpId: string
  readonly origin: Option.Option<string>
}

/** The development defaults: rp id `localhost`, origin from the port the server listens on. */
export const defaultWebAuthnOptions: WebAuthnOptions = { rpId: "localhost", origin: Option.none() }

/**
 * {@link WebAuthnSettings} from `options`. The default origin is read from the running server,
 * so it is right even when the port was chosen by the system (`PORT=0`).
 */
export const webAuthnSettingsLayer = (
  options: WebAuthnOptions,
): Layer.Layer<WebAuthnSettings, never, HttpServer.HttpServer> =>
  Layer.effect(
    WebAuthnSettings,
    Effect.map(HttpServer.HttpServer, (server) => ({
      rpId: options.rpId,
      origin: Option.getOrElse(options.origin, () =>
        server.address._tag === "TcpAddress" ? `http://localhost:${server.address.port}` : "http://localhost",
      ),
    })),
  )

/** Fresh creation options with a fresh random challenge; user id and name identify no one yet. */
export const registrationOptions = Effect.flatMap(
  Effect.zip(WebAuthnSettings, library),
  ([settings, { generateRegistrationOptions }]) =>
    Effect.promise(() =>
      generateRegistrationOptions({
        rpName: relyingPartyName,
        rpID: settings.rpId,
        userName: "tenant-root",
        userDisplayName: "loopctl tenant root",
        timeout: ceremonyTimeoutMs,
        attestationType: "none",
      }),
    ),
)

/** The fields of a registration response verification reads. */
const RegistrationResponse = Schema.Struct({
  id: Schema.String,
  rawId: Schema.String,
  type: Schema.Literal("public-key"),
  response: Schema.Struct({ clientDataJSON: Schema.String, attestationObject: Schema.String }),
})

const invalid = (index: number, reason: string) =>
  new ValidationFailed({
    message: `Invalid attestation of authenticator ${index + 1}: ${reason}`,
    details: { [`authenticators.${index}.response`]: [reason] },
  })

/** Why the library refused a response, in its own words. */
const reasonOf = (error: unknown): string =>
  error instanceof Error && error.message.trim() !== ""
    ? error.message
    : "the registration could not be verified"

/**
 * The core's `VerifyRegistration` for these settings: the challenge, the origin and rp id, the
 * attestation statement (any format the library knows, `none` included) and the credential data.
 * User verification is preferred, not required.
 */
export const verifyRegistration =
  (settings: WebAuthnSettings["Type"]): VerifyRegistration =>
  (challenge, response, index) =>
    Effect.gen(function* () {
      const decoded = Schema.decodeUnknownEither(RegistrationResponse)(response)
      if (Either.isLeft(decoded))
        return yield* invalid(
          index,
          "not a WebAuthn registration response (id, rawId, type, response.clientDataJSON and response.attestationObject are required)",
        )
      const { id, rawId, type, response: attestation } = decoded.right
      const json: RegistrationResponseJSON = {
        id,
        rawId,
        type,
        response: {
          clientDataJSON: attestation.clientDataJSON,
          attestationObject: attestation.attestationObject,
        },
        clientExtensionResults: {},
      }
      const { verifyRegistrationResponse } = yield* library
      const result = yield* Effect.tryPromise({
        try: () =>
          verifyRegistrationResponse({
            response: json,
            expectedChallenge: challenge,
            expectedOrigin: settings.origin,
            expectedRPID: settings.rpId,
            requireUserVerification: false,
          }),
        catch: (error) => invalid(index, reasonOf(error)),
      })
      if (!result.verified) return yield* invalid(index, "the attestation signature did not verify")
      const { credential, fmt } = result.registrationInfo
      return new VerifiedAuthenticator({
        credential_id: credential.id,
        public_key: Buffer.from(credential.publicKey).toString("base64url"),
        attestation_format: fmt,
        sign_count: credential.counter,
      })
    })
