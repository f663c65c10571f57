import type { TenantStatus } from "./tenant.js"

/** Filters of the superadmin's tenant list (all optional). */
export interface TenantFilter {
  readonly status?: TenantStatus
  /** Case-insensitive substring of the name or the slug, taken literally (no wildcards). */
  readonly search?: string
}
