import { Context, type Effect } from "effect"
import type { PageRequest, Paged } from "../../kernel/domain/page.js"
import type { Timestamp } from "../../kernel/domain/timestamp.js"
import type { AuditEntry } from "../domain/audit-entry.js"
import type { AuditFilter, ChangeFilter } from "../domain/audit-filter.js"

/** One read of the change feed: entries oldest first, and whether later ones exist. */
export interface ChangeBatch {
  readonly entries: ReadonlyArray<AuditEntry>
  readonly has_more: boolean
}

/** The append-only audit trail of the current tenant. */
export class AuditLog extends Context.Tag("@loopctl/core/AuditLog")<
  AuditLog,
  {
    readonly append: (entries: ReadonlyArray<AuditEntry>) => Effect.Effect<void>
    /**
     * Newest first. Inside a tenant's unit of work it lists that tenant's entries; inside
     * `transactPlatform` (superadmin reads) it lists every tenant's, and the platform's own
     * entries that have no tenant.
     */
    readonly list: (filter: AuditFilter, page: PageRequest) => Effect.Effect<Paged<AuditEntry>>
    /**
     * The change feed: entries inserted strictly after `since`, ordered by (inserted_at, id),
     * about `limit` (at least 1) of them. A batch never ends inside a group of entries that share one
     * `inserted_at` (one transaction writes many at one instant), so it may hold more than
     * `limit`: the next read, from the last entry's instant, then loses nothing. `has_more`
     * says whether entries after the batch exist.
     */
    readonly changes: (since: Timestamp, filter: ChangeFilter, limit: number) => Effect.Effect<ChangeBatch>
    /**
     * A story's history, oldest first by (inserted_at, id): the entries about the story itself
     * and the `token_usage_report` entries whose `metadata.story_id` names it.
     */
    readonly storyHistory: (story_id: string, page: PageRequest) => Effect.Effect<Paged<AuditEntry>>
    /** Whether any entry, of any entity type, is about this entity id. */
    readonly mentions: (entity_id: string) => Effect.Effect<boolean>
    /** Whether an entry with this entity and action exists (e.g. an epic already completed). */
    readonly exists: (entity_type: string, entity_id: string, action: string) => Effect.Effect<boolean>
  }
>() {}
