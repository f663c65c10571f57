import type { Timestamp } from "../../kernel/domain/timestamp.js"

/** Filters of the audit list (all optional; uuid fields are valid uuids, `from`/`to` inclusive). */
export interface AuditFilter {
  /** Only meaningful in a platform transaction, where the list spans every tenant. */
  readonly tenant_id?: string
  readonly entity_type?: string
  readonly entity_id?: string
  readonly action?: string
  readonly actor_type?: string
  readonly actor_id?: string
  readonly project_id?: string
  readonly from?: Timestamp
  readonly to?: Timestamp
}

/** Filters of the change feed (all optional). */
export interface ChangeFilter {
  readonly entity_type?: string
  readonly action?: string
  readonly project_id?: string
  /**
   * Only entries of these entity types (none when empty): the caller's role scope (D24). Applied
   * by the store, so a batch's `limit` and `has_more` count only what the caller may see.
   */
  readonly entity_types?: ReadonlyArray<string>
}
