import { randomUUID } from "node:crypto"
import { describe, expect, layer } from "@effect/vitest"
import {
  Access,
  IdentityActions,
  Importer,
  ProjectPlanning,
  Rules,
  Stories,
  StoryActions,
  type StoryId,
  StoryLifecycle,
  UnitOfWork,
  WorkActions,
  actingAs,
  policyUse,
} from "@loopctl/core"
import { Effect, Layer } from "effect"
import { performAs } from "../../../core/test/fixtures/perform-as.js"
import {
  type LoggedLine,
  collectLogs,
  databaseUrl,
  pgliteBackend,
  postgresBackend,
  realServer,
  rootKey,
  send,
} from "../support/support.js"

/**
 * The audit endpoints of the real server (real keys, real use cases) on a random port, over
 * PGlite and, when DATABASE_URL is set, Postgres. Tenants and keys are made through the core's
 * Access on the server's own layer; entries come from real mutations (a tenant, an agent's
 * registration, a project, an import, a contract and a claim). Each test makes its own tenant.
 */

const logs: Array<LoggedLine> = []

const backends = [
  { name: "PGlite", database: pgliteBackend },
  ...(databaseUrl === undefined ? [] : [{ name: "Postgres", database: postgresBackend(databaseUrl) }]),
]

const envelope = (status: number, message: string) => ({ error: { status, message } })

const actorOf = (rawKey: string) =>
  Effect.flatMap(Access, (access) =>
    Effect.flatMap(access.authenticate(rawKey), ({ caller }) => Rules.Access.requireTenantScope(caller)),
  )

/**
 * A fresh tenant made by the superadmin, with its user key, an orchestrator key and an agent key
 * whose agent ("implementer") is registered.
 */
const organisation = Effect.gen(function* () {
  const access = yield* Access
  const root = (yield* access.authenticate(rootKey)).caller
  const slug = `audit-${randomUUID().slice(0, 8)}`
  const made = yield* access
    .createTenant({ name: slug, slug, email: `${slug}@example.com` })
    .pipe(policyUse(IdentityActions.createTenant), actingAs(root))
  const userKey = made.api_key.raw_key
  const user = yield* actorOf(userKey)
  const newKey = (name: string, role: "agent" | "orchestrator") =>
    access.createApiKey({ name, role }).pipe(policyUse(IdentityActions.createApiKey), actingAs(user))
  const agentKey = (yield* newKey("implementer", "agent")).raw_key
  const agent = yield* access
    .registerAgent({ name: "implementer", agent_type: "implementer" })
    .pipe(policyUse(IdentityActions.registerAgent), actingAs(yield* actorOf(agentKey)))
  const orchestratorKey = (yield* newKey("lead", "orchestrator")).raw_key
  return {
    tenant: made.tenant,
    agent,
    user,
    implementer: yield* actorOf(agentKey),
    keys: { user: userKey, agent: agentKey, orchestrator: orchestratorKey },
  }
})

type Organisation = Effect.Effect.Success<typeof organisation>

const breakdown = {
  epics: [
    {
      number: 1,
      title: "Accounts",
      stories: [
        { number: "1.1", title: "Sign up", acceptance_criteria: [{ id: "AC-1", description: "form" }] },
        { number: "1.2", title: "Log in", acceptance_criteria: [] },
      ],
    },
  ],
}

/** The user creates a project and imports two stories; the implementer contracts and claims 1.1. */
const work = (org: Organisation) =>
  Effect.gen(function* () {
    const project = yield* (yield* ProjectPlanning)
      .createProject({ name: "Shop", slug: "shop" })
      .pipe(performAs(org.user, WorkActions.createProject))
    yield* (yield* Importer)
      .importProject(project.id, breakdown)
      .pipe(performAs(org.user, WorkActions.importWork))
    const stories = yield* Effect.flatMap(UnitOfWork, (uow) =>
      uow.transact(
        org.tenant.id,
        Effect.flatMap(Stories, (s) => s.listAllByProject(project.id)),
      ),
    )
    const byNumber = (n: string): StoryId => {
      const found = stories.find((s) => s.number === n)
      if (found === undefined) throw new Error(`no story ${n}`)
      return found.id
    }
    const s11 = byNumber("1.1")
    const lifecycle = yield* StoryLifecycle
    yield* performAs(
      org.implementer,
      StoryActions.contract,
    )(lifecycle.contract(s11, { story_title: "Sign up", ac_count: 1 }))
    yield* performAs(org.implementer, StoryActions.claim)(lifecycle.claim(s11))
    return { project, s11, s12: byNumber("1.2") }
  })

const get = (path: string, key: string, headers: Record<string, string> = {}) =>
  send(path, { headers: { authorization: `Bearer ${key}`, ...headers } })

/** The body of an answer as a record (fails the test when it is not one). */
const record = (body: unknown): Record<string, unknown> => {
  if (typeof body !== "object" || body === null || Array.isArray(body)) throw new Error("not an object")
  return Object.fromEntries(Object.entries(body))
}

/** The `data` rows of a list answer. */
const rows = (body: unknown): ReadonlyArray<Record<string, unknown>> => {
  const data = record(body).data
  if (!Array.isArray(data)) throw new Error("no data array")
  return data.map(record)
}

const labels = (body: unknown) => rows(body).map((row) => `${String(row.entity_type)}/${String(row.action)}`)

const PAST = "2020-01-01T00:00:00Z"

for (const { name, database } of backends) {
  const server = realServer(database).pipe(Layer.provide(collectLogs(logs)))

  layer(server, { timeout: 60_000, excludeTestServices: true })(`the audit endpoints on ${name}`, (it) => {
    describe("GET /api/v1/audit", () => {
      it.effect("lists the tenant's entries newest first, with pagination and meta", () =>
        Effect.gen(function* () {
          const org = yield* organisation
          const { project, s11 } = yield* work(org)
          const answer = yield* get("/api/v1/audit", org.keys.user)
          expect(answer.status).toBe(200)
          const listed = labels(answer.body)
          expect(listed.slice(0, 7)).toEqual([
            "story/status_changed",
            "story/status_changed",
            "project/imported",
            "project/created",
            "api_key/created",
            "agent/registered",
            "api_key/created",
          ])
          // One transaction wrote the tenant and its first key: they share one instant.
          expect(listed.slice(7).sort()).toEqual(["api_key/created", "tenant/tenant_created"])
          const body = record(answer.body)
          expect(body.pagination).toEqual({ total: 9, page: 1, page_size: 20 })
          expect(body.meta).toEqual({ page: 1, page_size: 20, total_count: 9, total_pages: 1 })
          const [claim] = rows(answer.body)
          expect(claim).toEqual({
            id: expect.any(String),
            entity_type: "story",
            entity_id: s11,
            action: "status_changed",
            actor_type: "api_key",
            actor_id: org.implementer.api_key_id,
            actor_label: "agent:implementer",
            old_state: { agent_status: "contracted" },
            new_state: expect.objectContaining({ agent_status: "assigned", agent_id: org.agent.id }),
            project_id: project.id,
            metadata: {},
            inserted_at: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$/),
          })
        }),
      )

      it.effect("filters by entity, action, actor, project and time; pages and clamps", () =>
        Effect.gen(function* () {
          const org = yield* organisation
          const { project, s11 } = yield* work(org)
          const query = (params: string) =>
            Effect.map(get(`/api/v1/audit?${params}`, org.keys.user), (a) => a.body)
          // Scenario 49: the agent's registration.
          const agents = yield* query("entity_type=agent")
          expect(rows(agents)).toHaveLength(1)
          expect(rows(agents)[0]).toMatchObject({ entity_id: org.agent.id, action: "registered" })
          expect(labels(yield* query(`entity_id=${s11.toUpperCase()}`))).toEqual([
            "story/status_changed",
            "story/status_changed",
          ])
          expect(labels(yield* query(`project_id=${project.id}&action=imported`))).toEqual([
            "project/imported",
          ])
          expect(labels(yield* query(`actor_id=${org.implementer.api_key_id}`))).toEqual([
            "story/status_changed",
            "story/status_changed",
            "agent/registered",
          ])
          expect(labels(yield* query("actor_type=superadmin")).sort()).toEqual([
            "api_key/created",
            "tenant/tenant_created",
          ])
          expect(rows(yield* query("entity_type=&action=&entity_id=&from=&to="))).toHaveLength(9)
          const all = rows(yield* query(""))
          const claimedAt = String(all[0]?.inserted_at)
          const contractedAt = String(all[1]?.inserted_at)
          expect(labels(yield* query(`from=${contractedAt}&to=${claimedAt}`))).toEqual([
            "story/status_changed",
            "story/status_changed",
          ])
          expect(rows(yield* query(`from=${encodeURIComponent(claimedAt)}`))).toHaveLength(1)
          // D26: a bound that is no time is refused, naming it, not ignored.
          const untimed = yield* get("/api/v1/audit?from=not-a-time&to=2026-13-45T00:00:00Z", org.keys.user)
          expect(untimed.status).toBe(400)
          expect(Object.keys(record(record(record(untimed.body).error).details))).toEqual(["from", "to"])
          // Scenario 51: page_size is clamped.
          const clamped = record(yield* query("page_size=500"))
          expect(clamped.pagination).toEqual({ total: 9, page: 1, page_size: 100 })
          expect(clamped.meta).toEqual({ page: 1, page_size: 100, total_count: 9, total_pages: 1 })
          const second = yield* query("page=2&limit=4")
          expect(record(second).meta).toEqual({ page: 2, page_size: 4, total_count: 9, total_pages: 3 })
          expect(rows(second).map((row) => row.id)).toEqual(all.slice(4, 8).map((row) => row.id))
          const malformed = yield* get("/api/v1/audit?entity_id=not-a-uuid", org.keys.user)
          expect(malformed.status).toBe(404)
        }),
      )

      it.effect("needs the user role; a superadmin must impersonate (D21)", () =>
        Effect.gen(function* () {
          const org = yield* organisation
          const minUser = envelope(403, "Insufficient permissions. Required role: user")
          // Scenario 50.
          expect((yield* get("/api/v1/audit", org.keys.orchestrator)).body).toEqual(minUser)
          expect((yield* get("/api/v1/audit", org.keys.agent)).body).toEqual(minUser)
          const bare = yield* get("/api/v1/audit", rootKey)
          expect(bare.status).toBe(403)
          expect(bare.body).toEqual(envelope(403, "Superadmin must use X-Impersonate-Tenant header"))
          const impersonating = yield* get("/api/v1/audit", rootKey, {
            "x-impersonate-tenant": org.tenant.id,
          })
          expect(impersonating.status).toBe(200)
          expect(record(impersonating.body).pagination).toMatchObject({ total: 5 })
          expect((yield* send("/api/v1/audit")).status).toBe(401)
        }),
      )

      it.effect("never shows another tenant's entries", () =>
        Effect.gen(function* () {
          const a = yield* organisation
          const { s11 } = yield* work(a)
          const b = yield* organisation
          const theirs = yield* get("/api/v1/audit", b.keys.user)
          expect(labels(theirs.body).sort()).toEqual([
            "agent/registered",
            "api_key/created",
            "api_key/created",
            "api_key/created",
            "tenant/tenant_created",
          ])
          expect(rows(theirs.body).every((row) => row.entity_id !== a.tenant.id)).toBe(true)
          expect(rows((yield* get(`/api/v1/audit?entity_id=${s11}`, b.keys.user)).body)).toEqual([])
        }),
      )
    })

    describe("GET /api/v1/changes", () => {
      it.effect("needs since, as an instant with a zone (scenario 52)", () =>
        Effect.gen(function* () {
          const org = yield* organisation
          expect((yield* get("/api/v1/changes", org.keys.agent)).body).toEqual(
            envelope(400, "The 'since' parameter is required"),
          )
          const invalid = {
            error: {
              ...envelope(
                400,
                "Invalid timestamp format for 'since'. Expected ISO8601 (e.g., 2026-01-01T00:00:00Z)",
              ).error,
              details: { since: ["must be an ISO 8601 time with Z or an offset, e.g. 2026-01-01T00:00:00Z"] },
            },
          }
          expect((yield* get("/api/v1/changes?since=2026-01-01T00:00:00", org.keys.agent)).body).toEqual(
            invalid,
          )
          expect((yield* get("/api/v1/changes?since=soon", org.keys.user)).body).toEqual(invalid)
          // The since check comes before the superadmin's tenant check.
          expect((yield* get("/api/v1/changes", rootKey)).status).toBe(400)
          expect((yield* get(`/api/v1/changes?since=${PAST}`, rootKey)).body).toEqual(
            envelope(403, "Superadmin must use X-Impersonate-Tenant header"),
          )
        }),
      )

      it.effect("answers any role, oldest first, without old_state or actor_id (scenario 54)", () =>
        Effect.gen(function* () {
          const org = yield* organisation
          const { s11 } = yield* work(org)
          for (const key of [org.keys.orchestrator, org.keys.user]) {
            const answer = yield* get(`/api/v1/changes?since=${PAST}`, key)
            expect(answer.status).toBe(200)
            expect(record(answer.body)).toMatchObject({ has_more: false, next_since: null })
            expect(labels(answer.body).slice(2)).toEqual([
              "api_key/created",
              "agent/registered",
              "api_key/created",
              "project/created",
              "project/imported",
              "story/status_changed",
              "story/status_changed",
            ])
          }
          // D24: an agent key sees the work alone (no tenant, key or agent entries).
          const agentFeed = yield* get(`/api/v1/changes?since=${PAST}`, org.keys.agent)
          expect(agentFeed.status).toBe(200)
          expect(labels(agentFeed.body)).toEqual([
            "project/created",
            "project/imported",
            "story/status_changed",
            "story/status_changed",
          ])
          const feed = yield* get(`/api/v1/changes?since=${PAST}&entity_type=story`, org.keys.agent)
          const last = rows(feed.body)[1]
          expect(last).toEqual({
            id: expect.any(String),
            entity_type: "story",
            entity_id: s11,
            action: "status_changed",
            actor_type: "api_key",
            actor_label: "agent:implementer",
            new_state: expect.objectContaining({ agent_status: "assigned" }),
            project_id: expect.any(String),
            metadata: {},
            inserted_at: expect.any(String),
          })
          expect(Object.keys(last ?? {})).not.toContain("old_state")
          expect(Object.keys(last ?? {})).not.toContain("actor_id")
          const imported = yield* get(`/api/v1/changes?since=${PAST}&action=imported`, org.keys.agent)
          expect(labels(imported.body)).toEqual(["project/imported"])
        }),
      )

      it.effect(
        "pages with limit and next_since, losing nothing and never splitting a transaction (scenario 53)",
        () =>
          Effect.gen(function* () {
            const org = yield* organisation
            yield* work(org)
            // The orchestrator's feed holds every kind of entry (an agent's holds the work only, D24).
            const everything = rows((yield* get(`/api/v1/changes?since=${PAST}`, org.keys.orchestrator)).body)
            expect(everything).toHaveLength(9)

            const first = yield* get(`/api/v1/changes?since=${PAST}&limit=1`, org.keys.orchestrator)
            // The tenant and its first key were written in one transaction: one batch holds both.
            expect(labels(first.body).sort()).toEqual(["api_key/created", "tenant/tenant_created"])
            expect(record(first.body)).toMatchObject({
              has_more: true,
              next_since: everything[1]?.inserted_at,
            })

            const seen: Array<unknown> = []
            let since = PAST
            for (let round = 0; round < 20; round++) {
              const answer = yield* get(
                `/api/v1/changes?since=${encodeURIComponent(since)}&limit=2`,
                org.keys.orchestrator,
              )
              expect(answer.status).toBe(200)
              seen.push(...rows(answer.body).map((row) => row.id))
              const { has_more, next_since } = record(answer.body)
              if (has_more === false) {
                expect(next_since).toBeNull()
                break
              }
              expect(next_since).toBe(rows(answer.body).at(-1)?.inserted_at)
              since = String(next_since)
            }
            expect(seen).toEqual(everything.map((row) => row.id))
            // D26: a limit below 1 is refused, naming it; one above 1000 is served as 1000.
            const garbage = yield* get(`/api/v1/changes?since=${PAST}&limit=-5`, org.keys.orchestrator)
            expect(garbage.status).toBe(400)
            expect(garbage.body).toMatchObject({ error: { details: { limit: [expect.any(String)] } } })
            expect(
              rows((yield* get(`/api/v1/changes?since=${PAST}&limit=5000`, org.keys.orchestrator)).body),
            ).toHaveLength(9)
          }),
      )

      it.effect("never shows another tenant's entries", () =>
        Effect.gen(function* () {
          const a = yield* organisation
          yield* work(a)
          const b = yield* organisation
          const theirs = yield* get(`/api/v1/changes?since=${PAST}`, b.keys.orchestrator)
          expect(rows(theirs.body)).toHaveLength(5)
          expect(labels(theirs.body).some((label) => label.startsWith("story/"))).toBe(false)
        }),
      )
    })

    describe("GET /api/v1/stories/:id/history", () => {
      it.effect("lists the story's entries oldest first, for any role (scenario 55)", () =>
        Effect.gen(function* () {
          const org = yield* organisation
          const { s11, s12 } = yield* work(org)
          for (const key of [org.keys.agent, org.keys.orchestrator, org.keys.user]) {
            const answer = yield* get(`/api/v1/stories/${s11}/history`, key)
            expect(answer.status).toBe(200)
            expect(rows(answer.body).map((row) => row.action)).toEqual(["status_changed", "status_changed"])
            expect(rows(answer.body).map((row) => record(row.new_state).agent_status)).toEqual([
              "contracted",
              "assigned",
            ])
            expect(record(answer.body).pagination).toEqual({ total: 2, page: 1, page_size: 100 })
            expect(record(answer.body).meta).toEqual({
              page: 1,
              page_size: 100,
              total_count: 2,
              total_pages: 1,
            })
          }
          const [first] = rows(
            (yield* get(`/api/v1/stories/${s11.toUpperCase()}/history`, org.keys.agent)).body,
          )
          expect(Object.keys(first ?? {}).sort()).toEqual([
            "action",
            "actor_id",
            "actor_label",
            "actor_type",
            "entity_type",
            "id",
            "inserted_at",
            "metadata",
            "new_state",
            "old_state",
          ])
          const paged = yield* get(`/api/v1/stories/${s11}/history?page=2&page_size=1`, org.keys.agent)
          expect(record(paged.body).pagination).toEqual({ total: 2, page: 2, page_size: 1 })
          expect(rows(paged.body).map((row) => record(row.new_state).agent_status)).toEqual(["assigned"])
          // A story with no entries of its own yet has an empty history.
          const quiet = yield* get(`/api/v1/stories/${s12}/history`, org.keys.agent)
          expect(quiet.status).toBe(200)
          expect(rows(quiet.body)).toEqual([])
        }),
      )

      it.effect("answers 404 for unknown, malformed and other tenants' ids", () =>
        Effect.gen(function* () {
          const a = yield* organisation
          const { s11, project } = yield* work(a)
          const b = yield* organisation
          expect((yield* get(`/api/v1/stories/${randomUUID()}/history`, a.keys.agent)).status).toBe(404)
          expect((yield* get("/api/v1/stories/not-a-uuid/history", a.keys.agent)).status).toBe(404)
          expect((yield* get(`/api/v1/stories/${s11}/history`, b.keys.agent)).status).toBe(404)
          // An id some audit entry names counts as known, as in the original.
          const named = yield* get(`/api/v1/stories/${project.id}/history`, a.keys.agent)
          expect(named.status).toBe(200)
          expect((yield* get(`/api/v1/stories/${s11}/history`, rootKey)).body).toEqual(
            envelope(403, "Superadmin must use X-Impersonate-Tenant header"),
          )
          // The caller is judged before the path is read: a malformed id is a 403 here too.
          expect((yield* get("/api/v1/stories/not-a-uuid/history", rootKey)).body).toEqual(
            envelope(403, "Superadmin must use X-Impersonate-Tenant header"),
          )
          const impersonating = yield* get(`/api/v1/stories/${s11}/history`, rootKey, {
            "x-impersonate-tenant": a.tenant.id,
          })
          expect(rows(impersonating.body)).toHaveLength(2)
        }),
      )
    })
  })
}
