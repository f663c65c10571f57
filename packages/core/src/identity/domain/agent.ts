import { Schema } from "effect"
import { AgentId, TenantId } from "../../kernel/domain/ids.js"
import { JsonObject } from "../../kernel/domain/json.js"
import { maxCharacters } from "../../kernel/domain/text-fields.js"
import { Timestamp } from "../../kernel/domain/timestamp.js"

/** What a registered agent does: orchestrate (verify others' work) or implement stories. */
export const AgentType = Schema.Literal("orchestrator", "implementer")
export type AgentType = typeof AgentType.Type

/** Whether a registered agent is in use; not to be confused with a story's `agent_status`. */
export const AgentActivity = Schema.Literal("active", "idle", "deactivated")
export type AgentActivity = typeof AgentActivity.Type

/**
 * A coding agent or orchestrator known to a tenant by name. Keys linked to it act as it, so the
 * trust gates compare agents, not keys.
 */
export class Agent extends Schema.Class<Agent>("Agent")({
  id: AgentId,
  tenant_id: TenantId,
  name: Schema.String.pipe(Schema.minLength(1), maxCharacters(255)),
  agent_type: AgentType,
  status: AgentActivity,
  last_seen_at: Schema.NullOr(Timestamp),
  metadata: JsonObject,
  inserted_at: Timestamp,
  updated_at: Timestamp,
}) {}
