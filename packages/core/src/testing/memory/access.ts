import { Effect, HashMap, Layer, Option, Ref } from "effect"
import type { AgentSort } from "../../identity/domain/agent-filter.js"
import { Agent } from "../../identity/domain/agent.js"
import { ApiKey } from "../../identity/domain/api-key.js"
import type { Tenant } from "../../identity/domain/tenant.js"
import { Agents } from "../../identity/ports/agents.js"
import { ApiKeys } from "../../identity/ports/api-keys.js"
import { RateLimits } from "../../identity/ports/rate-limits.js"
import { type TenantCounts, Tenants } from "../../identity/ports/tenants.js"
import { apiLimitOf } from "../../identity/use-cases/rate-limiter.js"
import { DuplicateKey } from "../../kernel/domain/duplicate-key.js"
import { pageOf } from "../../kernel/domain/page.js"
import { MemoryStore, type Tables, tableAccess } from "./store.js"

/** Memory implementations of tenants, API keys and agents. */

const all = <A>(map: HashMap.HashMap<string, A>): ReadonlyArray<A> => Array.from(HashMap.values(map))

const duplicate = (entity: string, key: string) => Effect.fail(new DuplicateKey({ entity, key }))

const countsOf = (tables: Tables, id: string): TenantCounts => {
  const mine = <A extends { readonly tenant_id: string | null }>(map: HashMap.HashMap<string, A>) =>
    all(map).filter((row) => row.tenant_id === id)
  return {
    project_count: mine(tables.projects).length,
    epic_count: mine(tables.epics).length,
    story_count: mine(tables.stories).length,
    agent_count: mine(tables.agents).length,
    api_key_count: mine(tables.apiKeys).filter((key) => key.revoked_at === null).length,
  }
}

const byName = (a: Tenant, b: Tenant) => a.name.localeCompare(b.name) || a.id.localeCompare(b.id)

export const TenantsMemory = Layer.effect(
  Tenants,
  Effect.map(MemoryStore, (store) => {
    const db = tableAccess(store)
    /** Inside a tenant's unit of work only that tenant is visible, as under row-level security. */
    const visible = (tenant: Tenant) =>
      Effect.map(db.tenant, (current) => Option.isNone(current) || current.value === tenant.id)
    /** Which unique field of another tenant `tenant` would repeat: its slug, or its email (any case). */
    const takenBy = (tables: Tables, tenant: Tenant): Option.Option<"slug" | "email"> => {
      const others = all(tables.tenants).filter((other) => other.id !== tenant.id)
      if (others.some((other) => other.slug === tenant.slug)) return Option.some("slug")
      const email = tenant.email.toLowerCase()
      return others.some((other) => other.email.toLowerCase() === email)
        ? Option.some("email")
        : Option.none()
    }
    const findWhere = (match: (tenant: Tenant) => boolean): Effect.Effect<Option.Option<Tenant>> =>
      Effect.flatMap(
        db.read((t) => all(t.tenants).find(match)),
        (found) =>
          found === undefined
            ? Effect.succeed(Option.none())
            : Effect.map(visible(found), (ok) => (ok ? Option.some(found) : Option.none())),
      )
    return Tenants.of({
      // Tenants are global rows, created outside any tenant's scope.
      insert: (tenant) =>
        Effect.flatMap(Ref.get(store.tables), (tables) =>
          Option.match(
            HashMap.has(tables.tenants, tenant.id) ? Option.some("slug") : takenBy(tables, tenant),
            {
              onSome: (key) => duplicate("tenant", key),
              onNone: () =>
                Ref.update(store.tables, (t) => ({
                  ...t,
                  tenants: HashMap.set(t.tenants, tenant.id, tenant),
                })),
            },
          ),
        ),
      update: (tenant) =>
        Effect.flatMap(
          findWhere((row) => row.id === tenant.id),
          (found) =>
            Option.isNone(found)
              ? Effect.void
              : Effect.flatMap(Ref.get(store.tables), (tables) =>
                  Option.match(takenBy(tables, tenant), {
                    onSome: (key) => duplicate("tenant", key),
                    onNone: () =>
                      Ref.update(store.tables, (t) => ({
                        ...t,
                        tenants: HashMap.set(t.tenants, tenant.id, tenant),
                      })),
                  }),
                ),
        ),
      findById: (id) => findWhere((tenant) => tenant.id === id),
      findBySlug: (slug) => findWhere((tenant) => tenant.slug === slug),
      list: (filter, page) =>
        db.read((tables) => {
          const needle = filter.search?.toLowerCase()
          const matching = all(tables.tenants)
            .filter(
              (tenant) =>
                (filter.status === undefined || tenant.status === filter.status) &&
                (needle === undefined ||
                  tenant.name.toLowerCase().includes(needle) ||
                  tenant.slug.toLowerCase().includes(needle)),
            )
            .sort(byName)
          const found = pageOf(matching, page)
          return {
            items: found.items.map((tenant) => ({ tenant, counts: countsOf(tables, tenant.id) })),
            total_count: found.total_count,
          }
        }),
      counts: (id) => db.read((tables) => countsOf(tables, id)),
      stats: (activeSince) =>
        db.read((tables) => {
          const tenants = all(tables.tenants)
          const stories = all(tables.stories)
          const agents = all(tables.agents)
          const withStatus = (status: Tenant["status"]) => tenants.filter((t) => t.status === status).length
          const byAgent = (status: string) => stories.filter((s) => s.agent_status === status).length
          const byVerified = (status: string) => stories.filter((s) => s.verified_status === status).length
          return {
            total_tenants: tenants.length,
            tenants_active: withStatus("active"),
            tenants_suspended: withStatus("suspended"),
            tenants_deactivated: withStatus("deactivated"),
            total_projects: HashMap.size(tables.projects),
            total_epics: HashMap.size(tables.epics),
            total_stories: stories.length,
            total_agents: agents.length,
            total_api_keys: all(tables.apiKeys).filter((key) => key.revoked_at === null).length,
            stories_by_agent_status: {
              pending: byAgent("pending"),
              contracted: byAgent("contracted"),
              assigned: byAgent("assigned"),
              implementing: byAgent("implementing"),
              reported_done: byAgent("reported_done"),
            },
            stories_by_verified_status: {
              unverified: byVerified("unverified"),
              verified: byVerified("verified"),
              rejected: byVerified("rejected"),
            },
            active_stories: stories.filter((s) => s.agent_status === "implementing").length,
            active_agents: agents.filter(
              (a) => a.status === "active" && a.last_seen_at !== null && a.last_seen_at >= activeSince,
            ).length,
          }
        }),
    })
  }),
)

/** Whether two keys would both count as the agent's one active key of a role. */
const sameActiveAgentRole = (a: ApiKey, b: ApiKey) =>
  a.id !== b.id &&
  a.tenant_id === b.tenant_id &&
  a.agent_id !== null &&
  a.agent_id === b.agent_id &&
  a.role === b.role &&
  (a.role === "orchestrator" || a.role === "agent") &&
  a.revoked_at === null &&
  b.revoked_at === null &&
  a.expires_at === null &&
  b.expires_at === null

const newestFirst = (a: ApiKey, b: ApiKey) =>
  b.inserted_at.localeCompare(a.inserted_at) || b.id.localeCompare(a.id)

export const ApiKeysMemory = Layer.effect(
  ApiKeys,
  Effect.gen(function* () {
    const store = yield* MemoryStore
    const rateLimits = yield* RateLimits
    const db = tableAccess(store)
    const put =
      (key: ApiKey) =>
      (t: Tables): Tables => ({ ...t, apiKeys: HashMap.set(t.apiKeys, key.id, key) })
    /** Superadmin keys belong to no tenant: they are written outside every tenant's unit of work. */
    const writeKey = (key: ApiKey) =>
      key.tenant_id === null
        ? Effect.flatMap(db.tenant, (current) =>
            Option.isSome(current)
              ? Effect.dieMessage("memory store: a superadmin key written inside a tenant's unit of work")
              : Ref.update(store.tables, put(key)),
          )
        : Effect.flatMap(db.tenant, (current) =>
            Option.isSome(current) && current.value !== key.tenant_id
              ? Effect.dieMessage("memory store: a key written into another tenant")
              : db.write(put(key)),
          )
    const refused = (tables: Tables, key: ApiKey, fresh: boolean) => {
      const keys = all(tables.apiKeys)
      if (fresh && keys.some((other) => other.key_hash === key.key_hash)) return Option.some("key_hash")
      return keys.some((other) => sameActiveAgentRole(other, key)) ? Option.some("agent_role") : Option.none()
    }
    const save = (key: ApiKey, fresh: boolean) =>
      Effect.flatMap(Ref.get(store.tables), (tables) =>
        Option.match(refused(tables, key, fresh), {
          onSome: (reason) => duplicate("api_key", reason),
          onNone: () => writeKey(key),
        }),
      )
    const visibleKey = (id: string) =>
      Effect.flatMap(db.tenant, (current) =>
        Option.isNone(current)
          ? db.read((t) => Option.filter(HashMap.get(t.apiKeys, id), (key) => key.tenant_id === null))
          : db.row((t) => t.apiKeys, id),
      )
    return ApiKeys.of({
      insert: (key) => save(key, true),
      update: (key) =>
        Effect.flatMap(visibleKey(key.id), (found) =>
          Option.isNone(found)
            ? Effect.void
            : save(new ApiKey({ ...key, role: found.value.role, key_hash: found.value.key_hash }), false),
        ),
      findByHash: (hash) =>
        db.read((t) => Option.fromNullable(all(t.apiKeys).find((k) => k.key_hash === hash))),
      use: (hash, at, staleBefore, windowStart) =>
        Effect.gen(function* () {
          const tables = yield* Ref.get(store.tables)
          const found = all(tables.apiKeys).find((k) => k.key_hash === hash)
          if (found === undefined) return Option.none()
          const usable = found.revoked_at === null && (found.expires_at === null || found.expires_at > at)
          const stale = (value: string | null) => value === null || value < staleBefore
          const key = usable && stale(found.last_used_at) ? new ApiKey({ ...found, last_used_at: at }) : found
          const agent = Option.filter(
            found.agent_id === null ? Option.none() : HashMap.get(tables.agents, found.agent_id),
            (linked) => usable && linked.tenant_id === found.tenant_id && stale(linked.last_seen_at),
          )
          const touched = Option.map(agent, (linked) => new Agent({ ...linked, last_seen_at: at }))
          yield* Ref.update(store.tables, (t) => ({
            ...t,
            apiKeys: HashMap.set(t.apiKeys, key.id, key),
            agents: Option.match(touched, {
              onNone: () => t.agents,
              onSome: (seen) => HashMap.set(t.agents, seen.id, seen),
            }),
          }))
          const tenant =
            found.tenant_id === null ? Option.none() : HashMap.get(tables.tenants, found.tenant_id)
          // Counted as the port says: a usable key, not a superadmin's, of an active tenant.
          const limited = Option.filter(
            tenant,
            (owner) => usable && found.role !== "superadmin" && owner.status === "active",
          )
          const counted = yield* Effect.transposeOption(
            Option.map(limited, (owner) => {
              const limit = apiLimitOf(found.id, owner)
              return Effect.map(rateLimits.hit(limit.buckets, windowStart), (counts) => ({
                perKeyLimit: limit.buckets[0]?.limit ?? 0,
                counts,
              }))
            }),
          )
          return Option.some({ key, tenant, counted })
        }),
      findById: (id) => db.row((t) => t.apiKeys, id),
      // The memory store runs one unit of work at a time, so every read is already held.
      findForUpdate: (id) => db.row((t) => t.apiKeys, id),
      list: (options) =>
        Effect.map(
          db.rows((t) => t.apiKeys),
          (keys) =>
            keys.filter((key) => options.include_revoked || key.revoked_at === null).sort(newestFirst),
        ),
      countActive: (at) =>
        Effect.map(
          db.rows((t) => t.apiKeys),
          (keys) =>
            keys.filter((key) => key.revoked_at === null && (key.expires_at === null || key.expires_at > at))
              .length,
        ),
      revoke: (id, at) =>
        Effect.flatMap(
          db.row((t) => t.apiKeys, id),
          (found) =>
            Option.isNone(found)
              ? Effect.succeed(found)
              : Effect.as(
                  db.write(put(new ApiKey({ ...found.value, revoked_at: at, updated_at: at }))),
                  Option.some(new ApiKey({ ...found.value, revoked_at: at, updated_at: at })),
                ),
        ),
      linkAgent: (id, agent, at) =>
        Effect.flatMap(
          db.row((t) => t.apiKeys, id),
          (found) =>
            Option.isNone(found) || found.value.agent_id !== null
              ? Effect.succeed(false)
              : Effect.as(
                  db.write(put(new ApiKey({ ...found.value, agent_id: agent, updated_at: at }))),
                  true,
                ),
        ),
    })
  }),
)

/** Compares two agents on one field; a null last_seen_at sorts last, as Postgres orders NULLs ascending. */
const compareOn =
  (field: AgentSort) =>
  (a: Agent, b: Agent): number => {
    const x = a[field]
    const y = b[field]
    if (x === y) return 0
    if (x === null) return 1
    if (y === null) return -1
    return field === "name" ? x.localeCompare(y) : x < y ? -1 : 1
  }

export const AgentsMemory = Layer.effect(
  Agents,
  Effect.map(MemoryStore, (store) => {
    const db = tableAccess(store)
    return Agents.of({
      insert: (agent) =>
        Effect.flatMap(
          db.rows((t) => t.agents),
          (rows) =>
            rows.some((other) => other.name === agent.name && other.tenant_id === agent.tenant_id)
              ? duplicate("agent", "name")
              : db.write((t) => ({ ...t, agents: HashMap.set(t.agents, agent.id, agent) })),
        ),
      findById: (id) => db.row((t) => t.agents, id),
      findByName: (name) =>
        Effect.map(
          db.rows((t) => t.agents),
          (rows) => Option.fromNullable(rows.find((a) => a.name === name)),
        ),
      findByApiKey: (key) =>
        Effect.flatMap(
          db.row((t) => t.apiKeys, key),
          (found) => {
            const agent = Option.flatMap(found, (k) => Option.fromNullable(k.agent_id))
            return Option.isNone(agent) ? Effect.succeed(Option.none()) : db.row((t) => t.agents, agent.value)
          },
        ),
      list: (filter, page) =>
        Effect.map(
          db.rows((t) => t.agents),
          (rows) =>
            pageOf(
              rows
                .filter(
                  (a) =>
                    (filter.agent_type === undefined || a.agent_type === filter.agent_type) &&
                    (filter.status === undefined || a.status === filter.status),
                )
                .sort((a, b) => compareOn(filter.sort_by)(a, b) || a.id.localeCompare(b.id)),
              page,
            ),
        ),
    })
  }),
)
