import { Schema } from "effect"
import { blankMessage, oneOf } from "../../kernel/domain/fields.js"
import { MetadataObject } from "../../kernel/domain/json-fields.js"
import { optionalNullable } from "../../kernel/domain/optional-fields.js"
import { RequiredText } from "../../kernel/domain/text-fields.js"

/** What an agent registration may say (platform.md §5). */

/** An agent's name: unique in its tenant, 1..255 characters, stored trimmed. */
export const AgentName = RequiredText({ max: 255, trim: true, notText: blankMessage })

/** `POST /api/v1/agents/register`: "can't be blank" for a missing type, the two types for an unknown one. */
export const AgentRegistration = Schema.Struct({
  name: AgentName.annotations({ description: "Unique in the tenant, 1..255 characters (required)" }),
  agent_type: oneOf(["orchestrator", "implementer"]).annotations({
    description: "orchestrator or implementer (required)",
  }),
  metadata: optionalNullable(MetadataObject.annotations({ description: "Free-form object, at most 64KB" })),
}).annotations({ parseOptions: { errors: "all" } })
export type AgentRegistration = typeof AgentRegistration.Type
