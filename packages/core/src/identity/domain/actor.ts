import { Schema } from "effect"
import { AgentId, ApiKeyId, TenantId } from "../../kernel/domain/ids.js"
import { Timestamp } from "../../kernel/domain/timestamp.js"
import { Role } from "../../work/domain/status.js"

/**
 * How a superadmin reached a tenant: through `X-Impersonate-Tenant`, optionally acting in a
 * tenant role named by `X-Effective-Role`. Kept on the actor so audit entries can say so.
 */
export const Impersonation = Schema.Struct({
  tenant_slug: Schema.String,
  impersonated_at: Timestamp,
  effective_role: Schema.NullOr(Role),
})
export type Impersonation = typeof Impersonation.Type

/**
 * Who is calling: the authenticated API key, its role, its tenant (after any impersonation) and
 * the agent the key is linked to, if any. Identity gates compare `agent_id`, never the key.
 * An impersonating superadmin keeps its own key id and name; `role` is then `superadmin`, or
 * the effective role it asked for.
 */
export class Actor extends Schema.Class<Actor>("Actor")({
  tenant_id: TenantId,
  api_key_id: ApiKeyId,
  key_name: Schema.String,
  role: Role,
  agent_id: Schema.NullOr(AgentId),
  impersonation: Schema.optionalWith(Schema.NullOr(Impersonation), { default: () => null }),
}) {
  /** The label written to audit entries: `<role>:<key name>`, or `superadmin:impersonating:<slug>`. */
  get label(): string {
    return this.impersonation === null
      ? `${this.role}:${this.key_name}`
      : `superadmin:impersonating:${this.impersonation.tenant_slug}`
  }
}

/**
 * A superadmin key with no tenant in scope: it may use the platform (admin) endpoints, and reaches
 * a tenant's data only by impersonating it.
 */
export class PlatformActor extends Schema.TaggedClass<PlatformActor>()("PlatformActor", {
  api_key_id: ApiKeyId,
  key_name: Schema.String,
}) {
  /** The label written to audit entries of admin writes: `superadmin:<key name>`. */
  get label(): string {
    return `superadmin:${this.key_name}`
  }
}

/** Whoever authenticated: a tenant's actor (impersonating superadmins included) or a platform superadmin. */
export type Caller = Actor | PlatformActor

/** Whether the caller is a superadmin outside every tenant. */
export const isPlatformActor = (caller: Caller): caller is PlatformActor => caller instanceof PlatformActor
