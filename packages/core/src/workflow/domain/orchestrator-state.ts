import { Schema } from "effect"
import { blankMessage, maxStoredInt, namesNothing, refusing } from "../../kernel/domain/fields.js"
import { OrchestratorStateId, ProjectId, TenantId } from "../../kernel/domain/ids.js"
import { JsonObjectField } from "../../kernel/domain/json-fields.js"
import { JsonObject } from "../../kernel/domain/json.js"
import { optionalOrNull } from "../../kernel/domain/optional-fields.js"
import { RequiredText, maxCharacters } from "../../kernel/domain/text-fields.js"
import { Timestamp } from "../../kernel/domain/timestamp.js"

/** The longest state key. */
export const maxStateKeyLength = 255

/** The name of one checkpoint slot within a project (`main` unless the orchestrator picks another). */
export const StateKey = Schema.String.pipe(Schema.minLength(1), maxCharacters(maxStateKeyLength))

/**
 * An orchestrator's saved checkpoint for a project, one per `state_key`. Each save replaces
 * `state_data` whole and bumps `version` by one, so two writers cannot silently overwrite each other.
 */
export class OrchestratorState extends Schema.Class<OrchestratorState>("OrchestratorState")({
  id: OrchestratorStateId,
  tenant_id: TenantId,
  project_id: ProjectId,
  state_key: StateKey,
  state_data: JsonObject,
  version: Schema.Int.pipe(Schema.positive()),
  inserted_at: Timestamp,
  updated_at: Timestamp,
}) {}

/** The largest version the checkpoint's integer column holds. */
export const maxStateVersion = maxStoredInt

/** The version a writer last read: a whole number from 0 (nothing saved yet). */
const ExpectedVersion = refusing(
  Schema.Number.pipe(Schema.int(), Schema.between(0, maxStateVersion)),
  `must be a whole number from 0 to ${maxStateVersion}`,
).annotations({ jsonSchema: { type: "integer", minimum: 0, maximum: maxStateVersion } })

/** A required field whose missing, `null` or blank value "can't be blank", else `schema`'s own message. */
const required = <S extends Schema.Annotable.All>(schema: S, otherwise: string): Schema.Annotable.Self<S> =>
  schema.annotations({
    message: (issue) => ({
      message: namesNothing(issue.actual) ? blankMessage : otherwise,
      override: true,
    }),
  })

/**
 * A save: `state_key` a non-blank text of at most 255 characters, `state_data` a JSON object (any
 * nesting), and the version last read as `version` or its alias `expected_version` (absent or
 * null reads as 0; a string such as "5" or a fraction is refused, D26).
 */
export const SaveRequest = Schema.Struct({
  state_key: RequiredText({ max: maxStateKeyLength }).annotations({
    description: "The checkpoint slot, 1..255 characters, e.g. main",
  }),
  state_data: required(JsonObjectField, "must be a JSON object").annotations({
    description: "The whole state, any JSON object; it replaces the stored one",
  }),
  version: optionalOrNull(
    ExpectedVersion.annotations({
      description:
        "The version last read: 0 (or absent) for a key's first save, else exactly the stored version (409 otherwise)",
    }),
  ),
  expected_version: optionalOrNull(ExpectedVersion.annotations({ description: "Alias of version" })),
}).annotations({ parseOptions: { errors: "all" } })
export type SaveRequest = typeof SaveRequest.Type
