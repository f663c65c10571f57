import { createHash, randomUUID } from "node:crypto"
import { describe, expect, layer } from "@effect/vitest"
import { Agent, Conflict, Forbidden, IssuedApiKey, Tenant } from "@loopctl/core"
import { Effect, Layer, Schema } from "effect"
import { microsTimestamp } from "../support/answers.js"
import {
  backends,
  call,
  envelope,
  issueKey,
  issuedKeys,
  provisionTenant,
  read,
  registerAgent,
  staffedTenant,
  storedOccurrences,
  uniqueSlug,
} from "../support/identity-support.js"
import { collectLogs, realServer, rootKey } from "../support/support.js"
import { typedClient } from "../support/typed-client-support.js"

/**
 * Identity and access through HTTP, on the production stack: the superadmin bootstrapped from
 * configuration creates tenants, a tenant's user key creates the other keys, agents register,
 * tenants read and change themselves, keys are revoked and rotated, tenants stay isolated and
 * suspended tenants are shut out. Finally no raw key is found anywhere in the database.
 */

const rawKeyShape = /^lc_[A-Za-z0-9_-]{40}$/
const timestamp = expect.stringMatching(microsTimestamp)
const uuid = expect.stringMatching(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/)

const Ids = Schema.Array(Schema.Struct({ id: Schema.String }))
const idsOf = (field: string, body: unknown) =>
  Schema.decodeUnknownSync(Schema.Struct({ [field]: Ids }))(body)[field]?.map((row) => row.id) ?? []

for (const { name, database } of backends) {
  const server = realServer(database).pipe(Layer.provide(collectLogs([])))

  layer(server, { timeout: 120_000, excludeTestServices: true })(`identity and access on ${name}`, (it) => {
    describe("the superadmin (D8, D9)", () => {
      it.effect("the key from LOOPCTL_SUPERADMIN_KEY works on the admin endpoints, without rate limits", () =>
        Effect.gen(function* () {
          const stats = yield* call("GET", "/api/v1/admin/stats", { key: rootKey })
          expect(stats.status).toBe(200)
          expect(stats.headers.get("x-ratelimit-limit")).toBeNull()
        }),
      )

      it.effect("creates a tenant with its first user key, shown once", () =>
        Effect.gen(function* () {
          const slug = uniqueSlug("acme")
          const created = yield* call("POST", "/api/v1/admin/tenants", {
            key: rootKey,
            body: { name: "Acme", slug, email: `ops@${slug}.test` },
          })
          expect(created.status).toBe(201)
          expect(created.body).toEqual({
            tenant: {
              id: uuid,
              name: "Acme",
              slug,
              email: `ops@${slug}.test`,
              settings: {},
              status: "active",
              default_story_budget_millicents: null,
              token_data_retention_days: null,
              inserted_at: timestamp,
              updated_at: timestamp,
            },
            api_key: {
              id: uuid,
              raw_key: expect.stringMatching(rawKeyShape),
              key_prefix: expect.any(String),
              role: "user",
              name: "default",
              agent_id: null,
              expires_at: null,
              inserted_at: timestamp,
            },
          })
          const { api_key, tenant } = read(
            Schema.Struct({
              tenant: Schema.Struct({ id: Schema.String }),
              api_key: Schema.Struct({ raw_key: Schema.String, key_prefix: Schema.String }),
            }),
            created,
          )
          issuedKeys.push(api_key.raw_key)
          expect(api_key.key_prefix).toBe(api_key.raw_key.slice(0, 8))
          const me = yield* call("GET", "/api/v1/tenants/me", { key: api_key.raw_key })
          expect(me.status).toBe(200)
          expect(read(Schema.Struct({ tenant: Schema.Struct({ id: Schema.String }) }), me).tenant.id).toBe(
            tenant.id,
          )
          // Shown once: no later answer carries the raw key.
          for (const path of [`/api/v1/admin/tenants/${tenant.id}`, "/api/v1/admin/tenants?page_size=100"])
            expect((yield* call("GET", path, { key: rootKey })).text).not.toContain(api_key.raw_key)
          expect((yield* call("GET", "/api/v1/api_keys", { key: api_key.raw_key })).text).not.toContain(
            api_key.raw_key,
          )
        }),
      )

      it.effect("refuses a taken slug with 409 and a body without its fields with 422 details", () =>
        Effect.gen(function* () {
          const tenant = yield* provisionTenant("dup")
          const again = yield* call("POST", "/api/v1/admin/tenants", {
            key: rootKey,
            body: { name: "Other", slug: tenant.slug, email: "other@example.test" },
          })
          expect(again.status).toBe(409)
          expect(again.body).toEqual(envelope(409, "Slug already taken"))
          const empty = yield* call("POST", "/api/v1/admin/tenants", { key: rootKey, body: {} })
          expect(empty.status).toBe(422)
          expect(empty.body).toEqual({
            error: {
              status: 422,
              message: "Validation failed",
              details: { name: ["can't be blank"], slug: ["can't be blank"], email: ["can't be blank"] },
            },
          })
          const bad = yield* call("POST", "/api/v1/admin/tenants", {
            key: rootKey,
            body: { name: "Bad", slug: "-Bad_slug-", email: "nobody" },
          })
          expect(bad.status).toBe(422)
          expect(bad.body).toEqual({
            error: {
              status: 422,
              message: "Validation failed",
              details: {
                slug: ["must be lowercase alphanumeric with hyphens, starting and ending with alphanumeric"],
                email: ["must be a valid email address"],
              },
            },
          })
        }),
      )
    })

    describe("API keys and agents (platform.md §3, §5)", () => {
      it.effect("the README bootstrap: agent key, orchestrator agent, linked orchestrator key, worker", () =>
        Effect.gen(function* () {
          const tenant = yield* provisionTenant("boot")
          const agentKey = yield* call("POST", "/api/v1/api_keys", {
            key: tenant.userKey,
            body: { name: "agent-bootstrap", role: "agent" },
          })
          expect(agentKey.status).toBe(201)
          expect(agentKey.body).toEqual({
            api_key: {
              id: uuid,
              raw_key: expect.stringMatching(rawKeyShape),
              key_prefix: expect.any(String),
              role: "agent",
              name: "agent-bootstrap",
              agent_id: null,
              expires_at: null,
              inserted_at: timestamp,
            },
          })
          const bootstrap = read(
            Schema.Struct({ api_key: Schema.Struct({ raw_key: Schema.String }) }),
            agentKey,
          )
          issuedKeys.push(bootstrap.api_key.raw_key)
          const registered = yield* call("POST", "/api/v1/agents/register", {
            key: bootstrap.api_key.raw_key,
            body: { name: "orchestrator-main", agent_type: "orchestrator", metadata: { model: "m1" } },
          })
          expect(registered.status).toBe(201)
          expect(registered.body).toEqual({
            agent: {
              id: uuid,
              tenant_id: tenant.id,
              name: "orchestrator-main",
              agent_type: "orchestrator",
              status: "active",
              last_seen_at: timestamp,
              metadata: { model: "m1" },
              inserted_at: timestamp,
              updated_at: timestamp,
            },
          })
          const agentId = read(Schema.Struct({ agent: Schema.Struct({ id: Schema.String }) }), registered)
            .agent.id
          const orchestrator = yield* issueKey(tenant.userKey, {
            name: "orchestrator-main",
            role: "orchestrator",
            agent_id: agentId,
          })
          const shown = yield* call("GET", `/api/v1/agents/${agentId}`, { key: orchestrator.raw })
          expect(shown.status).toBe(200)
          expect(
            read(Schema.Struct({ agent: Schema.Struct({ name: Schema.String }) }), shown).agent.name,
          ).toBe("orchestrator-main")
          // One agent per agent key: the second registration is 409 and names the agent.
          const second = yield* call("POST", "/api/v1/agents/register", {
            key: bootstrap.api_key.raw_key,
            body: { name: "another", agent_type: "implementer" },
          })
          expect(second.status).toBe(409)
          expect(second.body).toEqual({
            error: {
              status: 409,
              message: `This API key is already bound to agent ${agentId}. Create a new agent-role key to register another agent.`,
              agent_id: agentId,
            },
          })
        }),
      )

      it.effect("agent registration refuses a taken name, an unknown type and other roles", () =>
        Effect.gen(function* () {
          const tenant = yield* staffedTenant("reg")
          const fresh = yield* issueKey(tenant.userKey, { name: "worker-2", role: "agent" })
          const taken = yield* call("POST", "/api/v1/agents/register", {
            key: fresh.raw,
            body: { name: "worker-1", agent_type: "implementer" },
          })
          expect(taken.status).toBe(422)
          expect(taken.body).toEqual({
            error: {
              status: 422,
              message: "Validation failed",
              details: { tenant_id: ["has already been taken for this tenant"] },
            },
          })
          const robot = yield* call("POST", "/api/v1/agents/register", {
            key: fresh.raw,
            body: { name: "r2", agent_type: "robot" },
          })
          expect(robot.status).toBe(422)
          expect(robot.body).toEqual({
            error: {
              status: 422,
              message: "Validation failed",
              details: { agent_type: ["must be one of: orchestrator, implementer"] },
            },
          })
          // The key stayed unbound, so a retry with another name works.
          expect(yield* registerAgent(fresh.raw, "worker-2", "implementer")).toEqual(expect.any(String))
          const byUser = yield* call("POST", "/api/v1/agents/register", {
            key: tenant.userKey,
            body: { name: "u", agent_type: "implementer" },
          })
          expect(byUser.status).toBe(403)
          expect(byUser.body).toEqual(envelope(403, "This endpoint requires the agent role"))
        }),
      )

      it.effect("lists agents with the original's keys beside data and meta, filtered and paged", () =>
        Effect.gen(function* () {
          const tenant = yield* staffedTenant("list")
          const page = yield* call("GET", "/api/v1/agents?agent_type=implementer&page_size=1", {
            key: tenant.orchestratorKey,
          })
          expect(page.status).toBe(200)
          expect(page.body).toMatchObject({
            agents: [{ id: tenant.workerAgentId, agent_type: "implementer" }],
            total: 1,
            page: 1,
            page_size: 1,
            data: [{ id: tenant.workerAgentId }],
            meta: { page: 1, page_size: 1, total_count: 1, total_pages: 1 },
          })
          const bogus = yield* call("GET", "/api/v1/agents?sort_by=bogus", { key: tenant.userKey })
          expect(bogus.status).toBe(400)
          expect(bogus.body).toMatchObject({ error: { details: { sort_by: [expect.any(String)] } } })
          const all = yield* call("GET", "/api/v1/agents?limit=500", { key: tenant.userKey })
          expect(all.body).toMatchObject({ total: 2, page_size: 100, meta: { page_size: 100 } })
          expect(idsOf("agents", all.body)).toEqual([tenant.orchestratorAgentId, tenant.workerAgentId])
          const missing = yield* call("GET", `/api/v1/agents/${randomUUID()}`, {
            key: tenant.orchestratorKey,
          })
          expect(missing.status).toBe(404)
          expect(missing.body).toEqual(envelope(404, "Not found"))
          const malformed = yield* call("GET", "/api/v1/agents/not-a-uuid", { key: tenant.orchestratorKey })
          expect(malformed.status).toBe(404)
          expect(malformed.body).toEqual(envelope(404, "Not found"))
        }),
      )

      it.effect("key creation: the spec's refusals in order, agent links checked in the tenant", () =>
        Effect.gen(function* () {
          const tenant = yield* provisionTenant("keys")
          const superadmin = yield* call("POST", "/api/v1/api_keys", {
            key: tenant.userKey,
            body: { name: "root", role: "superadmin" },
          })
          expect(superadmin.status).toBe(403)
          expect(superadmin.body).toEqual(envelope(403, "Forbidden"))
          const blank = yield* call("POST", "/api/v1/api_keys", {
            key: tenant.userKey,
            body: { role: "agent" },
          })
          expect(blank.status).toBe(422)
          expect(blank.body).toEqual({
            error: { status: 422, message: "Validation failed", details: { name: ["can't be blank"] } },
          })
          const unknownAgent = yield* call("POST", "/api/v1/api_keys", {
            key: tenant.userKey,
            body: { name: "o", role: "orchestrator", agent_id: randomUUID() },
          })
          expect(unknownAgent.status).toBe(422)
          expect(unknownAgent.body).toEqual({
            error: { status: 422, message: "Validation failed", details: { agent_id: ["does not exist"] } },
          })
          const capped = yield* call("PATCH", "/api/v1/tenants/me", {
            key: tenant.userKey,
            body: { settings: { max_api_keys: 2 } },
          })
          expect(capped.status).toBe(200)
          yield* issueKey(tenant.userKey, { name: "second", role: "agent" })
          const third = yield* call("POST", "/api/v1/api_keys", {
            key: tenant.userKey,
            body: { name: "third", role: "agent" },
          })
          expect(third.status).toBe(422)
          expect(third.body).toEqual(envelope(422, "API key limit reached (max: 2)"))
        }),
      )

      it.effect("lists keys newest first without secrets; revoke answers 200 and the key then gets 401", () =>
        Effect.gen(function* () {
          const tenant = yield* provisionTenant("revoke")
          const worker = yield* issueKey(tenant.userKey, { name: "w1", role: "agent" })
          const listed = yield* call("GET", "/api/v1/api_keys", { key: tenant.userKey })
          expect(listed.status).toBe(200)
          expect(idsOf("api_keys", listed.body)).toEqual([worker.id, tenant.userKeyId])
          expect(idsOf("data", listed.body)).toEqual([worker.id, tenant.userKeyId])
          expect(listed.body).toMatchObject({ meta: { page: 1, total_count: 2, total_pages: 1 } })
          expect(listed.text).not.toContain("raw_key")
          expect(listed.text).not.toContain("key_hash")
          expect(listed.text).not.toContain(worker.raw)
          const revoked = yield* call("DELETE", `/api/v1/api_keys/${worker.id}`, { key: tenant.userKey })
          expect(revoked.status).toBe(200)
          expect(revoked.body).toMatchObject({
            api_key: {
              id: worker.id,
              name: "w1",
              key_prefix: worker.raw.slice(0, 8),
              role: "agent",
              revoked_at: timestamp,
            },
          })
          const refused = yield* call("GET", "/api/v1/tenants/me", { key: worker.raw })
          expect(refused.status).toBe(401)
          expect(refused.body).toEqual(envelope(401, "Invalid API key"))
          expect(refused.headers.get("x-ratelimit-limit")).toBeNull()
          expect(
            idsOf("api_keys", (yield* call("GET", "/api/v1/api_keys", { key: tenant.userKey })).body),
          ).toEqual([tenant.userKeyId])
          const withRevoked = yield* call("GET", "/api/v1/api_keys?include_revoked=true", {
            key: tenant.userKey,
          })
          expect(idsOf("api_keys", withRevoked.body)).toEqual([worker.id, tenant.userKeyId])
          // Revoking twice is fine; a malformed or unknown id is 404.
          expect(
            (yield* call("DELETE", `/api/v1/api_keys/${worker.id}`, { key: tenant.userKey })).status,
          ).toBe(200)
          for (const id of ["not-a-uuid", randomUUID()]) {
            const missing = yield* call("DELETE", `/api/v1/api_keys/${id}`, { key: tenant.userKey })
            expect(missing.status).toBe(404)
            expect(missing.body).toEqual(envelope(404, "Not found"))
          }
          // An expiry in the past is refused (D26); a key past its expiry (here: rotated with no
          // grace period) is 401 as well.
          const past = yield* call("POST", "/api/v1/api_keys", {
            key: tenant.userKey,
            body: { name: "old", role: "agent", expires_at: "2020-01-01T00:00:00Z" },
          })
          expect(past.status).toBe(422)
          expect(past.body).toMatchObject({ error: { details: { expires_at: ["must be in the future"] } } })
          const expired = yield* issueKey(tenant.userKey, { name: "old", role: "agent" })
          const rotatedNow = yield* call("POST", `/api/v1/api_keys/${expired.id}/rotate`, {
            key: tenant.userKey,
            body: { grace_period_hours: 0 },
          })
          expect(rotatedNow.status).toBe(201)
          expect((yield* call("GET", "/api/v1/tenants/me", { key: expired.raw })).body).toEqual(
            envelope(401, "Invalid API key"),
          )
        }),
      )

      it.effect(
        "rotation: a new key now, the old one for the grace period (at most 168 h), agent links kept",
        () =>
          Effect.gen(function* () {
            const tenant = yield* staffedTenant("rotate")
            const keys = yield* call("GET", "/api/v1/api_keys", { key: tenant.userKey })
            const Listed = Schema.Struct({
              api_keys: Schema.Array(
                Schema.Struct({
                  id: Schema.String,
                  name: Schema.String,
                  agent_id: Schema.NullOr(Schema.String),
                }),
              ),
            })
            const worker = read(Listed, keys).api_keys.find((key) => key.name === "worker-1")
            expect(worker?.agent_id).toBe(tenant.workerAgentId)
            // D26: more than 168 hours is refused, not capped.
            const tooLong = yield* call("POST", `/api/v1/api_keys/${worker?.id}/rotate`, {
              key: tenant.userKey,
              body: { grace_period_hours: 500 },
            })
            expect(tooLong.status).toBe(422)
            expect(tooLong.body).toMatchObject({
              error: { details: { grace_period_hours: [expect.any(String)] } },
            })
            const before = Date.now()
            const rotated = yield* call("POST", `/api/v1/api_keys/${worker?.id}/rotate`, {
              key: tenant.userKey,
              body: { grace_period_hours: 168 },
            })
            expect(rotated.status).toBe(201)
            expect(rotated.body).toEqual({
              new_key: {
                id: uuid,
                raw_key: expect.stringMatching(rawKeyShape),
                key_prefix: expect.any(String),
                role: "agent",
                name: "worker-1",
                agent_id: tenant.workerAgentId,
                expires_at: null,
                inserted_at: timestamp,
              },
              old_key_expires_at: timestamp,
            })
            const { new_key, old_key_expires_at } = read(
              Schema.Struct({
                new_key: Schema.Struct({ raw_key: Schema.String }),
                old_key_expires_at: Schema.String,
              }),
              rotated,
            )
            issuedKeys.push(new_key.raw_key)
            const graceHours = (Date.parse(old_key_expires_at) - before) / 3_600_000
            expect(graceHours).toBeGreaterThan(167.9)
            expect(graceHours).toBeLessThan(168.1)
            // Both keys work; both act as the same agent (a second registration is refused for both).
            for (const key of [tenant.workerKey, new_key.raw_key]) {
              const again = yield* call("POST", "/api/v1/agents/register", {
                key,
                body: { name: "x", agent_type: "implementer" },
              })
              expect(again.status).toBe(409)
              expect(again.body).toMatchObject({ error: { agent_id: tenant.workerAgentId } })
            }
            // The default grace is 24 hours; a revoked key cannot be rotated.
            const user2 = yield* issueKey(tenant.userKey, { name: "user-2", role: "user" })
            const defaulted = yield* call("POST", `/api/v1/api_keys/${user2.id}/rotate`, {
              key: tenant.userKey,
            })
            expect(defaulted.status).toBe(201)
            const hours =
              (Date.parse(
                read(Schema.Struct({ old_key_expires_at: Schema.String }), defaulted).old_key_expires_at,
              ) -
                Date.now()) /
              3_600_000
            expect(hours).toBeGreaterThan(23.9)
            expect(hours).toBeLessThan(24.1)
            issuedKeys.push(
              read(Schema.Struct({ new_key: Schema.Struct({ raw_key: Schema.String }) }), defaulted).new_key
                .raw_key,
            )
            yield* call("DELETE", `/api/v1/api_keys/${user2.id}`, { key: tenant.userKey })
            const revoked = yield* call("POST", `/api/v1/api_keys/${user2.id}/rotate`, {
              key: tenant.userKey,
            })
            expect(revoked.status).toBe(422)
            expect(revoked.body).toEqual(envelope(422, "Cannot rotate a revoked key"))
            const malformed = yield* call("POST", "/api/v1/api_keys/nope/rotate", { key: tenant.userKey })
            expect(malformed.body).toEqual(envelope(404, "Not found"))
          }),
      )
    })

    describe("a tenant's own view (platform.md §1)", () => {
      it.effect("GET /tenants/me for every role; PATCH merges settings and ignores status", () =>
        Effect.gen(function* () {
          const tenant = yield* staffedTenant("me")
          for (const key of [tenant.userKey, tenant.orchestratorKey, tenant.workerKey]) {
            const me = yield* call("GET", "/api/v1/tenants/me", { key })
            expect(me.status).toBe(200)
            expect(me.body).toMatchObject({ tenant: { id: tenant.id, settings: {}, status: "active" } })
          }
          const first = yield* call("PATCH", "/api/v1/tenants/me", {
            key: tenant.userKey,
            body: { settings: { rate_limit_requests_per_minute: 500, custom: "kept" }, status: "suspended" },
          })
          expect(first.status).toBe(200)
          const second = yield* call("PATCH", "/api/v1/tenants/me", {
            key: tenant.userKey,
            body: { settings: { max_projects: 5 }, name: "Renamed", token_data_retention_days: 30 },
          })
          expect(second.status).toBe(200)
          expect(second.body).toMatchObject({
            tenant: {
              name: "Renamed",
              status: "active",
              token_data_retention_days: 30,
              settings: { rate_limit_requests_per_minute: 500, custom: "kept", max_projects: 5 },
            },
          })
          expect((yield* call("GET", "/api/v1/tenants/me", { key: tenant.workerKey })).body).toMatchObject({
            tenant: { name: "Renamed", settings: { max_projects: 5 } },
          })
          const byAgent = yield* call("PATCH", "/api/v1/tenants/me", { key: tenant.workerKey, body: {} })
          expect(byAgent.status).toBe(403)
          expect(byAgent.body).toEqual(envelope(403, "Insufficient permissions. Required role: user"))
        }),
      )

      it.effect("PATCH validates what it stores", () =>
        Effect.gen(function* () {
          const tenant = yield* provisionTenant("valid")
          const other = yield* provisionTenant("taken")
          const cases: ReadonlyArray<
            readonly [Record<string, unknown>, Record<string, ReadonlyArray<string>>]
          > = [
            [{ token_data_retention_days: 10 }, { token_data_retention_days: ["must be at least 30 days"] }],
            [
              { settings: { knowledge_auto_extract: "yes" } },
              { settings: ["knowledge_auto_extract must be a boolean"] },
            ],
            [
              { settings: { rate_limit_requests_per_minute: "abc" } },
              { settings: ["rate_limit_requests_per_minute must be an integer between 1 and 100000"] },
            ],
            [{ settings: ["not", "an", "object"] }, { settings: ["is invalid"] }],
            [{ slug: other.slug }, { slug: ["has already been taken"] }],
          ]
          for (const [body, details] of cases) {
            const answer = yield* call("PATCH", "/api/v1/tenants/me", { key: tenant.userKey, body })
            expect({ body, status: answer.status }).toEqual({ body, status: 422 })
            expect(answer.body).toEqual({ error: { status: 422, message: "Validation failed", details } })
          }
          expect((yield* call("GET", "/api/v1/tenants/me", { key: tenant.userKey })).body).toMatchObject({
            tenant: { slug: tenant.slug, settings: {}, token_data_retention_days: null },
          })
        }),
      )

      it.effect("a superadmin reaches it only by impersonating (D21), and X-Effective-Role applies", () =>
        Effect.gen(function* () {
          const tenant = yield* staffedTenant("imp")
          const bare = yield* call("GET", "/api/v1/tenants/me", { key: rootKey })
          expect(bare.status).toBe(403)
          expect(bare.body).toEqual(envelope(403, "Superadmin must use X-Impersonate-Tenant header"))
          const impersonating = { "x-impersonate-tenant": tenant.id }
          const me = yield* call("GET", "/api/v1/tenants/me", { key: rootKey, headers: impersonating })
          expect(me.status).toBe(200)
          expect(me.body).toMatchObject({ tenant: { id: tenant.id } })
          expect(me.headers.get("x-ratelimit-limit")).toBeNull()
          for (const target of [randomUUID(), "not-a-uuid"]) {
            const unknown = yield* call("GET", "/api/v1/tenants/me", {
              key: rootKey,
              headers: { "x-impersonate-tenant": target },
            })
            expect(unknown.status).toBe(404)
            expect(unknown.body).toEqual(envelope(404, "Tenant not found"))
          }
          const asAgent = yield* call("POST", "/api/v1/agents/register", {
            key: rootKey,
            headers: { ...impersonating, "x-effective-role": "agent" },
            body: { name: "ghost", agent_type: "implementer" },
          })
          expect(asAgent.status).toBe(422)
          expect(asAgent.body).toEqual(envelope(422, "Impersonated request has no agent identity"))
          const asAgentOnKeys = yield* call("GET", "/api/v1/api_keys", {
            key: rootKey,
            headers: { ...impersonating, "x-effective-role": "agent" },
          })
          expect(asAgentOnKeys.body).toEqual(envelope(403, "Insufficient permissions. Required role: user"))
          // Admin endpoints ignore both headers, even naming no tenant at all.
          const admin = yield* call("GET", "/api/v1/admin/stats", {
            key: rootKey,
            headers: { "x-impersonate-tenant": "not-a-uuid", "x-effective-role": "agent" },
          })
          expect(admin.status).toBe(200)
          // Another role's key ignores the headers: it stays in its own tenant.
          const other = yield* provisionTenant("other")
          const own = yield* call("GET", "/api/v1/tenants/me", {
            key: tenant.userKey,
            headers: { "x-impersonate-tenant": other.id },
          })
          expect(own.body).toMatchObject({ tenant: { id: tenant.id } })
        }),
      )
    })

    describe("isolation and status", () => {
      it.effect("tenant B gets 404 for tenant A's key and agent ids, and never sees A's data", () =>
        Effect.gen(function* () {
          const a = yield* staffedTenant("iso-a")
          const b = yield* staffedTenant("iso-b")
          const aKeys = idsOf("api_keys", (yield* call("GET", "/api/v1/api_keys", { key: a.userKey })).body)
          const aKey = aKeys[0] ?? "none"
          for (const [method, path] of [
            ["DELETE", `/api/v1/api_keys/${aKey}`],
            ["POST", `/api/v1/api_keys/${aKey}/rotate`],
            ["GET", `/api/v1/agents/${a.workerAgentId}`],
            ["GET", `/api/v1/agents/${a.orchestratorAgentId}`],
          ] as const) {
            const answer = yield* call(method, path, { key: b.userKey })
            expect({ method, path, status: answer.status }).toEqual({ method, path, status: 404 })
            expect(answer.body).toEqual(envelope(404, "Not found"))
          }
          const linked = yield* call("POST", "/api/v1/api_keys", {
            key: b.userKey,
            body: { name: "steal", role: "orchestrator", agent_id: a.orchestratorAgentId },
          })
          expect(linked.body).toEqual({
            error: { status: 422, message: "Validation failed", details: { agent_id: ["does not exist"] } },
          })
          const bKeys = (yield* call("GET", "/api/v1/api_keys?include_revoked=true", { key: b.userKey })).body
          const bAgents = (yield* call("GET", "/api/v1/agents", { key: b.userKey })).body
          for (const id of [...aKeys, a.workerAgentId, a.orchestratorAgentId, a.id]) {
            expect(JSON.stringify(bKeys)).not.toContain(id)
            expect(JSON.stringify(bAgents)).not.toContain(id)
          }
          expect(idsOf("agents", bAgents).sort()).toEqual([b.orchestratorAgentId, b.workerAgentId].sort())
          // A's key still works: B's attempts changed nothing.
          expect((yield* call("GET", `/api/v1/agents/${a.workerAgentId}`, { key: a.userKey })).status).toBe(
            200,
          )
          expect(
            idsOf("api_keys", (yield* call("GET", "/api/v1/api_keys", { key: a.userKey })).body),
          ).toEqual(aKeys)
        }),
      )

      it.effect("a suspended tenant's keys get 403 Access denied until it is activated", () =>
        Effect.gen(function* () {
          const tenant = yield* staffedTenant("susp")
          const suspended = yield* call("POST", `/api/v1/admin/tenants/${tenant.id}/suspend`, {
            key: rootKey,
          })
          expect(suspended.status).toBe(200)
          expect(suspended.body).toMatchObject({ tenant: { id: tenant.id, status: "suspended" } })
          for (const key of [tenant.userKey, tenant.orchestratorKey, tenant.workerKey]) {
            const denied = yield* call("GET", "/api/v1/tenants/me", { key })
            expect(denied.status).toBe(403)
            expect(denied.body).toEqual(envelope(403, "Access denied"))
            expect(denied.headers.get("x-ratelimit-limit")).toBeNull()
          }
          const twice = yield* call("POST", `/api/v1/admin/tenants/${tenant.id}/suspend`, { key: rootKey })
          expect(twice.status).toBe(422)
          expect(twice.body).toEqual(envelope(422, "Tenant is already suspended"))
          // The superadmin can still impersonate it.
          const impersonated = yield* call("GET", "/api/v1/tenants/me", {
            key: rootKey,
            headers: { "x-impersonate-tenant": tenant.id },
          })
          expect(impersonated.body).toMatchObject({ tenant: { status: "suspended" } })
          const activated = yield* call("POST", `/api/v1/admin/tenants/${tenant.id}/activate`, {
            key: rootKey,
          })
          expect(activated.status).toBe(200)
          expect(activated.body).toMatchObject({ tenant: { status: "active" } })
          expect((yield* call("GET", "/api/v1/tenants/me", { key: tenant.userKey })).status).toBe(200)
          const again = yield* call("POST", `/api/v1/admin/tenants/${tenant.id}/activate`, { key: rootKey })
          expect(again.status).toBe(422)
          expect(again.body).toEqual(envelope(422, "Tenant is already active"))
        }),
      )
    })

    describe("the superadmin's endpoints (platform.md §7)", () => {
      it.effect("list with search and status, show with counts, PATCH merging settings, stats", () =>
        Effect.gen(function* () {
          const marker = randomUUID().slice(0, 6)
          const acme = yield* provisionTenant(`acme${marker}`)
          const globex = yield* staffedTenant(`globex${marker}`)
          yield* call("POST", `/api/v1/admin/tenants/${globex.id}/suspend`, { key: rootKey })
          const search = yield* call("GET", `/api/v1/admin/tenants?search=ACME${marker}`, { key: rootKey })
          expect(search.status).toBe(200)
          expect(search.body).toEqual({
            data: [
              {
                id: acme.id,
                name: `Tenant acme${marker}`,
                slug: acme.slug,
                email: `ops@${acme.slug}.test`,
                status: "active",
                project_count: 0,
                story_count: 0,
                agent_count: 0,
                api_key_count: 1,
                inserted_at: timestamp,
              },
            ],
            meta: { page: 1, page_size: 20, total_count: 1, total_pages: 1 },
          })
          const suspended = yield* call("GET", `/api/v1/admin/tenants?status=suspended&search=${marker}`, {
            key: rootKey,
          })
          expect(idsOf("data", suspended.body)).toEqual([globex.id])
          const shown = yield* call("GET", `/api/v1/admin/tenants/${globex.id}`, { key: rootKey })
          expect(shown.body).toEqual({
            tenant: {
              id: globex.id,
              name: `Tenant globex${marker}`,
              slug: globex.slug,
              email: `ops@${globex.slug}.test`,
              settings: {},
              status: "suspended",
              project_count: 0,
              story_count: 0,
              epic_count: 0,
              agent_count: 2,
              api_key_count: 4,
              inserted_at: timestamp,
              updated_at: timestamp,
            },
          })
          yield* call("PATCH", `/api/v1/admin/tenants/${acme.id}`, {
            key: rootKey,
            body: { settings: { b: 2 } },
          })
          const patched = yield* call("PATCH", `/api/v1/admin/tenants/${acme.id}`, {
            key: rootKey,
            body: { settings: { a: 1 }, status: "suspended" },
          })
          expect(patched.status).toBe(200)
          expect(patched.body).toMatchObject({ tenant: { settings: { a: 1, b: 2 }, status: "active" } })
          for (const id of [randomUUID(), "not-a-uuid"]) {
            const missing = yield* call("GET", `/api/v1/admin/tenants/${id}`, { key: rootKey })
            expect(missing.status).toBe(404)
            expect(missing.body).toEqual(envelope(404, "Not found"))
          }
          const stats = yield* call("GET", "/api/v1/admin/stats", { key: rootKey })
          expect(stats.body).toEqual({
            stats: {
              total_tenants: expect.any(Number),
              tenants_active: expect.any(Number),
              tenants_suspended: expect.any(Number),
              tenants_deactivated: 0,
              total_projects: 0,
              total_epics: 0,
              total_stories: 0,
              total_agents: expect.any(Number),
              total_api_keys: expect.any(Number),
              stories_by_agent_status: {
                pending: 0,
                contracted: 0,
                assigned: 0,
                implementing: 0,
                reported_done: 0,
              },
              stories_by_verified_status: { unverified: 0, verified: 0, rejected: 0 },
              active_stories: 0,
              active_agents: expect.any(Number),
            },
          })
          const figures = read(
            Schema.Struct({
              stats: Schema.Struct({ tenants_suspended: Schema.Number, active_agents: Schema.Number }),
            }),
            stats,
          ).stats
          expect(figures.tenants_suspended).toBeGreaterThanOrEqual(1)
          expect(figures.active_agents).toBeGreaterThanOrEqual(2)
        }),
      )
    })

    describe("the typed client of @loopctl/http/api", () => {
      const client = typedClient

      it.effect("decodes successes into the core's classes and 403/409 envelopes into its errors", () =>
        Effect.gen(function* () {
          const root = yield* client(rootKey)
          const slug = uniqueSlug("typed")
          const made = yield* root.admin.createTenant({
            payload: { name: "Typed", slug, email: `ops@${slug}.test` },
          })
          expect(made.tenant).toBeInstanceOf(Tenant)
          expect(made.api_key).toBeInstanceOf(IssuedApiKey)
          issuedKeys.push(made.api_key.raw_key)
          const duplicate = yield* Effect.flip(
            root.admin.createTenant({ payload: { name: "Again", slug, email: `ops@${slug}.test` } }),
          )
          expect(duplicate).toBeInstanceOf(Conflict)
          expect(duplicate).toEqual(new Conflict({ message: "Slug already taken" }))
          const outside = yield* Effect.flip(root.tenants.me())
          expect(outside).toBeInstanceOf(Forbidden)
          expect(outside).toEqual(
            new Forbidden({ message: "Superadmin must use X-Impersonate-Tenant header" }),
          )
          const user = yield* client(made.api_key.raw_key)
          const agentKey = yield* user.apiKeys.create({ payload: { name: "typed-agent", role: "agent" } })
          issuedKeys.push(agentKey.api_key.raw_key)
          const agent = yield* client(agentKey.api_key.raw_key)
          const registered = yield* agent.agents.register({
            payload: { name: "typed", agent_type: "implementer" },
          })
          expect(registered.agent).toBeInstanceOf(Agent)
          const bound = yield* Effect.flip(
            agent.agents.register({ payload: { name: "again", agent_type: "implementer" } }),
          )
          expect(bound).toBeInstanceOf(Conflict)
          expect(bound).toMatchObject({ _tag: "Conflict", agent_id: registered.agent.id })
          const wrongRole = yield* Effect.flip(agent.apiKeys.list({ urlParams: {} }))
          expect(wrongRole).toEqual(
            new Forbidden({ message: "Insufficient permissions. Required role: user" }),
          )
        }),
      )
    })

    describe("key storage", () => {
      it.effect("no raw key handed out in this file appears anywhere in the database", () =>
        Effect.gen(function* () {
          expect(issuedKeys.length).toBeGreaterThan(20)
          for (const raw of [rootKey, ...issuedKeys]) {
            const { columns, found } = yield* storedOccurrences(raw)
            expect(columns).toBeGreaterThan(50)
            expect({ raw, found }).toEqual({ raw, found: 0 })
          }
          // The scan does see what is stored: the root key's hash is in api_keys.
          const hash = createHash("sha256").update(rootKey).digest("hex")
          expect((yield* storedOccurrences(hash)).found).toBe(1)
        }),
      )
    })
  })
}
