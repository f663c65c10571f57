import { Context, type Effect, type Option } from "effect"
import type { DuplicateKey } from "../../kernel/domain/duplicate-key.js"
import type { AgentId, ApiKeyId } from "../../kernel/domain/ids.js"
import type { Timestamp } from "../../kernel/domain/timestamp.js"
import type { ApiKey } from "../domain/api-key.js"
import type { RateCounts } from "../domain/rate-bucket.js"
import type { Tenant } from "../domain/tenant.js"

/**
 * The request as authentication counted it against the API limit (`Rules.RateLimit.apiLimit`):
 * the per-key limit it took from the tenant's settings, and the counts of its buckets.
 */
export interface CountedRequest {
  readonly perKeyLimit: number
  readonly counts: RateCounts
}

/** A key as authentication finds it, with its tenant (none for a superadmin key). */
export interface KeyInUse {
  readonly key: ApiKey
  readonly tenant: Option.Option<Tenant>
  /** The request's count against the API limit; none when it was not counted (see `use`). */
  readonly counted: Option.Option<CountedRequest>
}

/** Which keys a list shows. */
export interface ApiKeyListOptions {
  readonly include_revoked: boolean
}

/**
 * API keys, stored by hash only. Tenant keys live in their tenant's unit of work; superadmin
 * keys (no tenant) are written and found outside every unit of work. Authentication finds a
 * key by its hash before any tenant is known.
 */
export class ApiKeys extends Context.Tag("@loopctl/core/ApiKeys")<
  ApiKeys,
  {
    /**
     * Stores a key. Fails with DuplicateKey `key_hash` when a key has the hash, and with
     * `agent_role` when its agent already has a key of that role that is neither revoked nor
     * set to expire (for orchestrator and agent keys).
     */
    readonly insert: (key: ApiKey) => Effect.Effect<void, DuplicateKey>
    /**
     * Replaces the stored name, agent link, timestamps (`rotated_at` too) and revocation of a
     * key; its role, hash and `rotated_from` never change. Fails with DuplicateKey `agent_role`
     * as `insert` does.
     */
    readonly update: (key: ApiKey) => Effect.Effect<void, DuplicateKey>
    /** The key with this hash, whatever its tenant. Call it outside every unit of work. */
    readonly findByHash: (hash: string) => Effect.Effect<Option.Option<ApiKey>>
    /**
     * Authentication's single step, outside every unit of work: the key with this hash and its
     * tenant. When the key is neither revoked nor expired at `at`, its use is recorded: its
     * `last_used_at`, and the `last_seen_at` of the agent it is linked to, become `at` where
     * they are null or earlier than `staleBefore` (so a busy key is not written on every
     * request). The returned key carries what is stored afterwards.
     *
     * In the same step the request is counted against the API limit of the window starting at
     * `windowStart` (unix seconds), as the `RateLimits` port's `hit` counts it, in the buckets
     * `Rules.RateLimit.apiLimit` names with the tenant's `rate_limit_requests_per_minute`
     * (`tenantSettings`) — exactly when the request is let through to be limited: a usable key
     * that is not a superadmin key, of an active tenant. Any other request is not counted.
     * Doing both at once is what lets a store authenticate in one round trip.
     */
    readonly use: (
      hash: string,
      at: Timestamp,
      staleBefore: Timestamp,
      windowStart: number,
    ) => Effect.Effect<Option.Option<KeyInUse>>
    /** One key of the current tenant. */
    readonly findById: (id: ApiKeyId) => Effect.Effect<Option.Option<ApiKey>>
    /**
     * One key of the current tenant, held until the unit of work ends: another unit of work
     * asking for the same key waits, then reads what this one wrote (rotation decides on it).
     */
    readonly findForUpdate: (id: ApiKeyId) => Effect.Effect<Option.Option<ApiKey>>
    /** The current tenant's keys, newest first. */
    readonly list: (options: ApiKeyListOptions) => Effect.Effect<ReadonlyArray<ApiKey>>
    /** How many of the current tenant's keys are neither revoked nor expired at `at`. */
    readonly countActive: (at: Timestamp) => Effect.Effect<number>
    /** Marks a key of the current tenant revoked at `at` (again if it already was). */
    readonly revoke: (id: ApiKeyId, at: Timestamp) => Effect.Effect<Option.Option<ApiKey>>
    /**
     * Links a key of the current tenant to an agent, unless it is linked already: false then.
     * The store decides, so two registrations racing with one key cannot both succeed.
     */
    readonly linkAgent: (id: ApiKeyId, agent: AgentId, at: Timestamp) => Effect.Effect<boolean>
  }
>() {}
