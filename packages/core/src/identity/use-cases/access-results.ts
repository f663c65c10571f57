import type { Option } from "effect"
import type { TenantId } from "../../kernel/domain/ids.js"
import type { PageMeta } from "../../kernel/domain/page.js"
import type { Timestamp } from "../../kernel/domain/timestamp.js"
import type { AuditIntent } from "../../workflow/rules/lifecycle.js"
import type { Caller } from "../domain/actor.js"
import { type ApiKey, IssuedApiKey } from "../domain/api-key.js"
import type { Tenant } from "../domain/tenant.js"
import type { TenantCounts } from "../ports/tenants.js"
import type { RateDecision } from "../rules/rate-limit.js"

/** What the Access use cases answer, and the views and audit records they build. */

/**
 * The outcome of authentication: who calls, the tenant in scope (none for a platform superadmin),
 * and the request's count against the API rate limit when the authentication made it (none for a
 * caller exempt from the limits, and from an authenticator that leaves the counting to the edge).
 */
export interface Authenticated {
  readonly caller: Caller
  readonly tenant: Tenant | null
  readonly rate: Option.Option<RateDecision>
}

/** A new tenant and its first key, whose raw value is shown only now (D9). */
export interface ProvisionedTenant {
  readonly tenant: Tenant
  readonly api_key: IssuedApiKey
}

/** A rotation: the new key (raw value shown once) and when the old one stops working. */
export interface RotatedApiKey {
  readonly new_key: IssuedApiKey
  readonly old_key_expires_at: Timestamp
}

/** A row of the superadmin's tenant list. */
export interface TenantSummary {
  readonly id: TenantId
  readonly name: string
  readonly slug: string
  readonly email: string
  readonly status: Tenant["status"]
  readonly project_count: number
  readonly story_count: number
  readonly agent_count: number
  readonly api_key_count: number
  readonly inserted_at: Timestamp
}

/** One tenant as the superadmin sees it. */
export interface TenantDetail extends TenantCounts {
  readonly id: TenantId
  readonly name: string
  readonly slug: string
  readonly email: string
  readonly settings: Tenant["settings"]
  readonly status: Tenant["status"]
  readonly inserted_at: Timestamp
  readonly updated_at: Timestamp
}

/** One page of a list with its `meta`. */
export interface Listed<A> {
  readonly data: ReadonlyArray<A>
  readonly meta: PageMeta
}

/** The superadmin's view of one tenant. */
export const tenantDetail = (tenant: Tenant, counts: TenantCounts): TenantDetail => ({
  id: tenant.id,
  name: tenant.name,
  slug: tenant.slug,
  email: tenant.email,
  settings: tenant.settings,
  status: tenant.status,
  ...counts,
  inserted_at: tenant.inserted_at,
  updated_at: tenant.updated_at,
})

/** A key as handed out: the only moment its raw value is shown. */
export const issued = (key: ApiKey, raw_key: string) =>
  new IssuedApiKey({
    id: key.id,
    key_prefix: key.key_prefix,
    role: key.role,
    name: key.name,
    agent_id: key.agent_id,
    expires_at: key.expires_at,
    inserted_at: key.inserted_at,
    raw_key,
  })

/** What an audit entry says about a key: never its hash, never its raw value. */
export const keyState = (key: ApiKey) => ({
  name: key.name,
  role: key.role,
  key_prefix: key.key_prefix,
  agent_id: key.agent_id,
})

/** The audit intent of a key operation. */
export const keyAudit = (key: ApiKey, action: string, extra: Record<string, unknown> = {}): AuditIntent => ({
  entity_type: "api_key",
  entity_id: key.id,
  action,
  actor: "caller",
  old_state: null,
  new_state: { ...keyState(key), ...extra },
})

/** A row of the superadmin's tenant list. */
export const tenantSummary = (tenant: Tenant, counts: TenantCounts): TenantSummary => ({
  id: tenant.id,
  name: tenant.name,
  slug: tenant.slug,
  email: tenant.email,
  status: tenant.status,
  project_count: counts.project_count,
  story_count: counts.story_count,
  agent_count: counts.agent_count,
  api_key_count: counts.api_key_count,
  inserted_at: tenant.inserted_at,
})
