import { Effect, Schema } from "effect"
import { Agent } from "../../identity/domain/agent.js"
import { ApiKey } from "../../identity/domain/api-key.js"
import type { Tenant } from "../../identity/domain/tenant.js"
import { Agents } from "../../identity/ports/agents.js"
import { ApiKeys } from "../../identity/ports/api-keys.js"
import { AgentId, ApiKeyId } from "../../kernel/domain/ids.js"
import { type Ids, freshId } from "../../kernel/ports/ids.js"
import { instant, within } from "./fixtures.js"

/** Object mothers for the access contracts: keys with unique hashes, agents with unique names. */

/** A hash no other fixture uses: two fresh uuids' hex digits. */
export const aKeyHash: Effect.Effect<string, never, Ids> = Effect.map(
  Effect.all([freshId(Schema.UUID), freshId(Schema.UUID)]),
  ([a, b]) => `${a}${b}`.replace(/-/g, "").toLowerCase(),
)

export const anApiKey = (
  tenant: Tenant | null,
  overrides: Partial<ApiKey> = {},
): Effect.Effect<ApiKey, never, Ids> =>
  Effect.gen(function* () {
    return new ApiKey({
      id: yield* freshId(ApiKeyId),
      tenant_id: tenant === null ? null : tenant.id,
      name: "contract key",
      key_prefix: "lc_abcde",
      key_hash: yield* aKeyHash,
      role: tenant === null ? "superadmin" : "user",
      agent_id: null,
      last_used_at: null,
      expires_at: null,
      revoked_at: null,
      inserted_at: instant(0),
      updated_at: instant(0),
      ...overrides,
    })
  })

export const anAgent = (tenant: Tenant, overrides: Partial<Agent> = {}): Effect.Effect<Agent, never, Ids> =>
  Effect.map(
    freshId(AgentId),
    (id) =>
      new Agent({
        id,
        tenant_id: tenant.id,
        name: `agent-${id.slice(0, 8)}`,
        agent_type: "implementer",
        status: "active",
        last_seen_at: null,
        metadata: {},
        inserted_at: instant(0),
        updated_at: instant(0),
        ...overrides,
      }),
  )

/** Stores keys of one tenant in its unit of work. */
export const storeKeys = (tenant: Tenant, keys: ReadonlyArray<ApiKey>) =>
  within(
    tenant.id,
    Effect.flatMap(ApiKeys, (repo) => Effect.forEach(keys, (key) => repo.insert(key), { discard: true })),
  )

/** Stores agents of one tenant in its unit of work. */
export const storeAgents = (tenant: Tenant, agents: ReadonlyArray<Agent>) =>
  within(
    tenant.id,
    Effect.flatMap(Agents, (repo) =>
      Effect.forEach(agents, (agent) => repo.insert(agent), { discard: true }),
    ),
  )
