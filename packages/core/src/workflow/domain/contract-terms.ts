import { Schema } from "effect"
import { refusing } from "../../kernel/domain/fields.js"
import { AnyJson } from "../../kernel/domain/json.js"
import { optionalOrNull } from "../../kernel/domain/optional-fields.js"

/**
 * The terms an implementer accepts before claiming: the story's exact title and its number of
 * acceptance criteria, proof that it read the story it is about to take. The title and count
 * take any JSON value because a wrong type (`"2"` for 2) is a mismatch to report, with what was
 * sent, not a malformed request.
 */
export const ContractTerms = Schema.Struct({
  story_title: Schema.optionalWith(
    AnyJson.annotations({
      description: "The story's exact title (required for agent keys)",
      jsonSchema: { type: "string" },
    }),
    { exact: true },
  ),
  ac_count: Schema.optionalWith(
    AnyJson.annotations({
      description: "The story's number of acceptance criteria (required for agent keys)",
      jsonSchema: { type: "integer" },
    }),
    { exact: true },
  ),
  skip_contract_check: optionalOrNull(
    refusing(Schema.Boolean, "must be true or false").annotations({
      description: "Orchestrator keys only: true skips the title and count check",
    }),
  ),
}).annotations({ parseOptions: { errors: "all" } })
export type ContractTerms = typeof ContractTerms.Type
