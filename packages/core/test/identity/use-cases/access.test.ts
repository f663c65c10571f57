import { describe, expect, it } from "@effect/vitest"
import { Effect, Either, Option, TestClock } from "effect"
import { AuditLog } from "../../../src/audit/ports/audit-log.js"
import { Outbox } from "../../../src/events/ports/outbox.js"
import { type Actor, type Caller, PlatformActor } from "../../../src/identity/domain/actor.js"
import { AgentRegistration } from "../../../src/identity/domain/agent-commands.js"
import { ApiKeyCreation, ApiKeyRotation } from "../../../src/identity/domain/api-key-commands.js"
import { ApiKey, type IssuedApiKey } from "../../../src/identity/domain/api-key.js"
import { TenantCreation, TenantPatch } from "../../../src/identity/domain/tenant-commands.js"
import { IdentityActions } from "../../../src/identity/policy/identity-actions.js"
import { ApiKeys } from "../../../src/identity/ports/api-keys.js"
import { Secrets } from "../../../src/identity/ports/secrets.js"
import { requireTenantScope } from "../../../src/identity/rules/access.js"
import { Access } from "../../../src/identity/use-cases/access.js"
import type { LoopctlError } from "../../../src/kernel/domain/errors.js"
import { type AgentId, ApiKeyId, TenantId } from "../../../src/kernel/domain/ids.js"
import { UnitOfWork } from "../../../src/kernel/ports/unit-of-work.js"
import { MemoryLoopctl } from "../../../src/testing/memory/index.js"
import { commandOf } from "../../fixtures/commands.js"
import { performAs } from "../../fixtures/perform-as.js"

/** Bodies as the contract decodes them before a use case sees them. */
const keyCommand = commandOf(ApiKeyCreation)
const rotationCommand = commandOf(ApiKeyRotation)
const agentCommand = commandOf(AgentRegistration)
const tenantCommand = commandOf(TenantCreation)
const patchCommand = commandOf(TenantPatch)
import { errorEnvelope } from "../../fixtures/wire-status.js"

const ROOT_KEY = "root-key-for-the-access-tests"
const page = { page: 1, page_size: 20 }

/** The error envelope of a failing effect, or `{status: 200}` when it succeeds. */
const failure = <A, R>(effect: Effect.Effect<A, LoopctlError, R>) =>
  Effect.map(Effect.either(effect), (outcome) =>
    Either.match(outcome, { onLeft: (e) => errorEnvelope(e).error, onRight: () => ({ status: 200 }) }),
  )

const authenticate = (raw: string, impersonate?: string, effectiveRole?: string) =>
  Effect.flatMap(Access, (access) => access.authenticate(raw, impersonate, effectiveRole))

/** The tenant actor of a raw key (fails the test when the key is a platform superadmin). */
const actorOf = (raw: string, impersonate?: string, effectiveRole?: string) =>
  Effect.flatMap(authenticate(raw, impersonate, effectiveRole), ({ caller }) => requireTenantScope(caller))

const inTenant = <A, E, R>(tenant: TenantId, work: Effect.Effect<A, E, R>) =>
  Effect.flatMap(UnitOfWork, (uow) => uow.transact(tenant, work))

const auditOf = (tenant: TenantId) =>
  inTenant(
    tenant,
    Effect.map(
      Effect.flatMap(AuditLog, (log) => log.list({}, { page: 1, page_size: 100 })),
      (found) => found.items,
    ),
  )

/** A superadmin, and a tenant "acme" made by it with its first user key. */
const platform = Effect.gen(function* () {
  const access = yield* Access
  yield* access.bootstrapSuperadmin(ROOT_KEY)
  const root: Caller = (yield* authenticate(ROOT_KEY)).caller
  const made = yield* performAs(
    root,
    IdentityActions.createTenant,
  )(access.createTenant({ name: "Acme", slug: "acme", email: "ops@acme.dev" }))
  const user = yield* actorOf(made.api_key.raw_key)
  return { access, root, tenant: made.tenant, firstKey: made.api_key, user }
})

/** A key of `role` in the user's tenant, and its actor. */
const keyFor = (user: Actor, role: "user" | "orchestrator" | "agent", body: Record<string, unknown> = {}) =>
  Effect.gen(function* () {
    const access = yield* Access
    const command = yield* keyCommand({ name: `${role}-key`, role, ...body })
    const issued: IssuedApiKey = yield* performAs(
      user,
      IdentityActions.createApiKey,
    )(access.createApiKey(command))
    return { issued, actor: yield* actorOf(issued.raw_key) }
  })

/** An agent registered with a fresh agent key. */
const registered = (user: Actor, name: string, agent_type = "implementer") =>
  Effect.gen(function* () {
    const { issued, actor } = yield* keyFor(user, "agent")
    const agent = yield* performAs(
      actor,
      IdentityActions.registerAgent,
    )((yield* Access).registerAgent(yield* agentCommand({ name, agent_type })))
    return { agent, issued, actor: yield* actorOf(issued.raw_key) }
  })

describe("superadmin bootstrap (D8)", () => {
  it.effect("is idempotent and stores only the hash of the configured key", () =>
    Effect.gen(function* () {
      const access = yield* Access
      const first = yield* access.bootstrapSuperadmin(ROOT_KEY)
      const second = yield* access.bootstrapSuperadmin(ROOT_KEY)
      expect([first.created, second.created]).toEqual([true, false])
      expect(second.api_key.id).toBe(first.api_key.id)
      const { caller, tenant } = yield* authenticate(ROOT_KEY)
      expect(caller).toBeInstanceOf(PlatformActor)
      expect(tenant).toBeNull()
      const stored = yield* expectStored(ROOT_KEY)
      expect(stored.key_hash).toBe(yield* (yield* Secrets).hashApiKey(ROOT_KEY))
      expect(Object.values(stored).includes(ROOT_KEY)).toBe(false)
      expect(stored.key_prefix).toBe(ROOT_KEY.slice(0, 8))
    }).pipe(Effect.provide(MemoryLoopctl)),
  )

  it.effect("refuses a short key, and makes a revoked superadmin key usable again", () =>
    Effect.gen(function* () {
      const access = yield* Access
      expect((yield* failure(access.bootstrapSuperadmin("short"))).status).toBe(422)
      yield* access.bootstrapSuperadmin(ROOT_KEY)
      const stored = yield* expectStored(ROOT_KEY)
      yield* (yield* ApiKeys).update(new ApiKey({ ...stored, revoked_at: stored.inserted_at }))
      expect(yield* failure(authenticate(ROOT_KEY))).toEqual({ status: 401, message: "Invalid API key" })
      expect((yield* access.bootstrapSuperadmin(ROOT_KEY)).created).toBe(false)
      expect((yield* authenticate(ROOT_KEY)).caller).toBeInstanceOf(PlatformActor)
    }).pipe(Effect.provide(MemoryLoopctl)),
  )
})

const expectStored = (raw: string) =>
  Effect.gen(function* () {
    const hash = yield* (yield* Secrets).hashApiKey(raw)
    const found = yield* (yield* ApiKeys).findByHash(hash)
    if (Option.isNone(found)) throw new Error("the key is not stored")
    return found.value
  })

describe("tenant creation (D9)", () => {
  it.effect("a superadmin creates a tenant and its default user key, audited, in one go", () =>
    Effect.gen(function* () {
      const { tenant, firstKey, user, root } = yield* platform
      expect(tenant).toMatchObject({
        name: "Acme",
        slug: "acme",
        email: "ops@acme.dev",
        status: "active",
        settings: {},
      })
      expect(firstKey).toMatchObject({ role: "user", name: "default" })
      expect(firstKey.raw_key).toMatch(/^lc_[A-Za-z0-9_-]{40}$/)
      expect(firstKey.key_prefix).toBe(firstKey.raw_key.slice(0, 8))
      expect(user).toMatchObject({ tenant_id: tenant.id, role: "user", api_key_id: firstKey.id })
      const audit = yield* auditOf(tenant.id)
      expect(audit.map((e) => `${e.entity_type}/${e.action}`).sort()).toEqual([
        "api_key/created",
        "tenant/tenant_created",
      ])
      const rootKey = root instanceof PlatformActor ? root : undefined
      expect(audit.every((e) => e.actor_type === "superadmin" && e.actor_id === rootKey?.api_key_id)).toBe(
        true,
      )
      expect(audit[0]?.actor_label).toBe("superadmin:superadmin")
      expect(JSON.stringify(audit)).not.toContain(firstKey.raw_key)
    }).pipe(Effect.provide(MemoryLoopctl)),
  )

  it.effect("requires a superadmin, the three fields, and a free slug (409)", () =>
    Effect.gen(function* () {
      const { access, root, user } = yield* platform
      expect(
        yield* failure(
          performAs(
            user,
            IdentityActions.createTenant,
          )(access.createTenant({ name: "B", slug: "b2", email: "b@b.dev" })),
        ),
      ).toEqual({
        status: 403,
        message: "This endpoint requires the superadmin role",
      })
      expect(
        yield* failure(
          Effect.flatMap(tenantCommand({ name: " " }), (c) =>
            performAs(root, IdentityActions.createTenant)(access.createTenant(c)),
          ),
        ),
      ).toMatchObject({
        status: 422,
        details: { name: ["can't be blank"], slug: ["can't be blank"], email: ["can't be blank"] },
      })
      expect(
        yield* failure(
          performAs(
            root,
            IdentityActions.createTenant,
          )(access.createTenant({ name: "Twin", slug: "acme", email: "t@t.dev" })),
        ),
      ).toEqual({
        status: 409,
        message: "Slug already taken",
      })
      const listed = yield* performAs(root, IdentityActions.listTenants)(access.listTenants({}, page))
      expect(listed.meta.total_count).toBe(1)
    }).pipe(Effect.provide(MemoryLoopctl)),
  )
})

describe("authentication", () => {
  it.effect("unknown, empty, revoked and expired keys are 401; the use of a key is recorded", () =>
    Effect.gen(function* () {
      const { access, user, tenant } = yield* platform
      expect(yield* failure(authenticate("lc_bogus"))).toEqual({ status: 401, message: "Invalid API key" })
      expect(yield* failure(authenticate("  "))).toEqual({ status: 401, message: "Invalid API key" })
      // D26: an expiry already past is refused; a key reaches its expiry as the clock moves on.
      expect(
        yield* failure(
          Effect.flatMap(
            keyCommand({ name: "old", role: "agent", expires_at: "1969-01-01T00:00:00Z" }),
            (c) => performAs(user, IdentityActions.createApiKey)(access.createApiKey(c)),
          ),
        ),
      ).toMatchObject({ status: 422, details: { expires_at: ["must be in the future"] } })
      const expired = yield* performAs(
        user,
        IdentityActions.createApiKey,
      )(
        access.createApiKey(
          yield* keyCommand({ name: "old", role: "agent", expires_at: "1970-01-01T01:00:00Z" }),
        ),
      )
      yield* TestClock.adjust("2 hours")
      expect(yield* failure(authenticate(expired.raw_key))).toEqual({
        status: 401,
        message: "Invalid API key",
      })
      const { issued } = yield* keyFor(user, "orchestrator")
      yield* performAs(user, IdentityActions.revokeApiKey)(access.revokeApiKey(issued.id))
      expect(yield* failure(authenticate(issued.raw_key))).toEqual({
        status: 401,
        message: "Invalid API key",
      })
      const keys = yield* performAs(
        user,
        IdentityActions.listApiKeys,
      )(access.listApiKeys({ include_revoked: true }))
      expect(keys.find((k) => k.id === user.api_key_id)?.last_used_at).not.toBeNull()
      expect((yield* authenticate(issued.raw_key).pipe(Effect.either))._tag).toBe("Left")
      expect(tenant.status).toBe("active")
    }).pipe(Effect.provide(MemoryLoopctl)),
  )

  it.effect("a suspended tenant's keys get 403 Access denied until it is activated again", () =>
    Effect.gen(function* () {
      const { access, root, tenant, firstKey } = yield* platform
      const suspended = yield* performAs(root, IdentityActions.suspendTenant)(access.suspendTenant(tenant.id))
      expect(suspended.status).toBe("suspended")
      expect(yield* failure(authenticate(firstKey.raw_key))).toEqual({
        status: 403,
        message: "Access denied",
      })
      expect(
        yield* failure(performAs(root, IdentityActions.suspendTenant)(access.suspendTenant(tenant.id))),
      ).toEqual({
        status: 422,
        message: "Tenant is already suspended",
      })
      // The superadmin can still impersonate a suspended tenant.
      expect((yield* actorOf(ROOT_KEY, tenant.id)).tenant_id).toBe(tenant.id)
      yield* performAs(root, IdentityActions.activateTenant)(access.activateTenant(tenant.id))
      expect((yield* actorOf(firstKey.raw_key)).tenant_id).toBe(tenant.id)
      expect(
        yield* failure(performAs(root, IdentityActions.activateTenant)(access.activateTenant(tenant.id))),
      ).toEqual({
        status: 422,
        message: "Tenant is already active",
      })
      const actions = (yield* auditOf(tenant.id)).map((e) => e.action)
      expect(actions).toEqual(expect.arrayContaining(["tenant_suspended", "tenant_activated"]))
    }).pipe(Effect.provide(MemoryLoopctl)),
  )

  it.effect("impersonation: superadmin only, uuid of an existing tenant, effective role, D21", () =>
    Effect.gen(function* () {
      const { access, root, tenant, user } = yield* platform
      const other = yield* performAs(
        root,
        IdentityActions.createTenant,
      )(access.createTenant({ name: "Other", slug: "other", email: "o@o.dev" }))
      const acting = yield* actorOf(ROOT_KEY, tenant.id)
      expect(acting).toMatchObject({ tenant_id: tenant.id, role: "superadmin", agent_id: null })
      expect(acting.label).toBe("superadmin:impersonating:acme")
      expect((yield* actorOf(ROOT_KEY, tenant.id, "agent")).role).toBe("agent")
      expect((yield* actorOf(ROOT_KEY, tenant.id, "superadmin")).role).toBe("superadmin")
      expect(yield* failure(authenticate(ROOT_KEY, "not-a-uuid"))).toEqual({
        status: 404,
        message: "Tenant not found",
      })
      expect(yield* failure(authenticate(ROOT_KEY, "00000000-0000-4000-8000-000000000000"))).toEqual({
        status: 404,
        message: "Tenant not found",
      })
      // Other roles: the header is silently ignored.
      expect((yield* actorOf(other.api_key.raw_key, tenant.id)).tenant_id).toBe(other.tenant.id)
      // D21: without the header a superadmin has no tenant scope.
      expect(yield* failure(actorOf(ROOT_KEY))).toEqual({
        status: 403,
        message: "Superadmin must use X-Impersonate-Tenant header",
      })
      // An impersonated write is attributed to the superadmin, with the impersonation in metadata.
      const made = yield* performAs(
        acting,
        IdentityActions.createApiKey,
      )(access.createApiKey({ name: "via-admin", role: "orchestrator" }))
      const entry = (yield* auditOf(tenant.id)).find((e) => e.entity_id === made.id)
      expect(entry).toMatchObject({
        actor_type: "superadmin",
        actor_id: acting.api_key_id,
        actor_label: "superadmin:impersonating:acme",
        metadata: { impersonated_by: acting.api_key_id, effective_role: null },
      })
      expect((yield* performAs(acting, IdentityActions.showTenant)(access.getTenant())).id).toBe(tenant.id)
      expect((yield* performAs(user, IdentityActions.showTenant)(access.getTenant())).id).toBe(tenant.id)
    }).pipe(Effect.provide(MemoryLoopctl)),
  )
})

describe("API keys", () => {
  it.effect("create, list (no hash, no raw key), revoke and the spec's refusals", () =>
    Effect.gen(function* () {
      const { access, user, tenant } = yield* platform
      yield* TestClock.adjust("1 second")
      const made = yield* performAs(
        user,
        IdentityActions.createApiKey,
      )(access.createApiKey({ name: "w1", role: "agent" }))
      expect(made).toMatchObject({ name: "w1", role: "agent", agent_id: null, expires_at: null })
      expect(made.raw_key).toMatch(/^lc_[A-Za-z0-9_-]{40}$/)
      const listed = yield* performAs(
        user,
        IdentityActions.listApiKeys,
      )(access.listApiKeys({ include_revoked: false }))
      expect(listed.map((k) => k.name)).toEqual(["w1", "default"])
      expect(JSON.stringify(listed)).not.toMatch(/raw_key|key_hash/)
      expect(
        yield* failure(
          performAs(
            user,
            IdentityActions.createApiKey,
          )(access.createApiKey({ name: "x", role: "superadmin" })),
        ),
      ).toEqual({
        status: 403,
        message: "Forbidden",
      })
      expect(
        yield* failure(
          Effect.flatMap(keyCommand({ role: "agent" }), (c) =>
            performAs(user, IdentityActions.createApiKey)(access.createApiKey(c)),
          ),
        ),
      ).toMatchObject({
        status: 422,
        details: { name: ["can't be blank"] },
      })
      const revoked = yield* performAs(user, IdentityActions.revokeApiKey)(access.revokeApiKey(made.id))
      expect(revoked.revoked_at).not.toBeNull()
      expect(
        (yield* performAs(
          user,
          IdentityActions.listApiKeys,
        )(access.listApiKeys({ include_revoked: false }))).map((k) => k.name),
      ).toEqual(["default"])
      expect(
        (yield* performAs(
          user,
          IdentityActions.listApiKeys,
        )(access.listApiKeys({ include_revoked: true }))).map((k) => k.name),
      ).toEqual(["w1", "default"])
      const actions = (yield* auditOf(tenant.id)).filter((e) => e.entity_id === made.id).map((e) => e.action)
      expect(actions.sort()).toEqual(["created", "revoked"])
      expect(JSON.stringify(yield* auditOf(tenant.id))).not.toContain(made.raw_key)
    }).pipe(Effect.provide(MemoryLoopctl)),
  )

  it.effect("the tenant's max_api_keys caps the active keys; only user-level callers may create keys", () =>
    Effect.gen(function* () {
      const { access, user } = yield* platform
      yield* performAs(
        user,
        IdentityActions.updateTenant,
      )(access.updateTenant({ settings: { max_api_keys: 2 } }))
      const { actor: orchestrator } = yield* keyFor(user, "orchestrator")
      expect(
        yield* failure(
          performAs(
            user,
            IdentityActions.createApiKey,
          )(access.createApiKey({ name: "third", role: "agent" })),
        ),
      ).toEqual({
        status: 422,
        message: "API key limit reached (max: 2)",
      })
      expect(
        yield* failure(
          performAs(
            orchestrator,
            IdentityActions.createApiKey,
          )(access.createApiKey({ name: "x", role: "agent" })),
        ),
      ).toEqual({
        status: 403,
        message: "Insufficient permissions. Required role: user",
      })
    }).pipe(Effect.provide(MemoryLoopctl)),
  )

  it.effect("agent_id must name an agent of the tenant, and an agent has one active key per role", () =>
    Effect.gen(function* () {
      const { access, root, user } = yield* platform
      const { agent } = yield* registered(user, "boss", "orchestrator")
      const linked = yield* performAs(
        user,
        IdentityActions.createApiKey,
      )(
        access.createApiKey({
          name: "orch",
          role: "orchestrator",
          agent_id: agent.id,
        }),
      )
      expect((yield* actorOf(linked.raw_key)).agent_id).toBe(agent.id)
      expect(
        yield* failure(
          performAs(
            user,
            IdentityActions.createApiKey,
          )(access.createApiKey({ name: "o2", role: "orchestrator", agent_id: agent.id })),
        ),
      ).toEqual({
        status: 422,
        message: "Validation failed",
        details: { tenant_id: ["agent already has an active key with this role"] },
      })
      const other = yield* performAs(
        root,
        IdentityActions.createTenant,
      )(access.createTenant({ name: "Other", slug: "other", email: "o@o.dev" }))
      const stranger = yield* actorOf(other.api_key.raw_key)
      expect(
        yield* failure(
          performAs(
            stranger,
            IdentityActions.createApiKey,
          )(access.createApiKey({ name: "o", role: "orchestrator", agent_id: agent.id })),
        ),
      ).toEqual({
        status: 422,
        message: "Validation failed",
        details: { agent_id: ["does not exist"] },
      })
    }).pipe(Effect.provide(MemoryLoopctl)),
  )

  it.effect("rotate: a new key, the old one valid for the grace period (default 24h, at most 168h)", () =>
    Effect.gen(function* () {
      const { access, user } = yield* platform
      const { agent, issued } = yield* registered(user, "w1")
      const rotated = yield* performAs(user, IdentityActions.rotateApiKey)(access.rotateApiKey(issued.id, {}))
      expect(rotated.old_key_expires_at).toBe("1970-01-02T00:00:00.000000Z")
      expect(rotated.new_key).toMatchObject({
        name: issued.name,
        role: "agent",
        agent_id: agent.id,
        expires_at: null,
      })
      expect((yield* actorOf(issued.raw_key)).agent_id).toBe(agent.id)
      expect((yield* actorOf(rotated.new_key.raw_key)).agent_id).toBe(agent.id)
      expect(
        yield* failure(
          Effect.flatMap(rotationCommand({ grace_period_hours: 500 }), (c) =>
            performAs(user, IdentityActions.rotateApiKey)(access.rotateApiKey(rotated.new_key.id, c)),
          ),
        ),
      ).toMatchObject({ status: 422, details: { grace_period_hours: [expect.any(String)] } })
      const again = yield* performAs(
        user,
        IdentityActions.rotateApiKey,
      )(access.rotateApiKey(rotated.new_key.id, { grace_period_hours: 168 }))
      expect(again.old_key_expires_at).toBe("1970-01-08T00:00:00.000000Z")
      yield* TestClock.adjust("25 hours")
      expect(yield* failure(authenticate(issued.raw_key))).toEqual({
        status: 401,
        message: "Invalid API key",
      })
      expect((yield* actorOf(rotated.new_key.raw_key)).agent_id).toBe(agent.id)
      const { issued: spare } = yield* keyFor(user, "user")
      yield* performAs(user, IdentityActions.revokeApiKey)(access.revokeApiKey(spare.id))
      expect(
        yield* failure(performAs(user, IdentityActions.rotateApiKey)(access.rotateApiKey(spare.id, {}))),
      ).toEqual({
        status: 422,
        message: "Cannot rotate a revoked key",
      })
      expect(
        yield* failure(
          performAs(
            user,
            IdentityActions.rotateApiKey,
          )(access.rotateApiKey(ApiKeyId.make("00000000-0000-4000-8000-000000000001"), {})),
        ),
      ).toEqual({
        status: 404,
        message: "Not found",
      })
      const audited = (yield* auditOf(user.tenant_id)).filter((e) => e.action === "rotated")
      expect(audited).toHaveLength(2)
    }).pipe(Effect.provide(MemoryLoopctl)),
  )

  it.effect("another tenant's keys are out of reach (404) and out of its lists", () =>
    Effect.gen(function* () {
      const { access, root, user } = yield* platform
      const other = yield* performAs(
        root,
        IdentityActions.createTenant,
      )(access.createTenant({ name: "Other", slug: "other", email: "o@o.dev" }))
      const stranger = yield* actorOf(other.api_key.raw_key)
      const mine = yield* performAs(
        user,
        IdentityActions.createApiKey,
      )(access.createApiKey({ name: "mine", role: "agent" }))
      expect(
        yield* failure(performAs(stranger, IdentityActions.revokeApiKey)(access.revokeApiKey(mine.id))),
      ).toEqual({
        status: 404,
        message: "Not found",
      })
      expect(
        yield* failure(performAs(stranger, IdentityActions.rotateApiKey)(access.rotateApiKey(mine.id, {}))),
      ).toEqual({
        status: 404,
        message: "Not found",
      })
      const theirs = yield* performAs(
        stranger,
        IdentityActions.listApiKeys,
      )(access.listApiKeys({ include_revoked: true }))
      expect(theirs.map((k) => k.id)).toEqual([other.api_key.id])
      expect((yield* actorOf(mine.raw_key)).tenant_id).toBe(user.tenant_id)
    }).pipe(Effect.provide(MemoryLoopctl)),
  )
})

describe("agents", () => {
  it.effect("an agent key registers once: the key is bound, the event and audit entry are written", () =>
    Effect.gen(function* () {
      const { access, user, tenant } = yield* platform
      const { agent, actor, issued } = yield* registered(user, "w1")
      expect(agent).toMatchObject({
        name: "w1",
        agent_type: "implementer",
        status: "active",
        tenant_id: tenant.id,
      })
      expect(agent.last_seen_at).not.toBeNull()
      expect(actor.agent_id).toBe(agent.id)
      const again = yield* failure(
        performAs(
          actor,
          IdentityActions.registerAgent,
        )(access.registerAgent({ name: "w2", agent_type: "implementer" })),
      )
      expect(again).toMatchObject({ status: 409, agent_id: agent.id })
      const events = yield* inTenant(
        tenant.id,
        Effect.flatMap(Outbox, (o) => o.list(100)),
      )
      expect(events.map((e) => e.event)).toEqual([
        { event: "agent.registered", agent_id: agent.id, agent_name: "w1", agent_type: "implementer" },
      ])
      const entry = (yield* auditOf(tenant.id)).find((e) => e.entity_type === "agent")
      expect(entry).toMatchObject({
        action: "registered",
        entity_id: agent.id,
        actor_type: "api_key",
        actor_id: issued.id,
        new_state: { name: "w1", agent_type: "implementer", status: "active" },
      })
    }).pipe(Effect.provide(MemoryLoopctl)),
  )

  it.effect("a taken name is 422 and leaves the key unbound; other roles get 403; bad types 422", () =>
    Effect.gen(function* () {
      const { access, user } = yield* platform
      yield* registered(user, "w1")
      const { actor } = yield* keyFor(user, "agent")
      expect(
        yield* failure(
          performAs(
            actor,
            IdentityActions.registerAgent,
          )(access.registerAgent({ name: "w1", agent_type: "implementer" })),
        ),
      ).toEqual({
        status: 422,
        message: "Validation failed",
        details: { tenant_id: ["has already been taken for this tenant"] },
      })
      expect(
        (yield* performAs(
          actor,
          IdentityActions.registerAgent,
        )(access.registerAgent({ name: "w9", agent_type: "orchestrator" }))).name,
      ).toBe("w9")
      expect(
        yield* failure(
          performAs(
            user,
            IdentityActions.registerAgent,
          )(access.registerAgent({ name: "u", agent_type: "implementer" })),
        ),
      ).toEqual({
        status: 403,
        message: "This endpoint requires the agent role",
      })
      const { actor: fresh } = yield* keyFor(user, "agent")
      expect(
        yield* failure(
          Effect.flatMap(agentCommand({ name: "r", agent_type: "robot" }), (c) =>
            performAs(fresh, IdentityActions.registerAgent)(access.registerAgent(c)),
          ),
        ),
      ).toMatchObject({
        status: 422,
        details: { agent_type: ["must be one of: orchestrator, implementer"] },
      })
      // Nothing of the refused registrations stayed behind.
      const listed = yield* performAs(user, IdentityActions.listAgents)(access.listAgents({}, page))
      expect(listed.data.map((a) => a.name)).toEqual(["w1", "w9"])
    }).pipe(Effect.provide(MemoryLoopctl)),
  )

  it.effect("list and get need an orchestrator or higher, filter, page and stay within the tenant", () =>
    Effect.gen(function* () {
      const { access, root, user } = yield* platform
      const a = yield* registered(user, "alpha", "orchestrator")
      yield* registered(user, "bravo")
      yield* registered(user, "charlie")
      const { actor: orchestrator } = yield* keyFor(user, "orchestrator")
      const implementers = yield* performAs(
        orchestrator,
        IdentityActions.listAgents,
      )(access.listAgents({ agent_type: "implementer" }, { page: 1, page_size: 1 }))
      expect(implementers.data.map((x) => x.name)).toEqual(["bravo"])
      expect(implementers.meta).toEqual({ page: 1, page_size: 1, total_count: 2, total_pages: 2 })
      expect(
        yield* failure(performAs(a.actor, IdentityActions.listAgents)(access.listAgents({}, page))),
      ).toEqual({
        status: 403,
        message: "Insufficient permissions. Required role: orchestrator",
      })
      expect(
        (yield* performAs(orchestrator, IdentityActions.showAgent)(access.getAgent(a.agent.id))).name,
      ).toBe("alpha")
      const other = yield* performAs(
        root,
        IdentityActions.createTenant,
      )(access.createTenant({ name: "Other", slug: "other", email: "o@o.dev" }))
      const stranger = yield* actorOf(other.api_key.raw_key)
      expect(
        yield* failure(performAs(stranger, IdentityActions.showAgent)(access.getAgent(a.agent.id))),
      ).toEqual({
        status: 404,
        message: "Not found",
      })
      expect(
        (yield* performAs(stranger, IdentityActions.listAgents)(access.listAgents({}, page))).data,
      ).toEqual([])
    }).pipe(Effect.provide(MemoryLoopctl)),
  )

  it.effect("a request with an agent-linked key moves the agent's last_seen_at (1 s resolution)", () =>
    Effect.gen(function* () {
      const { access, user } = yield* platform
      const { agent, issued } = yield* registered(user, "w1")
      const seen = (id: AgentId) =>
        Effect.map(performAs(user, IdentityActions.showAgent)(access.getAgent(id)), (a) => a.last_seen_at)
      const registeredAt = yield* seen(agent.id)
      yield* TestClock.adjust("2 seconds")
      yield* authenticate(issued.raw_key)
      const later = yield* seen(agent.id)
      expect(later).toBe("1970-01-01T00:00:02.000000Z")
      expect(later === null || registeredAt === null ? false : later > registeredAt).toBe(true)
    }).pipe(Effect.provide(MemoryLoopctl)),
  )
})

describe("tenants", () => {
  it.effect("PATCH /tenants/me merges settings, validates, and writes tenant/updated", () =>
    Effect.gen(function* () {
      const { access, user, root, tenant } = yield* platform
      yield* performAs(
        user,
        IdentityActions.updateTenant,
      )(access.updateTenant({ settings: { rate_limit_requests_per_minute: 500 } }))
      const merged = yield* performAs(
        user,
        IdentityActions.updateTenant,
      )(access.updateTenant(yield* patchCommand({ settings: { max_projects: 5 }, status: "suspended" })))
      expect(merged.settings).toEqual({ rate_limit_requests_per_minute: 500, max_projects: 5 })
      expect(merged.status).toBe("active")
      expect(
        yield* failure(
          Effect.flatMap(patchCommand({ settings: { knowledge_auto_extract: "yes" } }), (c) =>
            performAs(user, IdentityActions.updateTenant)(access.updateTenant(c)),
          ),
        ),
      ).toMatchObject({
        status: 422,
        details: { settings: ["knowledge_auto_extract must be a boolean"] },
      })
      expect(
        yield* failure(
          Effect.flatMap(patchCommand({ token_data_retention_days: 10 }), (c) =>
            performAs(user, IdentityActions.updateTenant)(access.updateTenant(c)),
          ),
        ),
      ).toMatchObject({
        status: 422,
        details: { token_data_retention_days: ["must be at least 30 days"] },
      })
      yield* performAs(
        root,
        IdentityActions.createTenant,
      )(access.createTenant({ name: "Other", slug: "other", email: "o@o.dev" }))
      expect(
        yield* failure(performAs(user, IdentityActions.updateTenant)(access.updateTenant({ slug: "other" }))),
      ).toMatchObject({
        status: 422,
        details: { slug: ["has already been taken"] },
      })
      const { actor: agentKey } = yield* keyFor(user, "agent")
      expect(
        yield* failure(performAs(agentKey, IdentityActions.updateTenant)(access.updateTenant({ name: "x" }))),
      ).toEqual({
        status: 403,
        message: "Insufficient permissions. Required role: user",
      })
      const updates = (yield* auditOf(tenant.id)).filter((e) => e.action === "updated")
      expect(updates).toHaveLength(2)
      expect(updates.map((e) => e.new_state)).toContainEqual({
        settings: { rate_limit_requests_per_minute: 500, max_projects: 5 },
      })
    }).pipe(Effect.provide(MemoryLoopctl)),
  )

  it.effect("the superadmin lists, searches, shows, updates and counts tenants", () =>
    Effect.gen(function* () {
      const { access, root, user, tenant } = yield* platform
      yield* performAs(
        root,
        IdentityActions.createTenant,
      )(access.createTenant({ name: "Beta", slug: "beta", email: "b@b.dev" }))
      yield* registered(user, "w1")
      const found = yield* performAs(
        root,
        IdentityActions.listTenants,
      )(access.listTenants({ search: "acm" }, page))
      expect(found.data.map((t) => t.slug)).toEqual(["acme"])
      expect(found.data[0]).toMatchObject({ agent_count: 1, api_key_count: 2, project_count: 0 })
      const detail = yield* performAs(root, IdentityActions.inspectTenant)(access.getTenantDetail(tenant.id))
      expect(detail).toMatchObject({ id: tenant.id, epic_count: 0, agent_count: 1, settings: {} })
      expect(
        yield* failure(
          performAs(
            root,
            IdentityActions.inspectTenant,
          )(access.getTenantDetail(TenantId.make("00000000-0000-4000-8000-000000000009"))),
        ),
      ).toEqual({
        status: 404,
        message: "Not found",
      })
      const updated = yield* performAs(
        root,
        IdentityActions.administerTenant,
      )(
        access.updateTenantAsAdmin(
          tenant.id,
          yield* patchCommand({ settings: { a: 1 }, status: "suspended" }),
        ),
      )
      expect(updated).toMatchObject({ status: "active", settings: { a: 1 } })
      expect((yield* auditOf(tenant.id)).map((e) => e.action)).toContain("tenant_updated")
      const stats = yield* performAs(root, IdentityActions.platformStats)(access.stats())
      expect(stats).toMatchObject({
        total_tenants: 2,
        tenants_active: 2,
        total_agents: 1,
        active_agents: 1,
        total_api_keys: 4,
      })
      expect(stats.stories_by_agent_status).toEqual({
        pending: 0,
        contracted: 0,
        assigned: 0,
        implementing: 0,
        reported_done: 0,
      })
      expect(yield* failure(performAs(user, IdentityActions.platformStats)(access.stats()))).toMatchObject({
        status: 403,
      })
    }).pipe(Effect.provide(MemoryLoopctl)),
  )
})
