import { Effect, Schema } from "effect"
import type { DomainEvent } from "../../events/domain/events.js"
import { Outbox, OutboxEntry } from "../../events/ports/outbox.js"
import type { Actor } from "../../identity/domain/actor.js"
import { AuditEntryId, type ProjectId } from "../../kernel/domain/ids.js"
import { now } from "../../kernel/domain/timestamp.js"
import { type Ids, freshId } from "../../kernel/ports/ids.js"
import type { AuditIntent } from "../../workflow/rules/lifecycle.js"
import { AuditEntry } from "../domain/audit-entry.js"
import { AuditLog } from "../ports/audit-log.js"

/** What an impersonated write records about the superadmin behind it (platform.md §4.3). */
const impersonationMetadata = (actor: Actor) =>
  actor.impersonation === null
    ? {}
    : {
        impersonated_by: actor.api_key_id,
        impersonated_at: actor.impersonation.impersonated_at,
        effective_role: actor.impersonation.effective_role,
      }

/**
 * Writes what a mutation must leave behind — its audit entries and its events — through the
 * ports, inside the caller's unit of work, so they commit or roll back with the change.
 */
export const recordChange = (
  actor: Actor,
  project_id: ProjectId | null,
  change: { readonly audit: ReadonlyArray<AuditIntent>; readonly events: ReadonlyArray<DomainEvent> },
) =>
  Effect.gen(function* () {
    if (change.audit.length === 0 && change.events.length === 0) return
    const at = yield* now
    const superadmin = actor.role === "superadmin" || actor.impersonation !== null
    const entries: Array<AuditEntry> = []
    for (const intent of change.audit) {
      const system = intent.actor === "system"
      entries.push(
        new AuditEntry({
          id: yield* freshId(AuditEntryId),
          tenant_id: actor.tenant_id,
          project_id,
          entity_type: intent.entity_type,
          entity_id: intent.entity_id,
          action: intent.action,
          actor_type: system ? "system" : superadmin ? "superadmin" : "api_key",
          actor_id: system ? null : actor.api_key_id,
          actor_label: system ? `system:${intent.action}` : actor.label,
          old_state: intent.old_state,
          new_state: intent.new_state,
          metadata: system ? {} : impersonationMetadata(actor),
          inserted_at: at,
        }),
      )
    }
    const events: Array<OutboxEntry> = []
    for (const event of change.events) {
      events.push(
        new OutboxEntry({
          id: yield* freshId(Schema.UUID),
          tenant_id: actor.tenant_id,
          project_id: "project_id" in event && event.project_id !== null ? event.project_id : project_id,
          event,
          occurred_at: at,
        }),
      )
    }
    if (entries.length > 0) yield* Effect.flatMap(AuditLog, (log) => log.append(entries))
    if (events.length > 0) yield* Effect.flatMap(Outbox, (outbox) => outbox.enqueue(events))
  })

/** The ports `recordChange` writes through. */
export type RecordingPorts = AuditLog | Outbox | Ids
