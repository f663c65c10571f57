import { type PageRequest, pageRequest } from "../../kernel/domain/page.js"
import { isUnstorable } from "../../kernel/domain/storable.js"
import type { Timestamp } from "../../kernel/domain/timestamp.js"
import type { AuditFilter, ChangeFilter } from "../domain/audit-filter.js"
import {
  AUDIT_PAGE,
  type AuditQuery,
  CHANGES_LIMIT,
  type ChangesQuery,
  HISTORY_PAGE,
  type HistoryQuery,
  type PlatformAuditQuery,
} from "../domain/audit-queries.js"

/**
 * What the audit endpoints serve for a decoded query (platform.md §9.3–§9.5): the filter with
 * only the values given, the page or batch with its default and its cap.
 */

/** Keeps only the keys whose value is defined (the port's filters are exact optional fields). */
const defined = <A extends Record<string, unknown>>(
  fields: A,
): { [K in keyof A]?: Exclude<A[K], undefined> } => {
  const kept: { [K in keyof A]?: Exclude<A[K], undefined> } = {}
  for (const key of Object.keys(fields)) {
    const value = fields[key]
    if (value !== undefined) Object.assign(kept, { [key]: value })
  }
  return kept
}

/** The audit list's filter and page (20 by default, at most 100). */
export const auditListOf = (
  query: AuditQuery,
): { readonly filter: AuditFilter; readonly page: PageRequest } => ({
  filter: defined({
    entity_type: query.entity_type,
    entity_id: query.entity_id,
    action: query.action,
    actor_type: query.actor_type,
    actor_id: query.actor_id,
    project_id: query.project_id,
    from: query.from,
    to: query.to,
  }),
  page: pageRequest(query, AUDIT_PAGE),
})

/** The cross-tenant audit list's filter (platform.md §7): the same, and a tenant filter. */
export const platformAuditListOf = (
  query: PlatformAuditQuery,
): { readonly filter: AuditFilter; readonly page: PageRequest } => {
  const { filter, page } = auditListOf({ ...query, project_id: undefined })
  return { filter: query.tenant_id === undefined ? filter : { ...filter, tenant_id: query.tenant_id }, page }
}

/** The change feed's batch: `limit`, 1000 by default; more than 1000 is served as 1000. */
export const changesOf = (
  query: ChangesQuery,
): { readonly since: Timestamp; readonly limit: number; readonly filter: ChangeFilter } => ({
  since: query.since,
  limit: Math.min(CHANGES_LIMIT, query.limit ?? CHANGES_LIMIT),
  filter: defined({ entity_type: query.entity_type, action: query.action, project_id: query.project_id }),
})

/** A story history's page request: 100 by default, at most 100. */
export const historyPage = (query: HistoryQuery): PageRequest => pageRequest(query, HISTORY_PAGE)

/**
 * Whether a filter holds text no stored entry can have (a NUL, an unpaired surrogate): such a
 * filter matches nothing, and the database would refuse the comparison, so it is answered empty
 * without asking.
 */
export const matchesNothing = (filter: AuditFilter | ChangeFilter): boolean =>
  Object.values(filter).some((value) => typeof value === "string" && isUnstorable(value))

/** `next_since`: the last entry's instant when more entries follow, else null. */
export const nextSince = (
  entries: ReadonlyArray<{ readonly inserted_at: Timestamp }>,
  has_more: boolean,
): Timestamp | null => (has_more ? (entries[entries.length - 1]?.inserted_at ?? null) : null)
