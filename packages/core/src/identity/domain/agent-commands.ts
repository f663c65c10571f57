import { Schema } from "effect"
import { MetadataObject, RequiredText, oneOf, optionalNullable } from "../../kernel/domain/fields.js"

/** What an agent registration may say (platform.md §5). */

/** An agent's name: unique in its tenant, 1..255 characters, stored trimmed. */
export const AgentName = RequiredText(255)

/** `POST /api/v1/agents/register`: "can't be blank" for a missing type, the two types for an unknown one. */
export const AgentRegistration = Schema.Struct({
  name: AgentName.annotations({ description: "Unique in the tenant, 1..255 characters (required)" }),
  agent_type: oneOf(["orchestrator", "implementer"]).annotations({
    description: "orchestrator or implementer (required)",
  }),
  metadata: optionalNullable(MetadataObject.annotations({ description: "Free-form object, at most 64KB" })),
}).annotations({ parseOptions: { errors: "all" } })
export type AgentRegistration = typeof AgentRegistration.Type
