import { Clock, Effect, Either, Option } from "effect"
import type { AuditLog } from "../../audit/ports/audit-log.js"
import { recordChange } from "../../audit/use-cases/recording.js"
import type { Outbox } from "../../events/ports/outbox.js"
import type { DuplicateKey } from "../../kernel/domain/duplicate-key.js"
import { NotFound, ValidationFailed } from "../../kernel/domain/errors.js"
import { AgentId, ApiKeyId, type TenantId } from "../../kernel/domain/ids.js"
import { type PageRequest, pageMeta } from "../../kernel/domain/page.js"
import { type Timestamp, now } from "../../kernel/domain/timestamp.js"
import { type Policy, policyRequire } from "../../kernel/policy/policy.js"
import { type Ids, freshId } from "../../kernel/ports/ids.js"
import { UnitOfWork } from "../../kernel/ports/unit-of-work.js"
import type { Role } from "../../work/domain/status.js"
import { Actor, PlatformActor } from "../domain/actor.js"
import type { AgentRegistration } from "../domain/agent-commands.js"
import type { AgentListQuery } from "../domain/agent-filter.js"
import { Agent } from "../domain/agent.js"
import type { ApiKeyCreation, ApiKeyRotation } from "../domain/api-key-commands.js"
import { ApiKey, type PublicApiKey, publicApiKey } from "../domain/api-key.js"
import type { TenantCreation, TenantPatch } from "../domain/tenant-commands.js"
import type { TenantFilter } from "../domain/tenant-filter.js"
import { Tenant, tenantSettings } from "../domain/tenant.js"
import { IdentityActions } from "../policy/identity-actions.js"
import { Agents } from "../ports/agents.js"
import { ApiKeys } from "../ports/api-keys.js"
import { PlatformLimits } from "../ports/platform-limits.js"
import { Secrets, keyPrefixOf } from "../ports/secrets.js"
import { Tenants } from "../ports/tenants.js"
import {
  agentDoesNotExist,
  agentListFilter,
  agentNameTaken,
  agentRegistration,
  agentRoleTaken,
  alreadyBound,
  checkApiKeyCreation,
  checkRotatable,
  checkTenantAccess,
  effectiveRole,
  endedGrace,
  graceHours,
  impersonationTarget,
  invalidKey,
  isKeyUsable,
  resolveKey,
  rotatedKey,
  secondsAfter,
  successorOf,
  tenantNotFound,
} from "../rules/access.js"
import { apiWindowSeconds, windowAt } from "../rules/rate-limit.js"
import {
  type TenantUpdate,
  applyTenantChanges,
  checkActivation,
  checkSuspension,
  tenantChanges,
  tenantFieldTaken,
  tenantInput,
} from "../rules/tenant-input.js"
import {
  type Authenticated,
  type Listed,
  type RotatedApiKey,
  type TenantSummary,
  issued,
  keyAudit,
  tenantDetail,
  tenantSummary,
} from "./access-results.js"
import { decideCounted } from "./rate-limiter.js"
import { mintApiKey, provisionTenant } from "./tenant-provisioning.js"

/** A key's use is written at most once per this many seconds (authentication is on every request). */
export const USE_RECORDING_RESOLUTION_SECONDS = 1

/** How long after its last request an agent still counts as active in the platform stats. */
const ACTIVE_AGENT_WINDOW_SECONDS = 24 * 3600

/** A superadmin key's raw value must be at least this long (D8 takes it from configuration). */
export const SUPERADMIN_KEY_MIN_LENGTH = 16

const notFound = () => new NotFound({ message: "Not found" })

const orElse =
  <E>(error: () => E) =>
  <A>(found: Option.Option<A>): Effect.Effect<A, E> =>
    Option.match(found, { onNone: () => Effect.fail(error()), onSome: Effect.succeed })

/** Admin writes are attributed to the superadmin key, in the target tenant (platform.md §7). */
const adminIn = (admin: PlatformActor, tenant: TenantId) =>
  new Actor({
    tenant_id: tenant,
    api_key_id: admin.api_key_id,
    key_name: admin.key_name,
    role: "superadmin",
    agent_id: null,
  })

/** Only the one-active-key rule can refuse a fresh key; a clash of random hashes is a defect. */
const keyRefused = (error: DuplicateKey) =>
  error.key === "agent_role" ? Effect.fail(agentRoleTaken()) : Effect.die(error)

/**
 * Identity and access: authentication of API keys (with superadmin impersonation), the
 * superadmin bootstrap, tenants (their own view and the superadmin's), API keys and agents.
 * Each mutation is one transaction with its audit entries and events; raw keys are handed out
 * once and only their SHA-256 is stored. Every call made for a caller requires the grant of its
 * action ({@link IdentityActions}): the policy decides who may, the use case only does it.
 */
export class Access extends Effect.Service<Access>()("@loopctl/core/Access", {
  effect: Effect.gen(function* () {
    const ports = yield* Effect.context<
      UnitOfWork | Tenants | ApiKeys | Agents | Secrets | AuditLog | Outbox | Ids
    >()
    const uow = yield* UnitOfWork
    const tenants = yield* Tenants
    const apiKeys = yield* ApiKeys
    const agents = yield* Agents
    const secrets = yield* Secrets
    const maxima = yield* PlatformLimits

    /** The work in one transaction of the actor's tenant. */
    const inTenant = <A, E, R>(actor: Actor, work: Effect.Effect<A, E, R>) =>
      uow.transact(actor.tenant_id, work).pipe(Effect.provide(ports))

    /** A fresh key of `role` for the tenant, not yet stored, with its raw value. */
    const mintKey = (
      tenant: TenantId | null,
      fields: { readonly name: string; readonly role: Role; readonly agent_id: AgentId | null },
      expires_at: Timestamp | null,
      at: Timestamp,
    ) => Effect.provide(mintApiKey(tenant, fields, expires_at, at), ports)

    const loadTenant = (id: TenantId) => Effect.flatMap(tenants.findById(id), orElse(tenantNotFound))

    const detailOf = (tenant: Tenant) =>
      Effect.map(tenants.counts(tenant.id), (counts) => tenantDetail(tenant, counts))

    /** An admin write on one tenant: load it, decide, save, audit — in that tenant's transaction. */
    const adminChange = <Action extends string>(
      action: Policy<Action, unknown, PlatformActor>,
      id: TenantId,
      decide: (
        tenant: Tenant,
        at: Timestamp,
      ) => Effect.Effect<TenantUpdate & { action: string }, ValidationFailed>,
    ) =>
      policyRequire(action)((admin) =>
        Effect.gen(function* () {
          const saved = yield* uow.transact(
            id,
            Effect.gen(function* () {
              const current = yield* Effect.flatMap(tenants.findById(id), orElse(notFound))
              const change = yield* decide(current, yield* now)
              if (change.changed.length === 0) return current
              yield* Effect.mapError(tenants.update(change.tenant), tenantFieldTaken)
              yield* recordChange(adminIn(admin, id), null, {
                audit: [
                  {
                    entity_type: "tenant",
                    entity_id: id,
                    action: change.action,
                    actor: "caller",
                    old_state: change.old_state,
                    new_state: change.new_state,
                  },
                ],
                events: [],
              })
              return change.tenant
            }),
          )
          return yield* detailOf(saved)
        }),
      ).pipe(Effect.provide(ports))

    const statusChange = (current: Tenant, status: Tenant["status"], at: Timestamp): TenantUpdate => ({
      tenant: new Tenant({ ...current, status, updated_at: at }),
      changed: ["status"],
      old_state: { status: current.status },
      new_state: { status },
    })

    return {
      /**
       * Resolves a bearer key (§4.1): unknown, revoked or expired → 401 "Invalid API key"; a
       * tenant key whose tenant is not active → 403 "Access denied". A superadmin key may name
       * a tenant to impersonate (`X-Impersonate-Tenant`, 404 "Tenant not found" when it is not
       * one) and a tenant role to act in (`X-Effective-Role`); both headers are ignored for
       * every other key. Records the key's use, and counts the request against the API rate limit
       * (`rate`; superadmin requests are exempt), in the same round trip as the lookup.
       */
      authenticate: (rawKey: string, impersonateTenant?: string, effectiveRoleHeader?: string) =>
        Effect.gen(function* () {
          const token = rawKey.trim()
          if (token === "") return yield* Effect.fail(invalidKey())
          const hash = yield* secrets.hashApiKey(token)
          const at = yield* now
          // The window is taken from the same clock as `countRequest` takes it.
          const nowSeconds = (yield* Clock.currentTimeMillis) / 1000
          const window = windowAt(nowSeconds, apiWindowSeconds)
          const found = yield* apiKeys.use(
            hash,
            at,
            secondsAfter(at, -USE_RECORDING_RESOLUTION_SECONDS),
            window.start,
          )
          const counted = Option.flatMap(found, (f) => f.counted)
          const key = yield* resolveKey(
            Option.map(found, (f) => f.key),
            at,
          )
          if (key.role !== "superadmin") {
            const tenant = yield* checkTenantAccess(Option.flatMap(found, (f) => f.tenant))
            const caller = new Actor({
              tenant_id: tenant.id,
              api_key_id: key.id,
              key_name: key.name,
              role: key.role,
              agent_id: key.agent_id,
            })
            const rate = yield* decideCounted(counted, key.id, tenant, window, nowSeconds)
            return { caller, tenant, rate: Option.some(rate) } satisfies Authenticated
          }
          // Superadmin requests are never limited (§4.3): a count of one is a store's defect.
          if (Option.isSome(counted))
            return yield* Effect.dieMessage("the store counted a superadmin request")
          const target = yield* impersonationTarget(key.role, impersonateTenant)
          if (Option.isNone(target)) {
            const caller = new PlatformActor({ api_key_id: key.id, key_name: key.name })
            return { caller, tenant: null, rate: Option.none() } satisfies Authenticated
          }
          const tenant = yield* loadTenant(target.value)
          const acting = effectiveRole(effectiveRoleHeader)
          const caller = new Actor({
            tenant_id: tenant.id,
            api_key_id: key.id,
            key_name: key.name,
            role: acting ?? "superadmin",
            agent_id: null,
            impersonation: { tenant_slug: tenant.slug, impersonated_at: at, effective_role: acting },
          })
          return { caller, tenant, rate: Option.none() } satisfies Authenticated
        }).pipe(Effect.provide(ports)),

      /**
       * D8: makes sure a usable superadmin key with exactly this raw value exists, stored hashed.
       * Idempotent (and safe when several processes start at once); a revoked or expired one is
       * made usable again. The value must be at least 16 characters without whitespace.
       */
      bootstrapSuperadmin: (rawKey: string, name = "superadmin") =>
        Effect.gen(function* () {
          if (rawKey.length < SUPERADMIN_KEY_MIN_LENGTH || /\s/.test(rawKey))
            return yield* Effect.fail(
              new ValidationFailed({
                message: `The superadmin key must be at least ${SUPERADMIN_KEY_MIN_LENGTH} characters long and contain no whitespace`,
              }),
            )
          const hash = yield* secrets.hashApiKey(rawKey)
          const at = yield* now
          const existing = (key: ApiKey) =>
            Effect.gen(function* () {
              if (key.role !== "superadmin")
                return yield* Effect.fail(
                  new ValidationFailed({ message: "That key value already belongs to a tenant key" }),
                )
              if (isKeyUsable(key, at)) return { api_key: publicApiKey(key), created: false }
              const revived = new ApiKey({ ...key, revoked_at: null, expires_at: null, updated_at: at })
              yield* Effect.orDie(apiKeys.update(revived))
              return { api_key: publicApiKey(revived), created: false }
            })
          const found = yield* apiKeys.findByHash(hash)
          if (Option.isSome(found)) return yield* existing(found.value)
          const key = new ApiKey({
            id: yield* freshId(ApiKeyId),
            tenant_id: null,
            name,
            key_prefix: keyPrefixOf(rawKey),
            key_hash: hash,
            role: "superadmin",
            agent_id: null,
            last_used_at: null,
            expires_at: null,
            revoked_at: null,
            inserted_at: at,
            updated_at: at,
          })
          const inserted = yield* Effect.either(apiKeys.insert(key))
          if (Either.isRight(inserted)) return { api_key: publicApiKey(key), created: true }
          // Another process stored the same key first.
          return yield* existing(yield* Effect.flatMap(apiKeys.findByHash(hash), orElse(invalidKey)))
        }).pipe(Effect.provide(ports)),

      /** A new superadmin key with a generated value, shown once (`loopctl-server create-superadmin`). */
      createSuperadminKey: (name: string) =>
        Effect.gen(function* () {
          if (name.trim() === "")
            return yield* Effect.fail(ValidationFailed.ofFields({ name: ["can't be blank"] }))
          const at = yield* now
          const { key, raw } = yield* mintKey(
            null,
            { name: name.trim(), role: "superadmin", agent_id: null },
            null,
            at,
          )
          yield* Effect.orDie(apiKeys.insert(key))
          return issued(key, raw)
        }).pipe(Effect.provide(ports)),

      /**
       * D9 (superadmin): a tenant from `{name, slug, email}` and its first key, a `user` key named
       * "default" — one transaction with both audit entries. A taken slug or email is 409.
       */
      createTenant: (command: TenantCreation) =>
        policyRequire(IdentityActions.createTenant)((admin) =>
          provisionTenant(tenantInput(command), {
            first: Effect.void,
            furnish: (tenant, key) =>
              recordChange(adminIn(admin, tenant.id), null, {
                audit: [
                  {
                    entity_type: "tenant",
                    entity_id: tenant.id,
                    action: "tenant_created",
                    actor: "caller",
                    old_state: null,
                    new_state: { name: tenant.name, slug: tenant.slug, email: tenant.email },
                  },
                  keyAudit(key, "created"),
                ],
                events: [],
              }),
          }),
        ).pipe(Effect.provide(ports)),

      /** GET /tenants/me (any role). */
      getTenant: () =>
        policyRequire(IdentityActions.showTenant)((actor) => inTenant(actor, loadTenant(actor.tenant_id))),

      /**
       * PATCH /tenants/me (min user): the writable fields, settings merged, the rate limit and
       * project allowance no higher than the platform's maxima; audit `tenant/updated`.
       */
      updateTenant: (patch: TenantPatch) =>
        policyRequire(IdentityActions.updateTenant)((actor) =>
          inTenant(
            actor,
            Effect.gen(function* () {
              const current = yield* loadTenant(actor.tenant_id)
              const changes = yield* tenantChanges(patch, current, maxima)
              const update = applyTenantChanges(current, changes, yield* now)
              if (update.changed.length === 0) return current
              yield* Effect.mapError(tenants.update(update.tenant), tenantFieldTaken)
              yield* recordChange(actor, null, {
                audit: [
                  {
                    entity_type: "tenant",
                    entity_id: current.id,
                    action: "updated",
                    actor: "caller",
                    old_state: update.old_state,
                    new_state: update.new_state,
                  },
                ],
                events: [],
              })
              return update.tenant
            }),
          ),
        ),

      /** GET /admin/tenants: filtered by `status` and `search`, ordered by name, with counts. */
      listTenants: (filter: TenantFilter, page: PageRequest) =>
        policyRequire(IdentityActions.listTenants)(() =>
          Effect.map(tenants.list(filter, page), (found) => {
            const data = found.items.map(({ tenant, counts }) => tenantSummary(tenant, counts))
            return { data, meta: pageMeta(page, found.total_count) } satisfies Listed<TenantSummary>
          }),
        ).pipe(Effect.provide(ports)),

      /** GET /admin/tenants/:id (404 "Not found"). */
      getTenantDetail: (id: TenantId) =>
        policyRequire(IdentityActions.inspectTenant)(() =>
          Effect.flatMap(Effect.flatMap(tenants.findById(id), orElse(notFound)), detailOf),
        ).pipe(Effect.provide(ports)),

      /** PATCH /admin/tenants/:id: as PATCH /tenants/me (status is not writable); audit `tenant_updated`. */
      updateTenantAsAdmin: (id: TenantId, patch: TenantPatch) =>
        adminChange(IdentityActions.administerTenant, id, (current, at) =>
          Effect.map(tenantChanges(patch, current), (changes) => ({
            ...applyTenantChanges(current, changes, at),
            action: "tenant_updated",
          })),
        ),

      /** POST /admin/tenants/:id/suspend: its keys get 403 at once; 422 when already suspended. */
      suspendTenant: (id: TenantId) =>
        adminChange(IdentityActions.suspendTenant, id, (current, at) =>
          Effect.map(checkSuspension(current), () => ({
            ...statusChange(current, "suspended", at),
            action: "tenant_suspended",
          })),
        ),

      /** POST /admin/tenants/:id/activate: from any other status; 422 when already active. */
      activateTenant: (id: TenantId) =>
        adminChange(IdentityActions.activateTenant, id, (current, at) =>
          Effect.map(checkActivation(current), () => ({
            ...statusChange(current, "active", at),
            action: "tenant_activated",
          })),
        ),

      /** GET /admin/stats. */
      stats: () =>
        policyRequire(IdentityActions.platformStats)(() =>
          Effect.flatMap(now, (at) => tenants.stats(secondsAfter(at, -ACTIVE_AGENT_WINDOW_SECONDS))),
        ).pipe(Effect.provide(ports)),

      /**
       * POST /api_keys (min user): the create rules in order (§3.3), then an `agent_id` of
       * another tenant or of no agent is 422 `details.agent_id`, and a second active key of one
       * agent and role is 422 `details.tenant_id`. The raw key is in the answer and nowhere else.
       */
      createApiKey: (command: ApiKeyCreation) =>
        policyRequire(IdentityActions.createApiKey)((actor) =>
          inTenant(
            actor,
            Effect.gen(function* () {
              const tenant = yield* loadTenant(actor.tenant_id)
              const at = yield* now
              const request = yield* checkApiKeyCreation(
                command,
                {
                  active_keys: yield* apiKeys.countActive(at),
                  max_api_keys: tenantSettings(tenant.settings).max_api_keys,
                },
                at,
              )
              if (request.agent_id !== null)
                yield* Effect.flatMap(agents.findById(request.agent_id), orElse(agentDoesNotExist))
              const { key, raw } = yield* mintKey(actor.tenant_id, request, request.expires_at, at)
              yield* Effect.catchAll(apiKeys.insert(key), keyRefused)
              yield* recordChange(actor, null, { audit: [keyAudit(key, "created")], events: [] })
              return issued(key, raw)
            }),
          ),
        ),

      /** GET /api_keys (min user): newest first, revoked ones only on request; never hash or raw key. */
      listApiKeys: (options: { readonly include_revoked: boolean }) =>
        policyRequire(IdentityActions.listApiKeys)((actor) =>
          inTenant(
            actor,
            Effect.map(apiKeys.list(options), (keys): ReadonlyArray<PublicApiKey> => keys.map(publicApiKey)),
          ),
        ),

      /** DELETE /api_keys/:id (min user): soft revoke, again when already revoked; 404 for others' keys. */
      revokeApiKey: (id: ApiKeyId) =>
        policyRequire(IdentityActions.revokeApiKey)((actor) =>
          inTenant(
            actor,
            Effect.gen(function* () {
              const key = yield* Effect.flatMap(apiKeys.revoke(id, yield* now), orElse(notFound))
              yield* recordChange(actor, null, {
                audit: [keyAudit(key, "revoked", { revoked_at: key.revoked_at })],
                events: [],
              })
              return publicApiKey(key)
            }),
          ),
        ),

      /**
       * POST /api_keys/:id/rotate (min user, §3.4): a new key with the same name, role and agent;
       * the old one keeps working for `grace_period_hours` (default 24, 0..168). Agent-linked
       * keys rotate too: a key set to expire no longer counts as the agent's active key. A key is
       * rotated once (then its successor is), and rotating a successor ends the grace of the key
       * before it, so a key and its rotations are never more than two live keys.
       */
      rotateApiKey: (id: ApiKeyId, command: ApiKeyRotation = {}) =>
        policyRequire(IdentityActions.rotateApiKey)((actor) =>
          inTenant(
            actor,
            Effect.gen(function* () {
              // Held until the end: parallel rotations of one key run one after another, and
              // every one after the first finds the key rotated.
              const current = yield* Effect.flatMap(apiKeys.findForUpdate(id), orElse(notFound))
              yield* checkRotatable(current)
              const at = yield* now
              const grace = graceHours(command)
              const old = rotatedKey(current, at, grace)
              yield* Effect.catchAll(apiKeys.update(old), keyRefused)
              const minted = yield* mintKey(actor.tenant_id, current, null, at)
              const key = successorOf(minted.key, old)
              yield* Effect.catchAll(apiKeys.insert(key), keyRefused)
              // The key `current` replaced leaves its grace now: one predecessor in grace at most.
              const predecessor =
                current.rotated_from === null
                  ? Option.none()
                  : yield* apiKeys.findForUpdate(current.rotated_from)
              const ended = Option.flatMap(predecessor, (found) => endedGrace(found, at))
              if (Option.isSome(ended)) yield* Effect.catchAll(apiKeys.update(ended.value), keyRefused)
              yield* recordChange(actor, null, {
                audit: [
                  keyAudit(old, "rotated", { new_key_id: key.id, old_key_expires_at: old.expires_at }),
                  keyAudit(key, "created", { rotated_from: old.id }),
                  ...Option.match(ended, {
                    onNone: () => [],
                    onSome: (done) => [
                      keyAudit(done, "grace_ended", {
                        expires_at: done.expires_at,
                        successor_rotated: old.id,
                      }),
                    ],
                  }),
                ],
                events: [],
              })
              const raw = minted.raw
              return {
                new_key: issued(key, raw),
                old_key_expires_at: old.expires_at ?? at,
              } satisfies RotatedApiKey
            }),
          ),
        ),

      /**
       * POST /agents/register (exact agent): registers the agent and binds the calling key to it,
       * with the `agent/registered` audit entry and the `agent.registered` event. A key that is
       * bound already is 409; a taken name is 422 and leaves the key unbound.
       */
      registerAgent: (command: AgentRegistration) =>
        policyRequire(IdentityActions.registerAgent)((actor) => {
          const input = agentRegistration(command)
          return uow.transact(
            actor.tenant_id,
            Effect.gen(function* () {
              const at = yield* now
              const agent = new Agent({
                id: yield* freshId(AgentId),
                tenant_id: actor.tenant_id,
                ...input,
                status: "active",
                last_seen_at: at,
                inserted_at: at,
                updated_at: at,
              })
              yield* Effect.mapError(agents.insert(agent), agentNameTaken)
              if (!(yield* apiKeys.linkAgent(actor.api_key_id, agent.id, at))) {
                const key = yield* Effect.flatMap(apiKeys.findById(actor.api_key_id), orElse(invalidKey))
                return yield* Effect.fail(key.agent_id === null ? invalidKey() : alreadyBound(key.agent_id))
              }
              yield* recordChange(new Actor({ ...actor, agent_id: agent.id }), null, {
                audit: [
                  {
                    entity_type: "agent",
                    entity_id: agent.id,
                    action: "registered",
                    actor: "caller",
                    old_state: null,
                    new_state: { name: agent.name, agent_type: agent.agent_type, status: agent.status },
                  },
                ],
                events: [
                  {
                    event: "agent.registered",
                    agent_id: agent.id,
                    agent_name: agent.name,
                    agent_type: agent.agent_type,
                  },
                ],
              })
              return agent
            }),
          )
        }).pipe(Effect.provide(ports)),

      /** GET /agents (min orchestrator): filtered by type and status, ordered by `sort_by`. */
      listAgents: (query: AgentListQuery, page: PageRequest) =>
        policyRequire(IdentityActions.listAgents)((actor) =>
          inTenant(
            actor,
            Effect.map(
              agents.list(agentListFilter(query), page),
              (found) =>
                ({ data: found.items, meta: pageMeta(page, found.total_count) }) satisfies Listed<Agent>,
            ),
          ),
        ),

      /** GET /agents/:id (min orchestrator): 404 "Not found" for unknown and other tenants' ids. */
      getAgent: (id: AgentId) =>
        policyRequire(IdentityActions.showAgent)((actor) =>
          inTenant(actor, Effect.flatMap(agents.findById(id), orElse(notFound))),
        ),
    }
  }),
}) {}
