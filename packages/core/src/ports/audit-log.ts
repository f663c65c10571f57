import { Context, type Effect } from "effect"
import type { AuditEntry } from "../domain/audit-entry.js"
import type { PageRequest, Paged } from "../domain/page.js"

/** Filters of the audit list (all optional). */
export interface AuditFilter {
  readonly entity_type?: string
  readonly entity_id?: string
  readonly action?: string
  readonly project_id?: string
}

/** The append-only audit trail of the current tenant. */
export class AuditLog extends Context.Tag("@loopctl/core/AuditLog")<
  AuditLog,
  {
    readonly append: (entries: ReadonlyArray<AuditEntry>) => Effect.Effect<void>
    /** Newest first. */
    readonly list: (filter: AuditFilter, page: PageRequest) => Effect.Effect<Paged<AuditEntry>>
    /** Whether an entry with this entity and action exists (e.g. an epic already completed). */
    readonly exists: (entity_type: string, entity_id: string, action: string) => Effect.Effect<boolean>
  }
>() {}
