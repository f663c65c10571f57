/**
 * The most a tenant may set for itself in its settings: the operator's ceiling on what a tenant's
 * own user key can raise (its rate limit, its project allowance). The superadmin is not held to
 * it; that is how an operator grants one tenant more.
 */
export interface TenantSettingMaxima {
  readonly rate_limit_requests_per_minute: number
  readonly max_projects: number
}

/** The maxima when the platform configures none. */
export const defaultTenantSettingMaxima: TenantSettingMaxima = {
  rate_limit_requests_per_minute: 10_000,
  max_projects: 1_000,
}
