import { BadRequest } from "../../kernel/domain/errors.js"
import type { PageDefaults, PageParameters } from "../../kernel/domain/page.js"
import { timeProblem } from "../../kernel/domain/query-parameters.js"
import type { Timestamp } from "../../kernel/domain/timestamp.js"
import type { AuditActorType } from "./audit-entry.js"

/**
 * The query parameters of the audit endpoints (platform.md §9.3–§9.5) as the contract decodes
 * them: uuid filters are lower-cased uuids, times are instants with a zone, numbers are whole.
 * Blank values are not given. What a refused value answers is the contract's.
 */

/** The filters the tenant's and the superadmin's audit lists share. */
export interface AuditFilterQuery {
  readonly entity_type?: string | undefined
  readonly entity_id?: string | undefined
  readonly action?: string | undefined
  readonly actor_type?: AuditActorType | undefined
  readonly actor_id?: string | undefined
  readonly from?: Timestamp | undefined
  readonly to?: Timestamp | undefined
}

/** `GET /audit`: equality filters, an inclusive time range and the page. */
export interface AuditQuery extends AuditFilterQuery, PageParameters {
  readonly project_id?: string | undefined
}

/** `GET /admin/audit`: the tenant list's filters but `project_id`, plus the tenant. */
export interface PlatformAuditQuery extends AuditFilterQuery, PageParameters {
  readonly tenant_id?: string | undefined
}

/** `GET /changes`: the cursor (required), the batch size and three equality filters. */
export interface ChangesQuery {
  readonly since: Timestamp
  /** At least 1. */
  readonly limit?: number | undefined
  readonly project_id?: string | undefined
  readonly entity_type?: string | undefined
  readonly action?: string | undefined
}

/** `GET /stories/:id/history`: only the page. */
export type HistoryQuery = PageParameters

/** The audit list's page: 20 by default, at most 100. */
export const AUDIT_PAGE: PageDefaults = { page_size: 20, max: 100 }

/** A story history's page: 100 by default, at most 100. */
export const HISTORY_PAGE: PageDefaults = { page_size: 100, max: 100 }

/** The change feed's batch size when none is asked for, and its cap. */
export const CHANGES_LIMIT = 1000

/** `since` is missing (or blank). */
export const sinceRequired = () => new BadRequest({ message: "The 'since' parameter is required" })

/** `since` is not an ISO-8601 instant with a zone. */
export const sinceInvalid = () =>
  new BadRequest({
    message: "Invalid timestamp format for 'since'. Expected ISO8601 (e.g., 2026-01-01T00:00:00Z)",
    details: { since: [timeProblem] },
  })
