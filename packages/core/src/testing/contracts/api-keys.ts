import { Effect, Option } from "effect"
import { ApiKey } from "../../identity/domain/api-key.js"
import { Agents } from "../../identity/ports/agents.js"
import { ApiKeys } from "../../identity/ports/api-keys.js"
import type { Tenants } from "../../identity/ports/tenants.js"
import { ApiKeyId } from "../../kernel/domain/ids.js"
import { type Ids, freshId } from "../../kernel/ports/ids.js"
import type { UnitOfWork } from "../../kernel/ports/unit-of-work.js"
import { aKeyHash, anAgent, anApiKey, storeAgents, storeKeys } from "./access-fixtures.js"
import {
  type ContractSuite,
  contractCase,
  expectEqual,
  expectFailure,
  expectNone,
  expectSome,
  expectTrue,
} from "./contract.js"
import { freshTenant, instant, within } from "./fixtures.js"

type Ports = ApiKeys | Agents | Tenants | UnitOfWork | Ids

const keys = ApiKeys

/** The start of an API rate window (a whole UTC minute, unix seconds) that use counts in. */
const aWindow = 60 * 30_000_000

const findKey = (tenantId: Parameters<typeof within>[0], id: ApiKeyId) =>
  within(
    tenantId,
    Effect.flatMap(keys, (repo) => repo.findById(id)),
  )

/** A tenant with an agent and an agent-role key linked to it. */
const tenantWithAgentKey = Effect.gen(function* () {
  const tenant = yield* freshTenant()
  const agent = yield* anAgent(tenant, { last_seen_at: instant(1) })
  yield* storeAgents(tenant, [agent])
  const key = yield* anApiKey(tenant, { role: "agent", agent_id: agent.id })
  yield* storeKeys(tenant, [key])
  return { tenant, agent, key }
})

/** The ApiKeys port: hash-only storage, lookup before the tenant is known, per-tenant lists, rules. */
export const apiKeysContract: ContractSuite<Ports> = {
  port: "ApiKeys",
  cases: [
    contractCase(
      "insert then findById returns every field",
      Effect.gen(function* () {
        const tenant = yield* freshTenant()
        const key = yield* anApiKey(tenant, {
          name: "Grüße key",
          role: "orchestrator",
          last_used_at: instant(5, 123_456),
          expires_at: instant(900, 1),
          inserted_at: instant(1, 999_999),
          updated_at: instant(2),
        })
        yield* storeKeys(tenant, [key])
        const found = yield* expectSome(yield* findKey(tenant.id, key.id), "the inserted key")
        yield* expectEqual(found, key, "key after a round-trip")
      }),
    ),
    contractCase(
      "a key is invisible to another tenant and to findById of an unknown id",
      Effect.gen(function* () {
        const a = yield* freshTenant()
        const b = yield* freshTenant()
        const key = yield* anApiKey(a)
        yield* storeKeys(a, [key])
        yield* expectNone(yield* findKey(b.id, key.id), "tenant A's key seen from tenant B")
        yield* expectNone(yield* findKey(a.id, yield* freshId(ApiKeyId)), "an unknown key")
        const listed = yield* within(
          b.id,
          Effect.flatMap(keys, (repo) => repo.list({ include_revoked: true })),
        )
        yield* expectEqual(listed, [], "tenant B's list")
      }),
    ),
    contractCase(
      "findByHash finds a tenant key and a superadmin key outside every unit of work",
      Effect.gen(function* () {
        const tenant = yield* freshTenant()
        const key = yield* anApiKey(tenant)
        yield* storeKeys(tenant, [key])
        const admin = yield* anApiKey(null, { name: "root" })
        const repo = yield* keys
        yield* repo.insert(admin)
        yield* expectEqual(yield* expectSome(yield* repo.findByHash(key.key_hash), "tenant key"), key, "key")
        yield* expectEqual(
          yield* expectSome(yield* repo.findByHash(admin.key_hash), "admin key"),
          admin,
          "admin",
        )
        yield* expectNone(yield* repo.findByHash(yield* aKeyHash), "an unknown hash")
      }),
    ),
    contractCase(
      "insert fails with DuplicateKey key_hash when the hash is taken, even across tenants",
      Effect.gen(function* () {
        const a = yield* freshTenant()
        const b = yield* freshTenant()
        const first = yield* anApiKey(a)
        yield* storeKeys(a, [first])
        const copy = yield* anApiKey(b, { key_hash: first.key_hash })
        const refused = yield* expectFailure(
          storeKeys(b, [copy]),
          "DuplicateKey",
          "a second key with one hash",
        )
        yield* expectEqual(refused.key, "key_hash", "the refused key")
        yield* expectNone(yield* findKey(b.id, copy.id), "the refused key")
      }),
    ),
    contractCase(
      "one active key per agent and role: a second fails with agent_role; revoked or expiring keys do not count",
      Effect.gen(function* () {
        const { tenant, agent, key } = yield* tenantWithAgentKey
        const second = yield* anApiKey(tenant, { role: "agent", agent_id: agent.id })
        const refused = yield* expectFailure(
          storeKeys(tenant, [second]),
          "DuplicateKey",
          "a second agent key",
        )
        yield* expectEqual(refused.key, "agent_role", "the rule that refused it")
        // Another role of the same agent is fine, and so are user keys.
        yield* storeKeys(tenant, [yield* anApiKey(tenant, { role: "orchestrator", agent_id: agent.id })])
        // Once the first key is set to expire (rotation), a new one may be stored.
        yield* within(
          tenant.id,
          Effect.flatMap(keys, (repo) => repo.update(new ApiKey({ ...key, expires_at: instant(3600) }))),
        )
        yield* storeKeys(tenant, [second])
        // Revoked keys do not count either.
        yield* within(
          tenant.id,
          Effect.flatMap(keys, (repo) => repo.revoke(second.id, instant(10))),
        )
        yield* storeKeys(tenant, [yield* anApiKey(tenant, { role: "agent", agent_id: agent.id })])
      }),
    ),
    contractCase(
      "update replaces name, link, times and revocation but never role or hash",
      Effect.gen(function* () {
        const { tenant, agent } = yield* tenantWithAgentKey
        const key = yield* anApiKey(tenant, { role: "orchestrator" })
        yield* storeKeys(tenant, [key])
        const changed = new ApiKey({
          ...key,
          name: "renamed",
          agent_id: agent.id,
          last_used_at: instant(7, 7),
          expires_at: instant(8, 8),
          revoked_at: instant(9, 9),
          updated_at: instant(10),
        })
        yield* within(
          tenant.id,
          Effect.flatMap(keys, (repo) => repo.update(changed)),
        )
        yield* expectEqual(
          yield* expectSome(yield* findKey(tenant.id, key.id), "key"),
          changed,
          "updated key",
        )
      }),
    ),
    contractCase(
      "a rotation's lineage is stored: the successor names its predecessor, update sets rotated_at",
      Effect.gen(function* () {
        const tenant = yield* freshTenant()
        const first = yield* anApiKey(tenant)
        const successor = yield* anApiKey(tenant, { rotated_from: first.id, inserted_at: instant(3) })
        yield* storeKeys(tenant, [first, successor])
        const rotated = new ApiKey({
          ...first,
          rotated_at: instant(3, 42),
          expires_at: instant(90),
          updated_at: instant(3),
        })
        yield* within(
          tenant.id,
          Effect.flatMap(keys, (repo) => repo.update(rotated)),
        )
        yield* expectEqual(
          yield* expectSome(yield* findKey(tenant.id, first.id), "key"),
          rotated,
          "rotated key",
        )
        yield* expectEqual(
          yield* expectSome(yield* findKey(tenant.id, successor.id), "successor"),
          successor,
          "successor",
        )
        const fresh = yield* expectSome(yield* findKey(tenant.id, first.id), "key")
        yield* expectEqual(fresh.rotated_from, null, "a created key's predecessor")
      }),
    ),
    contractCase(
      "findForUpdate returns the key and makes concurrent read-modify-write transactions run one after another",
      Effect.gen(function* () {
        const tenant = yield* freshTenant()
        const key = yield* anApiKey(tenant, { name: "0" })
        yield* storeKeys(tenant, [key])
        yield* expectNone(
          yield* within(
            tenant.id,
            Effect.flatMap(keys, (repo) =>
              repo.findForUpdate(ApiKeyId.make("00000000-0000-4000-8000-00000000dead")),
            ),
          ),
          "findForUpdate of an unknown key",
        )
        const bump = within(
          tenant.id,
          Effect.gen(function* () {
            const repo = yield* keys
            const current = yield* expectSome(yield* repo.findForUpdate(key.id), "the held key")
            // Give the other transactions every chance to read the same version.
            yield* Effect.yieldNow()
            yield* Effect.yieldNow()
            yield* repo.update(new ApiKey({ ...current, name: String(Number(current.name) + 1) }))
          }),
        )
        yield* Effect.all([bump, bump, bump, bump], { concurrency: "unbounded", discard: true })
        const found = yield* expectSome(yield* findKey(tenant.id, key.id), "the bumped key")
        yield* expectEqual(found.name, "4", "the name after four concurrent increments")
      }),
    ),
    contractCase(
      "list is newest first and shows revoked keys only on request; countActive skips revoked and expired",
      Effect.gen(function* () {
        const tenant = yield* freshTenant()
        const old = yield* anApiKey(tenant, { name: "old", inserted_at: instant(1) })
        const mid = yield* anApiKey(tenant, { name: "mid", inserted_at: instant(2), expires_at: instant(50) })
        const gone = yield* anApiKey(tenant, {
          name: "gone",
          inserted_at: instant(3),
          revoked_at: instant(4),
        })
        const fresh = yield* anApiKey(tenant, { name: "new", inserted_at: instant(5) })
        yield* storeKeys(tenant, [old, mid, gone, fresh])
        const names = (list: ReadonlyArray<ApiKey>) => list.map((k) => k.name)
        yield* within(
          tenant.id,
          Effect.gen(function* () {
            const repo = yield* keys
            yield* expectEqual(
              names(yield* repo.list({ include_revoked: false })),
              ["new", "mid", "old"],
              "list",
            )
            yield* expectEqual(
              names(yield* repo.list({ include_revoked: true })),
              ["new", "gone", "mid", "old"],
              "list with revoked",
            )
            yield* expectEqual(yield* repo.countActive(instant(49)), 3, "active before mid expires")
            yield* expectEqual(yield* repo.countActive(instant(50)), 2, "active once mid expired")
          }),
        )
      }),
    ),
    contractCase(
      "revoke sets revoked_at (again on a second call) and touches only the tenant's own keys",
      Effect.gen(function* () {
        const a = yield* freshTenant()
        const b = yield* freshTenant()
        const key = yield* anApiKey(a)
        yield* storeKeys(a, [key])
        const revoke = (tenant: typeof a, at: number) =>
          within(
            tenant.id,
            Effect.flatMap(keys, (repo) => repo.revoke(key.id, instant(at))),
          )
        yield* expectNone(yield* revoke(b, 5), "tenant B revoking tenant A's key")
        const untouched = yield* expectSome(yield* findKey(a.id, key.id), "tenant A's key")
        yield* expectEqual(untouched.revoked_at, null, "revoked_at after another tenant's revoke")
        const first = yield* expectSome(yield* revoke(a, 6), "the revoked key")
        yield* expectEqual(first.revoked_at, instant(6), "revoked_at")
        const again = yield* expectSome(yield* revoke(a, 7), "revoked twice")
        yield* expectEqual(again.revoked_at, instant(7), "revoked_at of the second call")
        yield* expectEqual(yield* expectSome(yield* findKey(a.id, key.id), "key"), again, "stored key")
      }),
    ),
    contractCase(
      "linkAgent links an unlinked key once and refuses a linked one",
      Effect.gen(function* () {
        const { tenant, agent } = yield* tenantWithAgentKey
        const other = yield* anAgent(tenant)
        yield* storeAgents(tenant, [other])
        const key = yield* anApiKey(tenant, { role: "agent" })
        yield* storeKeys(tenant, [key])
        const link = (target: typeof agent) =>
          within(
            tenant.id,
            Effect.flatMap(keys, (repo) => repo.linkAgent(key.id, target.id, instant(20))),
          )
        yield* expectEqual(yield* link(other), true, "the first link")
        yield* expectEqual(yield* link(agent), false, "a second link")
        const stored = yield* expectSome(yield* findKey(tenant.id, key.id), "key")
        yield* expectEqual(stored.agent_id, other.id, "the key's agent")
        yield* expectEqual(stored.updated_at, instant(20), "updated_at")
      }),
    ),
    contractCase(
      "use returns the key with its tenant and records the use of the key and of its agent",
      Effect.gen(function* () {
        const { tenant, agent, key } = yield* tenantWithAgentKey
        const repo = yield* keys
        const used = yield* expectSome(
          yield* repo.use(key.key_hash, instant(100), instant(99), aWindow),
          "the key in use",
        )
        yield* expectEqual(used.key, new ApiKey({ ...key, last_used_at: instant(100) }), "the key after use")
        yield* expectEqual(yield* expectSome(used.tenant, "its tenant"), tenant, "the key's tenant")
        const stored = yield* expectSome(yield* findKey(tenant.id, key.id), "the stored key")
        yield* expectEqual(stored.last_used_at, instant(100), "stored last_used_at")
        const seen = yield* within(
          tenant.id,
          Effect.flatMap(Agents, (repo) => repo.findById(agent.id)),
        )
        yield* expectEqual(
          Option.map(seen, (a) => a.last_seen_at),
          Option.some(instant(100)),
          "last_seen_at",
        )
        // A use within the resolution writes nothing; a later one does.
        const soon = yield* expectSome(
          yield* repo.use(key.key_hash, instant(100, 500), instant(99, 500), aWindow),
          "soon",
        )
        yield* expectEqual(soon.key.last_used_at, instant(100), "last_used_at within the resolution")
        const later = yield* expectSome(
          yield* repo.use(key.key_hash, instant(200), instant(199), aWindow),
          "later",
        )
        yield* expectEqual(later.key.last_used_at, instant(200), "last_used_at later")
      }),
    ),
    contractCase(
      "use of a revoked or expired key writes nothing; use of an unknown hash is none",
      Effect.gen(function* () {
        const tenant = yield* freshTenant()
        const revoked = yield* anApiKey(tenant, { revoked_at: instant(1) })
        const expired = yield* anApiKey(tenant, { expires_at: instant(50) })
        yield* storeKeys(tenant, [revoked, expired])
        const repo = yield* keys
        const a = yield* expectSome(
          yield* repo.use(revoked.key_hash, instant(100), instant(99), aWindow),
          "revoked",
        )
        yield* expectEqual(a.key, revoked, "the revoked key, untouched")
        yield* expectNone(a.counted, "the revoked key's request, counted")
        const b = yield* expectSome(
          yield* repo.use(expired.key_hash, instant(50), instant(49), aWindow),
          "expired",
        )
        yield* expectEqual(b.key, expired, "the expired key, untouched")
        yield* expectNone(b.counted, "the expired key's request, counted")
        yield* expectNone(
          yield* repo.use(yield* aKeyHash, instant(100), instant(99), aWindow),
          "an unknown hash",
        )
      }),
    ),
    contractCase(
      "use of a superadmin key has no tenant",
      Effect.gen(function* () {
        const admin = yield* anApiKey(null)
        const repo = yield* keys
        yield* repo.insert(admin)
        const used = yield* expectSome(
          yield* repo.use(admin.key_hash, instant(100), instant(99), aWindow),
          "admin key",
        )
        yield* expectNone(used.tenant, "the superadmin key's tenant")
        yield* expectNone(used.counted, "the superadmin key's request, counted")
        yield* expectEqual(used.key.last_used_at, instant(100), "last_used_at")
        const revived = new ApiKey({ ...used.key, name: "renamed root" })
        yield* repo.update(revived)
        yield* expectEqual(
          yield* expectSome(yield* repo.findByHash(admin.key_hash), "admin"),
          revived,
          "updated",
        )
      }),
    ),
    contractCase(
      "the key's tenant is reported as stored, whatever its status",
      Effect.gen(function* () {
        const tenant = yield* freshTenant({ status: "suspended" })
        const key = yield* anApiKey(tenant)
        yield* storeKeys(tenant, [key])
        const used = yield* expectSome(
          yield* (yield* keys).use(key.key_hash, instant(100), instant(99), aWindow),
          "key",
        )
        yield* expectEqual(yield* expectSome(used.tenant, "tenant"), tenant, "the suspended tenant")
        yield* expectTrue(used.key.last_used_at !== null, "the use of a usable key is recorded")
        yield* expectNone(used.counted, "the suspended tenant's request, counted")
      }),
    ),
    contractCase(
      "use counts a usable key's request against the API limit of its tenant's settings",
      Effect.gen(function* () {
        const tenant = yield* freshTenant({ settings: { rate_limit_requests_per_minute: 2 } })
        const key = yield* anApiKey(tenant)
        yield* storeKeys(tenant, [key])
        const repo = yield* keys
        const countOf = Effect.flatMap(repo.use(key.key_hash, instant(100), instant(99), aWindow), (found) =>
          expectSome(
            Option.flatMap(found, (f) => f.counted),
            "the count",
          ),
        )
        yield* expectEqual(yield* countOf, { perKeyLimit: 2, counts: [1, 1] }, "the first request")
        yield* expectEqual(yield* countOf, { perKeyLimit: 2, counts: [2, 2] }, "the second request")
        // Refused by the key's bucket: not counted in the tenant's (loopctl_rate_hit's rule).
        yield* expectEqual(yield* countOf, { perKeyLimit: 2, counts: [3] }, "the third request")
        for (const setting of ["lots", 0, 2.5, 100_001, null]) {
          const other = yield* freshTenant({ settings: { rate_limit_requests_per_minute: setting } })
          const otherKey = yield* anApiKey(other)
          yield* storeKeys(other, [otherKey])
          const used = yield* expectSome(
            yield* repo.use(otherKey.key_hash, instant(100), instant(99), aWindow),
            "key",
          )
          yield* expectEqual(
            used.counted,
            Option.some({ perKeyLimit: 300, counts: [1, 1] }),
            `the count with the setting ${JSON.stringify(setting)}`,
          )
        }
      }),
    ),
  ],
}
