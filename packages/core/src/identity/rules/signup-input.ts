import { Either, Option, Schema } from "effect"
import { ValidationFailed } from "../../kernel/domain/errors.js"
import { type JsonObject, isJsonObject } from "../../kernel/domain/json.js"
import { FieldProblems } from "../../kernel/rules/field-problems.js"
import type { VerifiedAuthenticator } from "../domain/root-authenticator.js"
import { type TenantInput, parseTenantCreation } from "./tenant-input.js"

/**
 * What a WebAuthn signup must say (platform.md §2.3): the challenge it answers, the tenant's
 * name, slug and email, and 1..5 authenticators, each with the browser's registration response
 * and an optional friendly name. The responses themselves are verified at the edge.
 */

/** A tenant enrolls at least one and at most this many root authenticators. */
export const maxAuthenticators = 5

/** How long a signup challenge can be answered: the time a person has to enroll their keys. */
export const challengeLifetimeSeconds = 15 * 60

const FRIENDLY_NAME_MAX = 120

/** The name an authenticator gets when none is given: the first is primary, the rest backups. */
export const defaultAuthenticatorName = (index: number): string =>
  index === 0 ? "Primary authenticator" : `Backup authenticator ${index}`

/** One authenticator to enroll: its name and the registration response still to be verified. */
export interface Enrollment {
  readonly friendly_name: string
  readonly response: JsonObject
}

/** A signup body that passed every check that needs no verification. */
export interface SignupRequest {
  readonly challenge_id: string
  readonly tenant: TenantInput
  readonly authenticators: ReadonlyArray<Enrollment>
}

const isUuid = Schema.is(Schema.UUID)

const challengeIdOf = (value: unknown, problems: FieldProblems): string => {
  if (value === undefined || value === null || value === "") problems.add("challenge_id", "can't be blank")
  else if (typeof value !== "string" || !isUuid(value)) problems.add("challenge_id", "is invalid")
  return typeof value === "string" ? value : ""
}

/** The tenant fields, checked by the same rules as the superadmin's creation (D9); no settings here. */
const tenantOf = (input: JsonObject, problems: FieldProblems): TenantInput =>
  Either.match(parseTenantCreation({ name: input.name, slug: input.slug, email: input.email }), {
    onLeft: (failure) => {
      for (const [field, messages] of Object.entries(failure.details ?? {}))
        for (const message of messages) problems.add(field, message)
      return { name: "", slug: "", email: "", settings: {} }
    },
    onRight: (tenant) => tenant,
  })

const friendlyNameOf = (value: unknown, index: number, problems: FieldProblems): string => {
  const field = `authenticators.${index}.friendly_name`
  if (value === undefined || value === null) return defaultAuthenticatorName(index)
  if (typeof value !== "string") {
    problems.add(field, "must be a string")
    return ""
  }
  const name = value.trim()
  if (name === "") return defaultAuthenticatorName(index)
  if (name.length > FRIENDLY_NAME_MAX)
    problems.add(field, `should be at most ${FRIENDLY_NAME_MAX} character(s)`)
  return name
}

const enrollmentOf = (value: unknown, index: number, problems: FieldProblems): Option.Option<Enrollment> => {
  if (!isJsonObject(value)) {
    problems.add(`authenticators.${index}`, "is invalid")
    return Option.none()
  }
  const friendly_name = friendlyNameOf(value.friendly_name, index, problems)
  const response = value.response
  if (!isJsonObject(response)) {
    problems.add(`authenticators.${index}.response`, "can't be blank")
    return Option.none()
  }
  return Option.some({ friendly_name, response })
}

const enrollmentsOf = (value: unknown, problems: FieldProblems): ReadonlyArray<Enrollment> => {
  if (value === undefined || value === null) {
    problems.add("authenticators", "Enroll at least one authenticator")
    return []
  }
  if (!Array.isArray(value)) {
    problems.add("authenticators", "is invalid")
    return []
  }
  if (value.length === 0) problems.add("authenticators", "Enroll at least one authenticator")
  if (value.length > maxAuthenticators) {
    problems.add("authenticators", `At most ${maxAuthenticators} authenticators can be enrolled`)
    return []
  }
  return value.flatMap((item: unknown, index) => Option.toArray(enrollmentOf(item, index, problems)))
}

/**
 * The signup body `{challenge_id, name, slug, email, authenticators:[{friendly_name?, response}]}`.
 * Every problem is reported at once in `details` (422). A blank friendly name takes the default.
 */
export const parseSignup = (body: unknown): Either.Either<SignupRequest, ValidationFailed> => {
  const input = isJsonObject(body) ? body : {}
  const problems = new FieldProblems()
  const challenge_id = challengeIdOf(input.challenge_id, problems)
  const tenant = tenantOf(input, problems)
  const authenticators = enrollmentsOf(input.authenticators, problems)
  return problems.result(() => ({ challenge_id, tenant, authenticators }))
}

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
