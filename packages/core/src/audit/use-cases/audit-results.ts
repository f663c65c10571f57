import type { ApiKeyId, AuditEntryId, ProjectId, TenantId } from "../../kernel/domain/ids.js"
import type { JsonObject } from "../../kernel/domain/json.js"
import { type PageMeta, type PageRequest, pageMeta } from "../../kernel/domain/page.js"
import type { Timestamp } from "../../kernel/domain/timestamp.js"
import type { AuditActorType, AuditEntry } from "../domain/audit-entry.js"

/** What the AuditTrail use cases answer: the three views of an entry, and their list shapes. */

/** A row of `GET /audit`: the whole entry but its tenant. */
export interface AuditRow {
  readonly id: AuditEntryId
  readonly entity_type: string
  readonly entity_id: string
  readonly action: string
  readonly actor_type: AuditActorType
  readonly actor_id: ApiKeyId | null
  readonly actor_label: string | null
  readonly old_state: JsonObject | null
  readonly new_state: JsonObject | null
  readonly project_id: ProjectId | null
  readonly metadata: JsonObject
  readonly inserted_at: Timestamp
}

/** A row of `GET /admin/audit`: the entry with its tenant, named (null for platform entries). */
export interface PlatformAuditRow extends AuditRow {
  readonly tenant_id: TenantId | null
  readonly tenant_name: string | null
  readonly tenant_slug: string | null
}

/** A row of `GET /changes`: no `old_state` and no `actor_id` (the original's feed). */
export type ChangeRow = Omit<AuditRow, "old_state" | "actor_id">

/**
 * A row of a story's history: the original's fields (the story is implied) plus `entity_type`,
 * which tells the story's own entries from its token usage reports.
 */
export type HistoryRow = Omit<AuditRow, "entity_id" | "project_id">

/** The original's page object, kept beside `meta` (D13). */
export interface Pagination {
  readonly total: number
  readonly page: number
  readonly page_size: number
}

/** A page of the audit list or of a story's history. */
export interface AuditPage<A> {
  readonly data: ReadonlyArray<A>
  readonly pagination: Pagination
  readonly meta: PageMeta
}

/** One batch of the change feed, and the cursor of the next (null when nothing more exists). */
export interface ChangeFeed {
  readonly data: ReadonlyArray<ChangeRow>
  readonly has_more: boolean
  readonly next_since: Timestamp | null
}

export const auditRow = (e: AuditEntry): AuditRow => ({
  id: e.id,
  entity_type: e.entity_type,
  entity_id: e.entity_id,
  action: e.action,
  actor_type: e.actor_type,
  actor_id: e.actor_id,
  actor_label: e.actor_label,
  old_state: e.old_state,
  new_state: e.new_state,
  project_id: e.project_id,
  metadata: e.metadata,
  inserted_at: e.inserted_at,
})

export const changeRow = (e: AuditEntry): ChangeRow => ({
  id: e.id,
  entity_type: e.entity_type,
  entity_id: e.entity_id,
  action: e.action,
  actor_type: e.actor_type,
  actor_label: e.actor_label,
  new_state: e.new_state,
  project_id: e.project_id,
  metadata: e.metadata,
  inserted_at: e.inserted_at,
})

export const historyRow = (e: AuditEntry): HistoryRow => ({
  id: e.id,
  entity_type: e.entity_type,
  action: e.action,
  actor_type: e.actor_type,
  actor_id: e.actor_id,
  actor_label: e.actor_label,
  old_state: e.old_state,
  new_state: e.new_state,
  metadata: e.metadata,
  inserted_at: e.inserted_at,
})

/** Both page objects of one page. */
export const auditPage = <A>(data: ReadonlyArray<A>, page: PageRequest, total: number): AuditPage<A> => ({
  data,
  pagination: { total, page: page.page, page_size: page.page_size },
  meta: pageMeta(page, total),
})
