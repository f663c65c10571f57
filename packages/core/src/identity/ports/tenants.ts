import { Context, type Effect, type Option } from "effect"
import type { DuplicateKey } from "../../kernel/domain/duplicate-key.js"
import type { TenantId } from "../../kernel/domain/ids.js"
import type { PageRequest, Paged } from "../../kernel/domain/page.js"
import type { Timestamp } from "../../kernel/domain/timestamp.js"
import type { AgentStatus, VerifiedStatus } from "../../work/domain/status.js"
import type { TenantFilter } from "../domain/tenant-filter.js"
import type { Tenant } from "../domain/tenant.js"

/** How much a tenant holds, for the superadmin's views. `api_key_count` counts non-revoked keys. */
export interface TenantCounts {
  readonly project_count: number
  readonly epic_count: number
  readonly story_count: number
  readonly agent_count: number
  readonly api_key_count: number
}

/** A tenant with its counts. */
export interface TenantOverview {
  readonly tenant: Tenant
  readonly counts: TenantCounts
}

/** Figures about the whole installation (GET /admin/stats). Every status key is present. */
export interface PlatformStats {
  readonly total_tenants: number
  readonly tenants_active: number
  readonly tenants_suspended: number
  readonly tenants_deactivated: number
  readonly total_projects: number
  readonly total_epics: number
  readonly total_stories: number
  readonly total_agents: number
  /** Non-revoked keys, superadmin keys included. */
  readonly total_api_keys: number
  readonly stories_by_agent_status: Readonly<Record<AgentStatus, number>>
  readonly stories_by_verified_status: Readonly<Record<VerifiedStatus, number>>
  /** Stories being implemented right now. */
  readonly active_stories: number
  /** Agents with status `active` seen at or after `activeSince`. */
  readonly active_agents: number
}

/**
 * Tenants are global rows (not tenant-scoped). Inside a tenant's unit of work only that tenant
 * is visible; outside every unit of work (authentication, the superadmin) every tenant is.
 */
export class Tenants extends Context.Tag("@loopctl/core/Tenants")<
  Tenants,
  {
    /** Fails with DuplicateKey `slug` when another tenant has the slug. */
    readonly insert: (tenant: Tenant) => Effect.Effect<void, DuplicateKey>
    /** Replaces the stored fields. Fails with DuplicateKey `slug` when another tenant has the slug. */
    readonly update: (tenant: Tenant) => Effect.Effect<void, DuplicateKey>
    readonly findById: (id: TenantId) => Effect.Effect<Option.Option<Tenant>>
    readonly findBySlug: (slug: string) => Effect.Effect<Option.Option<Tenant>>
    /** Every tenant matching the filter with its counts, ordered by name then id (superadmin). */
    readonly list: (filter: TenantFilter, page: PageRequest) => Effect.Effect<Paged<TenantOverview>>
    /** The counts of one tenant (zeros for an unknown id). */
    readonly counts: (id: TenantId) => Effect.Effect<TenantCounts>
    /** Figures across every tenant; `activeSince` bounds `active_agents`. */
    readonly stats: (activeSince: Timestamp) => Effect.Effect<PlatformStats>
  }
>() {}
