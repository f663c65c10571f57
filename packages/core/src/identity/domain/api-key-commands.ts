import { Schema } from "effect"
import { Instant, LowercaseUuid, blankMessage, oneOf, overridingMessage } from "../../kernel/domain/fields.js"
import { AgentId } from "../../kernel/domain/ids.js"
import { optionalNullable } from "../../kernel/domain/optional-fields.js"
import { RequiredText } from "../../kernel/domain/text-fields.js"

/** What a request for an API key, or for its rotation, may say (platform.md §3.3, §3.4). */

/** A key's name: required, at most 255 characters, kept as written. */
export const ApiKeyName = RequiredText({ max: 255, notText: blankMessage })

/** The roles a key may be created with through the API; superadmin keys never are. */
export const CreatableRole = Schema.Literal("user", "orchestrator", "agent")
export type CreatableRole = typeof CreatableRole.Type

/**
 * The role a key is asked for. `superadmin` is accepted on the wire so that it can be refused as
 * the spec says (403 "Forbidden"); any other unknown role names the three creatable ones.
 */
export const RequestedRole = oneOf(["user", "orchestrator", "agent", "superadmin"], CreatableRole.literals)
export type RequestedRole = typeof RequestedRole.Type

/** `POST /api/v1/api_keys`. An `expires_at` in the past and `agent_id` on a user key are the rule's to refuse. */
export const ApiKeyCreation = Schema.Struct({
  name: ApiKeyName.annotations({ description: "A name for the key (required)" }),
  role: RequestedRole.annotations({
    description: "user, orchestrator or agent (required; superadmin keys cannot be created here)",
  }),
  agent_id: optionalNullable(
    LowercaseUuid.pipe(Schema.compose(AgentId)).annotations({
      description:
        "The registered agent an orchestrator or agent key acts as (orchestrator keys that verify need it)",
      jsonSchema: { type: "string", format: "uuid" },
    }),
  ),
  expires_at: optionalNullable(
    Instant.annotations({ description: "When the key stops working (ISO-8601 with Z or an offset)" }),
  ),
}).annotations({ parseOptions: { errors: "all" } })
export type ApiKeyCreation = typeof ApiKeyCreation.Type

/** A rotated key keeps working this many hours by default, and at most this many. */
export const defaultGraceHours = 24
export const maxGraceHours = 168

const graceMessage = `must be a whole number of hours from 0 to ${maxGraceHours}`

/**
 * `grace_period_hours`: a whole number of hours from 0 to 168, as a number or a string of
 * digits. The original rounded, read leading digits and clamped; D26 refuses such values.
 */
export const GraceHours = Schema.Union(
  Schema.Number,
  Schema.String.pipe(Schema.pattern(/^\s*\d+\s*$/), Schema.compose(Schema.NumberFromString)),
).pipe(
  Schema.filter((hours) => (Number.isInteger(hours) && hours >= 0 && hours <= maxGraceHours) || graceMessage),
  Schema.annotations({
    ...overridingMessage(() => graceMessage),
    jsonSchema: { type: "integer", minimum: 0, maximum: maxGraceHours },
  }),
)

/** `POST /api/v1/api_keys/:id/rotate`: absent (or null) hours mean the default of 24. */
export const ApiKeyRotation = Schema.Struct({
  grace_period_hours: optionalNullable(
    GraceHours.annotations({
      description: "How long the old key keeps working: hours, default 24, at most 168",
    }),
  ),
}).annotations({ parseOptions: { errors: "all" } })
export type ApiKeyRotation = typeof ApiKeyRotation.Type
