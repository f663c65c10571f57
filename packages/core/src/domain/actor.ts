import { Schema } from "effect"
import { AgentId, ApiKeyId, TenantId } from "./ids.js"
import { Role } from "./status.js"

/**
 * Who is calling: the authenticated API key, its role, its tenant (after any impersonation) and
 * the agent the key is linked to, if any. Identity gates compare `agent_id`, never the key.
 */
export class Actor extends Schema.Class<Actor>("Actor")({
  tenant_id: TenantId,
  api_key_id: ApiKeyId,
  key_name: Schema.String,
  role: Role,
  agent_id: Schema.NullOr(AgentId),
}) {
  /** The label written to audit entries: `<role>:<key name>`. */
  get label(): string {
    return `${this.role}:${this.key_name}`
  }
}
