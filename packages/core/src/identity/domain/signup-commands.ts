import { Schema } from "effect"
import { blankMessage, invalidMessage, namesNothing } from "../../kernel/domain/fields.js"
import { JsonObject } from "../../kernel/domain/json.js"
import { nullOr } from "../../kernel/domain/optional-fields.js"
import { TextField } from "../../kernel/domain/text-fields.js"
import { tenantIdentityFields } from "./tenant-commands.js"

/**
 * What a WebAuthn signup must say (platform.md §2.3): the challenge it answers, the tenant's
 * name, slug and email (the superadmin's creation rules, D9), and 1..5 authenticators, each with
 * the browser's registration response and an optional friendly name. The responses themselves
 * are verified at the edge.
 */

/** A tenant enrolls at least one and at most this many root authenticators. */
export const maxAuthenticators = 5

const friendlyNameMax = 120

/** The challenge a signup answers: "can't be blank" when it names nothing, "is invalid" when not a uuid. */
export const ChallengeId = Schema.String.annotations({
  message: (issue) => (namesNothing(issue.actual) ? blankMessage : invalidMessage),
}).pipe(
  Schema.filter((value) => value !== "" || blankMessage),
  Schema.compose(Schema.UUID.annotations({ message: () => invalidMessage })),
  Schema.annotations({ jsonSchema: { type: "string", format: "uuid" } }),
)

/** A friendly name: blank or absent takes the default (which depends on the position). */
const FriendlyName = nullOr(
  TextField({ max: friendlyNameMax, trim: true, notText: "must be a string" }),
).annotations({
  description: 'Up to 120 characters; default "Primary authenticator" / "Backup authenticator N"',
})

/** One authenticator to enroll: its name and the registration response still to be verified. */
export const Enrollment = Schema.Struct({
  friendly_name: Schema.optionalWith(FriendlyName, { exact: true }),
  response: Schema.propertySignature(
    JsonObject.annotations({
      message: () => blankMessage,
      description:
        "The registration response of navigator.credentials.create(), as JSON (id, rawId, type, response.clientDataJSON, response.attestationObject; binary values base64url)",
    }),
  ),
}).annotations({ message: () => invalidMessage })
export type Enrollment = typeof Enrollment.Type

const enrollAtLeastOne = "Enroll at least one authenticator"

/** The authenticators of a signup: 1..5 of them. */
export const Enrollments = Schema.Array(Enrollment)
  .annotations({ message: (issue) => (namesNothing(issue.actual) ? enrollAtLeastOne : invalidMessage) })
  .pipe(
    Schema.minItems(1, { message: () => enrollAtLeastOne }),
    Schema.maxItems(maxAuthenticators, {
      message: () => `At most ${maxAuthenticators} authenticators can be enrolled`,
    }),
  )

/** `POST /signup/complete`: every problem is reported at once (422 with `details`). */
export const SignupCompletion = Schema.Struct({
  challenge_id: Schema.propertySignature(
    ChallengeId.annotations({ description: "The challenge_id from POST /signup/options (required)" }),
  ),
  ...tenantIdentityFields,
  authenticators: Schema.propertySignature(
    Enrollments.annotations({
      description: "1..5 authenticators, each answering the same challenge (required)",
    }),
  ).annotations({ missingMessage: () => enrollAtLeastOne }),
}).annotations({ parseOptions: { errors: "all" } })
export type SignupCompletion = typeof SignupCompletion.Type
