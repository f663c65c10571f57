import type { TenantStatus } from "./tenant.js"

/** Filters of the superadmin's tenant list, as its query names them (each optional; undefined: no filter). */
export interface TenantFilter {
  readonly status?: TenantStatus | undefined
  /** Case-insensitive substring of the name or the slug, taken literally (no wildcards); not blank. */
  readonly search?: string | undefined
}
