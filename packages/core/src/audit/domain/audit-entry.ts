import { Schema } from "effect"
import { ApiKeyId, AuditEntryId, ProjectId, TenantId } from "../../kernel/domain/ids.js"
import { JsonObject } from "../../kernel/domain/json.js"
import { Timestamp } from "../../kernel/domain/timestamp.js"

/**
 * Who made a change: a tenant's key, a superadmin key (possibly impersonating), loopctl itself
 * (auto-reset, auto-disable, scheduled jobs) or a person at signup.
 */
export const AuditActorType = Schema.Literal("api_key", "superadmin", "system", "human")
export type AuditActorType = typeof AuditActorType.Type

/**
 * One immutable line of the audit trail: what changed (entity, action, before and after) and who
 * did it. Written in the same transaction as the change; never updated or deleted by the app.
 */
export class AuditEntry extends Schema.Class<AuditEntry>("AuditEntry")({
  id: AuditEntryId,
  tenant_id: Schema.NullOr(TenantId),
  project_id: Schema.NullOr(ProjectId),
  entity_type: Schema.String.pipe(Schema.minLength(1)),
  entity_id: Schema.UUID,
  action: Schema.String.pipe(Schema.minLength(1)),
  actor_type: AuditActorType,
  actor_id: Schema.NullOr(ApiKeyId),
  actor_label: Schema.NullOr(Schema.String),
  old_state: Schema.NullOr(JsonObject),
  new_state: Schema.NullOr(JsonObject),
  metadata: JsonObject,
  inserted_at: Timestamp,
}) {}
