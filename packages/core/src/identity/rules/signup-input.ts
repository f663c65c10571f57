import { Either } from "effect"
import { ValidationFailed } from "../../kernel/domain/errors.js"
import type { JsonObject } from "../../kernel/domain/json.js"
import type { VerifiedAuthenticator } from "../domain/root-authenticator.js"
import type { SignupCompletion } from "../domain/signup-commands.js"
import type { TenantInput } from "../domain/tenant-commands.js"

/**
 * What a WebAuthn signup decides beyond its command's shape (domain `signup-commands.ts`): the
 * default names of authenticators, the challenge's lifetime, and the refusals that need the
 * verified authenticators or the store.
 */

/** How long a signup challenge can be answered: the time a person has to enroll their keys. */
export const challengeLifetimeSeconds = 15 * 60

/** The name an authenticator gets when none is given: the first is primary, the rest backups. */
export const defaultAuthenticatorName = (index: number): string =>
  index === 0 ? "Primary authenticator" : `Backup authenticator ${index}`

/** One authenticator to enroll: its name and the registration response still to be verified. */
export interface NamedEnrollment {
  readonly friendly_name: string
  readonly response: JsonObject
}

/** A signup command read for enrollment: the tenant's fields and each authenticator named. */
export interface SignupRequest {
  readonly challenge_id: string
  readonly tenant: TenantInput
  readonly authenticators: ReadonlyArray<NamedEnrollment>
}

/** A blank or absent friendly name takes the default of its position. */
export const signupRequest = (command: SignupCompletion): SignupRequest => ({
  challenge_id: command.challenge_id,
  tenant: { name: command.name, slug: command.slug, email: command.email, settings: {} },
  authenticators: command.authenticators.map((enrollment, index) => ({
    friendly_name:
      enrollment.friendly_name === undefined ||
      enrollment.friendly_name === null ||
      enrollment.friendly_name === ""
        ? defaultAuthenticatorName(index)
        : enrollment.friendly_name,
    response: enrollment.response,
  })),
})

/** The challenge is not (or no longer) there: never issued, expired, or used by a finished signup. */
export const unknownChallenge = () =>
  new ValidationFailed({
    message:
      "Unknown, expired or already used signup challenge: request new options from POST /signup/options and enroll again",
    details: { challenge_id: ["is unknown, expired or already used"] },
  })

/** The same authenticator answered twice in one signup. */
export const checkDistinct = (
  verified: ReadonlyArray<VerifiedAuthenticator>,
): Either.Either<ReadonlyArray<VerifiedAuthenticator>, ValidationFailed> =>
  new Set(verified.map((v) => v.credential_id)).size === verified.length
    ? Either.right(verified)
    : Either.left(
        new ValidationFailed({
          message: "The same authenticator was enrolled more than once",
          details: { authenticators: ["contain the same authenticator more than once"] },
        }),
      )

/** An authenticator that is already a root of some tenant. */
export const authenticatorTaken = () =>
  new ValidationFailed({
    message: "An authenticator is already enrolled for another tenant",
    details: { authenticators: ["contain an authenticator that is already enrolled"] },
  })

/** How an audit entry names an authenticator: the first 16 hex digits of SHA-256 of its credential id. */
export const fingerprintOf = (credentialIdSha256Hex: string): string => credentialIdSha256Hex.slice(0, 16)
