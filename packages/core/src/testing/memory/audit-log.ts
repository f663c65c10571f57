import { Effect, FiberRef, Layer } from "effect"
import type { AuditEntry } from "../../audit/domain/audit-entry.js"
import type { AuditFilter, ChangeFilter } from "../../audit/domain/audit-filter.js"
import { AuditLog } from "../../audit/ports/audit-log.js"
import { pageOf } from "../../kernel/domain/page.js"
import { MemoryStore, tableAccess } from "./store.js"

/** The memory audit log: the tenant's entries, filtered and ordered as the SQL adapter does. */

const matches = (value: string | null, wanted: string | undefined): boolean =>
  wanted === undefined || value === wanted

const inFilter = (filter: AuditFilter) => (e: AuditEntry) =>
  matches(e.tenant_id, filter.tenant_id) &&
  matches(e.entity_type, filter.entity_type) &&
  matches(e.entity_id, filter.entity_id) &&
  matches(e.action, filter.action) &&
  matches(e.actor_type, filter.actor_type) &&
  matches(e.actor_id, filter.actor_id) &&
  matches(e.project_id, filter.project_id) &&
  (filter.from === undefined || e.inserted_at >= filter.from) &&
  (filter.to === undefined || e.inserted_at <= filter.to)

const inChangeFilter = (filter: ChangeFilter) => (e: AuditEntry) =>
  matches(e.entity_type, filter.entity_type) &&
  matches(e.action, filter.action) &&
  matches(e.project_id, filter.project_id) &&
  (filter.entity_types === undefined || filter.entity_types.includes(e.entity_type))

/** Oldest first by (inserted_at, id); lower-case uuid text sorts as Postgres sorts uuids. */
const chronological = (a: AuditEntry, b: AuditEntry): number =>
  a.inserted_at.localeCompare(b.inserted_at) || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0)

const isAboutStory = (story_id: string) => (e: AuditEntry) =>
  (e.entity_type === "story" && e.entity_id === story_id) ||
  (e.entity_type === "token_usage_report" && e.metadata.story_id === story_id)

export const AuditLogMemory = Layer.effect(
  AuditLog,
  Effect.map(MemoryStore, (store) => {
    const db = tableAccess(store)
    const visible = Effect.flatMap(db.tenant, (tenant) =>
      db.read((t) => t.audit.filter((entry) => tenant._tag === "Some" && entry.tenant_id === tenant.value)),
    )
    // A platform transaction (superadmin reads) sees every tenant's entries, as the owner does in SQL.
    const listable = Effect.flatMap(FiberRef.get(store.platform), (platform) =>
      platform ? db.read((t) => t.audit) : visible,
    )
    return AuditLog.of({
      append: (entries) => db.write((t) => ({ ...t, audit: [...t.audit, ...entries] })),
      list: (filter, page) =>
        Effect.map(listable, (entries) =>
          pageOf(
            entries
              .filter(inFilter(filter))
              // Newest first by inserted_at; entries of one instant keep the latest appended first.
              .reverse()
              .sort((a, b) => b.inserted_at.localeCompare(a.inserted_at)),
            page,
          ),
        ),
      changes: (since, filter, limit) =>
        Effect.map(visible, (entries) => {
          const after = entries
            .filter((e) => e.inserted_at > since && inChangeFilter(filter)(e))
            .sort(chronological)
          const edge = after[Math.max(0, limit) - 1]
          if (after.length <= limit || edge === undefined) return { entries: after, has_more: false }
          // The whole group of the last entry's instant, however large.
          const batch = after.filter((e) => e.inserted_at <= edge.inserted_at)
          return { entries: batch, has_more: batch.length < after.length }
        }),
      storyHistory: (story_id, page) =>
        Effect.map(visible, (entries) =>
          pageOf(entries.filter(isAboutStory(story_id)).sort(chronological), page),
        ),
      mentions: (entity_id) =>
        Effect.map(visible, (entries) => entries.some((e) => e.entity_id === entity_id)),
      exists: (entity_type, entity_id, action) =>
        Effect.map(visible, (entries) =>
          entries.some(
            (e) => e.entity_type === entity_type && e.entity_id === entity_id && e.action === action,
          ),
        ),
    })
  }),
)
