import { HttpApi } from "@effect/platform"
import { describe, expect, layer } from "@effect/vitest"
import { StoriesGroup, routeRules } from "@loopctl/api"
import { Effect, Layer } from "effect"
import { microsTimestamp } from "../support/answers.js"
import { type StaffedTenant, backends, call, envelope, staffedTenant } from "../support/identity-support.js"
import {
  type MatrixRow,
  anyTenantRole,
  checkRow,
  orchestratorOrAbove,
  userOrAbove,
} from "../support/matrix-support.js"
import {
  auditActions,
  expectStatus,
  keys,
  markVerified,
  metaOf,
  newEpic,
  newProject,
  newStory,
  record,
  rows,
  storyFields,
  unknownId,
} from "../support/story-support.js"
import { collectLogs, realServer } from "../support/support.js"

/**
 * The story endpoints of the real server (real keys, real use cases) on PGlite and, when
 * DATABASE_URL is set, Postgres: create, read, list, change and delete, the ready and blocked
 * queues, acceptance criteria, their 4xx answers and who may call each. Tests make their own
 * tenants; projects and epics are made through the API.
 */

/** A tenant with a project (mission set) and epics 1 and 2. */
const board = (label: string) =>
  Effect.gen(function* () {
    const tenant = yield* staffedTenant(label)
    const project = yield* newProject(tenant, { mission: "Sell things" })
    const e1 = yield* newEpic(tenant, project, 1)
    const e2 = yield* newEpic(tenant, project, 2)
    return { tenant, project, e1, e2 }
  })

const get = (tenant: StaffedTenant, path: string) => call("GET", path, { key: tenant.workerKey })

const numbersOf = (answer: Parameters<typeof rows>[0]) => rows(answer).map((row) => row.number)

for (const { name, database } of backends) {
  const server = realServer(database).pipe(Layer.provide(collectLogs([])))

  layer(server, { timeout: 120_000, excludeTestServices: true })(`the story endpoints on ${name}`, (it) => {
    describe("one story", () => {
      it.effect("is created pending and unverified, read with its relations, changed, and deleted", () =>
        Effect.gen(function* () {
          const { tenant, project, e1 } = yield* board("story-crud")
          const created = yield* call("POST", `/api/v1/epics/${e1}/stories`, {
            key: tenant.orchestratorKey,
            body: {
              number: "1.1",
              title: "Sign up",
              description: "The form",
              acceptance_criteria: [{ criterion: "renders" }, { id: "AC-9", description: "submits", w: 1 }],
              estimated_hours: "2.5",
              metadata: { size: "M" },
            },
          })
          expect(created.status).toBe(201)
          const story = record(record(created.body).story)
          expect(keys(story)).toEqual(storyFields)
          expect(story).toEqual({
            id: expect.any(String),
            tenant_id: tenant.id,
            project_id: project,
            epic_id: e1,
            number: "1.1",
            sort_key: 10010,
            title: "Sign up",
            description: "The form",
            acceptance_criteria: [{ criterion: "renders" }, { id: "AC-9", description: "submits", w: 1 }],
            estimated_hours: 2.5,
            agent_status: "pending",
            verified_status: "unverified",
            assigned_agent_id: null,
            claimed_by_agent_ids: [],
            reported_by_agent_id: null,
            assigned_at: null,
            reported_done_at: null,
            verified_at: null,
            rejected_at: null,
            rejection_reason: null,
            metadata: { size: "M" },
            inserted_at: expect.stringMatching(microsTimestamp),
            updated_at: expect.stringMatching(microsTimestamp),
          })
          const id = String(story.id)
          const prerequisite = yield* newStory(tenant, e1, "1.0")
          expectStatus(
            yield* call("POST", "/api/v1/story_dependencies", {
              key: tenant.orchestratorKey,
              body: { story_id: id, depends_on_story_id: prerequisite },
            }),
            201,
            "a dependency",
          )

          const shown = yield* get(tenant, `/api/v1/stories/${id.toUpperCase()}`)
          expect(shown.status).toBe(200)
          const detail = record(record(shown.body).story)
          expect(keys(detail)).toEqual(
            [
              ...storyFields,
              "artifacts",
              "dependencies",
              "iteration_count",
              "latest_verification",
              "project_mission",
            ].sort(),
          )
          expect(detail).toMatchObject({
            ...story,
            dependencies: [{ story_id: id, depends_on_story_id: prerequisite }],
            artifacts: [],
            latest_verification: null,
            iteration_count: 0,
            project_mission: "Sell things",
          })

          // Statuses, number and epic are not writable: silently kept.
          const patched = yield* call("PATCH", `/api/v1/stories/${id}`, {
            key: tenant.orchestratorKey,
            body: {
              title: "Sign up, properly",
              agent_status: "verified",
              verified_status: "verified",
              number: "7.7",
              estimated_hours: 4,
            },
          })
          expect(patched.status).toBe(200)
          expect(record(patched.body).story).toEqual({
            ...story,
            title: "Sign up, properly",
            estimated_hours: 4,
            updated_at: expect.stringMatching(microsTimestamp),
          })

          const deleted = yield* call("DELETE", `/api/v1/stories/${id}`, { key: tenant.userKey })
          expect(deleted.status).toBe(204)
          expect(deleted.text).toBe("")
          expect(yield* get(tenant, `/api/v1/stories/${id}`)).toMatchObject({
            status: 404,
            body: envelope(404, "Story not found"),
          })
          // The edge went with the story.
          const edges = yield* get(tenant, `/api/v1/epics/${e1}/story_dependencies`)
          expect(rows(edges)).toEqual([])
          expect(yield* auditActions(tenant, "story")).toEqual(["created", "created", "updated", "deleted"])
        }),
      )

      it.effect("a project without a mission shows none; the epic-number route creates in that epic", () =>
        Effect.gen(function* () {
          const tenant = yield* staffedTenant("story-plain")
          const project = yield* newProject(tenant)
          const epic = yield* newEpic(tenant, project, 3)
          const created = yield* call("POST", `/api/v1/projects/${project}/stories`, {
            key: tenant.orchestratorKey,
            body: { epic_number: "3", number: "3.1", title: "By number" },
          })
          expect(created.status).toBe(201)
          const story = record(record(created.body).story)
          expect(story).toMatchObject({ epic_id: epic, project_id: project, number: "3.1" })
          const detail = record(
            record((yield* get(tenant, `/api/v1/stories/${String(story.id)}`)).body).story,
          )
          expect("project_mission" in detail).toBe(false)
          const missing = yield* call("POST", `/api/v1/projects/${project}/stories`, {
            key: tenant.orchestratorKey,
            body: { number: "3.2", title: "x" },
          })
          expect(missing.status).toBe(422)
          expect(String(record(record(missing.body).error).message)).toMatch(/^`epic_number` is required\./)
          const unknown = yield* call("POST", `/api/v1/projects/${project}/stories`, {
            key: tenant.orchestratorKey,
            body: { epic_number: 8, number: "8.1", title: "x" },
          })
          expect(unknown.status).toBe(422)
          expect(String(record(record(unknown.body).error).message)).toMatch(/Epic number 8 not found/)
          expect(
            (yield* call("POST", `/api/v1/projects/${unknownId}/stories`, {
              key: tenant.orchestratorKey,
              body: { epic_number: 3, number: "3.3", title: "x" },
            })).status,
          ).toBe(404)
        }),
      )

      it.effect("invalid bodies are 422 with every field in details, and write nothing", () =>
        Effect.gen(function* () {
          const { tenant, project, e1 } = yield* board("story-422")
          yield* newStory(tenant, e1, "1.1")
          const create = (body: unknown) =>
            call("POST", `/api/v1/epics/${e1}/stories`, { key: tenant.orchestratorKey, body })
          expect((yield* create({ number: "US-1.1", description: 7, metadata: "x" })).body).toEqual({
            error: {
              status: 422,
              message: "Validation failed",
              details: {
                number: ["must be in format 'major.minor' or 'major'"],
                title: ["can't be blank"],
                description: ["is invalid"],
                metadata: ["must be a JSON object"],
              },
            },
          })
          expect((yield* create({ number: "1.10000", title: "x" })).body).toMatchObject({
            error: {
              status: 422,
              details: { number: ["each part must be a non-negative integer less than 10000"] },
            },
          })
          expect((yield* create({ number: "1.1", title: "again" })).body).toEqual({
            error: {
              status: 422,
              message: "Validation failed",
              details: {
                number: [
                  "Story 1.1 already exists in this project. Pick a different number, or use the import endpoint with merge=true to update it.",
                ],
              },
            },
          })
          const list = yield* get(tenant, `/api/v1/stories?project_id=${project}`)
          const [only] = rows(list)
          expect(rows(list)).toHaveLength(1)
          const patch = yield* call("PATCH", `/api/v1/stories/${String(only?.id)}`, {
            key: tenant.orchestratorKey,
            body: { title: " ", acceptance_criteria: {}, estimated_hours: "lots" },
          })
          expect(patch.body).toEqual({
            error: {
              status: 422,
              message: "Validation failed",
              details: {
                title: ["can't be blank"],
                acceptance_criteria: ["must be an array of objects"],
                estimated_hours: ["must be a number of hours of at least 0"],
              },
            },
          })
          expect(yield* auditActions(tenant, "story")).toEqual(["created"])
        }),
      )

      it.effect("text the database cannot keep is a 422 at its path, on create and PATCH", () =>
        Effect.gen(function* () {
          const { tenant, project, e1 } = yield* board("story-unstorable")
          const problem = ["must not contain NUL characters or unpaired UTF-16 surrogates"]
          const create = (body: unknown) =>
            call("POST", `/api/v1/epics/${e1}/stories`, { key: tenant.orchestratorKey, body })
          expect(
            (yield* create({
              number: "1.1",
              title: "Sign\u0000up",
              acceptance_criteria: [{ criterion: "fine" }, { criterion: "half \ud800" }],
            })).body,
          ).toEqual({
            error: {
              status: 422,
              message: "Validation failed",
              details: { title: problem, "acceptance_criteria[1].criterion": problem },
            },
          })
          const byNumber = yield* call("POST", `/api/v1/projects/${project}/stories`, {
            key: tenant.orchestratorKey,
            body: { epic_number: 1, number: "1.2", title: "x", description: "\u0000" },
          })
          expect(record(record(byNumber.body).error).details).toEqual({ description: problem })
          const story = yield* newStory(tenant, e1, "1.3")
          const patch = yield* call("PATCH", `/api/v1/stories/${story}`, {
            key: tenant.orchestratorKey,
            body: { metadata: { notes: { "a\u0000": 1 } }, acceptance_criteria: [{ id: "\u0000" }] },
          })
          expect(record(record(patch.body).error).details).toEqual({
            "metadata.notes": problem,
            "acceptance_criteria[0].id": problem,
          })
          expect(numbersOf(yield* get(tenant, `/api/v1/stories?project_id=${project}`))).toEqual(["1.3"])
          expect(yield* auditActions(tenant, "story")).toEqual(["created"])
        }),
      )

      it.effect("unknown, malformed and other tenants' ids are 404 everywhere", () =>
        Effect.gen(function* () {
          const { tenant, e1 } = yield* board("story-404")
          const story = yield* newStory(tenant, e1, "1.1")
          const stranger = yield* staffedTenant("story-404-other")
          const paths = (id: string): ReadonlyArray<readonly [string, string]> => [
            ["GET", `/api/v1/stories/${id}`],
            ["PATCH", `/api/v1/stories/${id}`],
            ["DELETE", `/api/v1/stories/${id}`],
            ["GET", `/api/v1/stories/${id}/acceptance_criteria`],
          ]
          const send = (method: string, path: string, key: string) =>
            call(method, path, method === "PATCH" ? { key, body: { title: "changed" } } : { key })
          for (const id of [unknownId, "not-a-uuid"]) {
            for (const [method, path] of paths(id)) {
              const answer = yield* send(method, path, tenant.userKey)
              expect({ method, path, status: answer.status }).toEqual({ method, path, status: 404 })
            }
          }
          for (const [method, path] of paths(story)) {
            const answer = yield* send(method, path, stranger.userKey)
            expect({ method, path, answer: answer.body }).toEqual({
              method,
              path,
              answer: envelope(404, "Story not found"),
            })
          }
          for (const epic of [unknownId, "x", e1]) {
            const key = epic === e1 ? stranger.orchestratorKey : tenant.orchestratorKey
            const created = yield* call("POST", `/api/v1/epics/${epic}/stories`, {
              key,
              body: { number: "5.1", title: "x" },
            })
            expect(created.status).toBe(404)
            expect((yield* call("GET", `/api/v1/epics/${epic}/stories`, { key })).status).toBe(404)
          }
          // The story is untouched.
          const kept = yield* get(tenant, `/api/v1/stories/${story}`)
          expect(record(record(kept.body).story).title).toBe("Story 1.1")
        }),
      )
    })

    describe("GET /api/v1/stories", () => {
      it.effect("lists by sort_key with filters, limit and offset, and both meta shapes", () =>
        Effect.gen(function* () {
          const { tenant, project, e1, e2 } = yield* board("story-list")
          for (const number of ["1.10", "1.2", "1.1"]) yield* newStory(tenant, e1, number)
          const s21 = yield* newStory(tenant, e2, "2.1")
          yield* markVerified(tenant, s21)
          const list = (query: string) => get(tenant, `/api/v1/stories?project_id=${project}${query}`)
          const all = yield* list("")
          expect(all.status).toBe(200)
          expect(keys(all.body)).toEqual(["data", "meta"])
          expect(numbersOf(all)).toEqual(["1.1", "1.2", "1.10", "2.1"])
          expect(keys(rows(all)[0])).toEqual(storyFields)
          expect(metaOf(all)).toEqual({
            total_count: 4,
            limit: 100,
            offset: 0,
            page: 1,
            page_size: 100,
            total_pages: 1,
          })
          const window = yield* list("&limit=2&offset=1")
          expect(numbersOf(window)).toEqual(["1.2", "1.10"])
          expect(metaOf(window)).toMatchObject({ total_count: 4, limit: 2, offset: 1 })
          expect(metaOf(yield* list("&limit=1000"))).toMatchObject({ limit: 500 })
          // D26: a limit below 1 or a negative offset is refused, naming both, not read as 1 and 0.
          const refused = yield* list("&limit=0&offset=-3")
          expect(refused.status).toBe(400)
          expect(keys(record(record(refused.body).error).details)).toEqual(["limit", "offset"])
          expect(numbersOf(yield* list(`&epic_id=${e2}`))).toEqual(["2.1"])
          expect(numbersOf(yield* list("&verified_status=verified"))).toEqual(["2.1"])
          expect(numbersOf(yield* list("&agent_status=pending&verified_status=unverified"))).toEqual([
            "1.1",
            "1.2",
            "1.10",
          ])
          expect((yield* list("&agent_status=whatever")).status).toBe(400)
          // An offset past anything the store can reach is clamped: an empty window, not a 500.
          const far = yield* list(`&offset=${"9".repeat(30)}`)
          expect(far.status).toBe(200)
          expect(rows(far)).toEqual([])
          expect(metaOf(far)).toMatchObject({ total_count: 4, limit: 100, offset: 1_000_000_000_000 })
        }),
      )

      it.effect(
        "project_id is required (400); malformed ids are 404; a foreign project is an empty 200",
        () =>
          Effect.gen(function* () {
            const { tenant, project, e1 } = yield* board("story-list-errors")
            yield* newStory(tenant, e1, "1.1")
            const missing = yield* get(tenant, "/api/v1/stories")
            expect(missing).toMatchObject({
              status: 400,
              body: envelope(400, "project_id query parameter is required"),
            })
            expect((yield* get(tenant, "/api/v1/stories?project_id=")).status).toBe(400)
            expect(yield* get(tenant, "/api/v1/stories?project_id=nope")).toMatchObject({
              status: 404,
              body: envelope(404, "Not found"),
            })
            expect((yield* get(tenant, `/api/v1/stories?project_id=${project}&epic_id=nope`)).status).toBe(
              404,
            )
            const stranger = yield* staffedTenant("story-list-stranger")
            const foreign = yield* get(stranger, `/api/v1/stories?project_id=${project}`)
            expect(foreign.status).toBe(200)
            expect(rows(foreign)).toEqual([])
            expect(metaOf(foreign)).toMatchObject({ total_count: 0 })
          }),
      )
    })

    describe("GET /api/v1/epics/:id/stories", () => {
      it.effect("pages the epic's stories and filters by status", () =>
        Effect.gen(function* () {
          const { tenant, e1, e2 } = yield* board("epic-stories")
          for (const number of ["1.3", "1.1", "1.2"]) yield* newStory(tenant, e1, number)
          yield* newStory(tenant, e2, "2.1")
          const list = (query: string) => get(tenant, `/api/v1/epics/${e1}/stories${query}`)
          const all = yield* list("")
          expect(numbersOf(all)).toEqual(["1.1", "1.2", "1.3"])
          expect(metaOf(all)).toEqual({ page: 1, page_size: 20, total_count: 3, total_pages: 1 })
          const second = yield* list("?limit=2&page=2")
          expect(numbersOf(second)).toEqual(["1.3"])
          expect(metaOf(second)).toEqual({ page: 2, page_size: 2, total_count: 3, total_pages: 2 })
          expect(metaOf(yield* list("?page_size=500"))).toMatchObject({ page_size: 100 })
          expect(rows(yield* list("?verified_status=verified"))).toEqual([])
          expect((yield* list("?agent_status=unknown")).status).toBe(400)
          const far = yield* list(`?page=${"9".repeat(30)}`)
          expect(far.status).toBe(200)
          expect(rows(far)).toEqual([])
          expect(metaOf(far)).toEqual({ page: 50_000_000_001, page_size: 20, total_count: 3, total_pages: 1 })
        }),
      )
    })

    describe("the queues", () => {
      it.effect("/stories/ready and /stories/blocked are their own routes, not story ids", () =>
        Effect.gen(function* () {
          const { tenant, project, e1 } = yield* board("queues-routes")
          const s1 = yield* newStory(tenant, e1, "1.1")
          const s2 = yield* newStory(tenant, e1, "1.2")
          expectStatus(
            yield* call("POST", "/api/v1/story_dependencies", {
              key: tenant.orchestratorKey,
              body: { story_id: s2, depends_on_story_id: s1 },
            }),
            201,
            "a dependency",
          )
          const ready = yield* get(tenant, "/api/v1/stories/ready")
          expect(ready.status).toBe(200)
          expect(rows(ready).map((row) => row.id)).toEqual([s1])
          expect(keys(rows(ready)[0])).toEqual(
            [
              "agent_status",
              "epic_id",
              "id",
              "inserted_at",
              "number",
              "project_id",
              "sort_key",
              "tenant_id",
              "title",
              "updated_at",
              "verified_status",
            ].sort(),
          )
          expect(metaOf(ready)).toEqual({ page: 1, page_size: 100, total_count: 1, total_pages: 1 })
          const blocked = yield* get(tenant, `/api/v1/stories/blocked?project_id=${project}`)
          expect(blocked.status).toBe(200)
          expect(rows(blocked)).toEqual([
            {
              story: expect.objectContaining({ id: s2, number: "1.2", agent_status: "pending" }),
              blocking_dependencies: [
                {
                  id: s1,
                  number: "1.1",
                  title: "Story 1.1",
                  agent_status: "pending",
                  verified_status: "unverified",
                },
              ],
            },
          ])
          expect(metaOf(yield* get(tenant, "/api/v1/stories/ready?page_size=9999"))).toMatchObject({
            page_size: 500,
          })
          expect((yield* get(tenant, "/api/v1/stories/ready?project_id=bad")).status).toBe(404)
          for (const queue of ["ready", "blocked"]) {
            const far = yield* get(tenant, `/api/v1/stories/${queue}?page=${"9".repeat(30)}`)
            expect({ queue, status: far.status, data: rows(far) }).toEqual({ queue, status: 200, data: [] })
            expect(metaOf(far)).toMatchObject({ page: 10_000_000_001, page_size: 100, total_count: 1 })
          }
        }),
      )
    })

    describe("acceptance criteria", () => {
      it.effect("come as rows derived from the story's criteria, ordered by ac_id", () =>
        Effect.gen(function* () {
          const { tenant, e1 } = yield* board("story-acs")
          const story = yield* newStory(tenant, e1, "1.1", {
            acceptance_criteria: [{ criterion: "renders" }, { id: "AC-0", description: "first" }, {}],
          })
          const answer = yield* get(tenant, `/api/v1/stories/${story}/acceptance_criteria`)
          expect(answer.status).toBe(200)
          const legacy = { type: "manual", description: "legacy" }
          expect(answer.body).toEqual({
            data: [
              {
                id: `${story}:2`,
                ac_id: "AC-0",
                description: "first",
                verification_criterion: legacy,
                status: "pending",
                verified_at: null,
                evidence_path: null,
              },
              {
                id: `${story}:1`,
                ac_id: "AC-1",
                description: "renders",
                verification_criterion: legacy,
                status: "pending",
                verified_at: null,
                evidence_path: null,
              },
              {
                id: `${story}:3`,
                ac_id: "AC-3",
                description: "No description",
                verification_criterion: legacy,
                status: "pending",
                verified_at: null,
                evidence_path: null,
              },
            ],
            meta: { page: 1, page_size: 3, total_count: 3, total_pages: 1 },
          })
        }),
      )
    })

    describe("who may call", () => {
      interface Fixture {
        readonly tenant: StaffedTenant
        readonly project: string
        readonly epic: string
        readonly story: string
      }
      let fixture: Fixture | undefined
      const setUp = Effect.suspend(() =>
        fixture === undefined
          ? Effect.gen(function* () {
              const { tenant, project, e1 } = yield* board("story-matrix")
              const story = yield* newStory(tenant, e1, "1.1")
              fixture = { tenant, project, epic: e1, story }
              return fixture
            })
          : Effect.succeed(fixture),
      )
      // Each call changes nothing a later row depends on: creates fail validation, the PATCH is
      // empty, the DELETE names no story.
      const table: ReadonlyArray<MatrixRow<Fixture>> = [
        {
          method: "POST",
          route: "/api/v1/epics/:id/stories",
          path: (f) => `/api/v1/epics/${f.epic}/stories`,
          body: {},
          expect: orchestratorOrAbove(422),
        },
        {
          method: "POST",
          route: "/api/v1/projects/:id/stories",
          path: (f) => `/api/v1/projects/${f.project}/stories`,
          body: {},
          expect: orchestratorOrAbove(422),
        },
        {
          method: "GET",
          route: "/api/v1/epics/:id/stories",
          path: (f) => `/api/v1/epics/${f.epic}/stories`,
          expect: anyTenantRole(200),
        },
        {
          method: "GET",
          route: "/api/v1/stories",
          path: (f) => `/api/v1/stories?project_id=${f.project}`,
          expect: anyTenantRole(200),
        },
        {
          method: "GET",
          route: "/api/v1/stories/ready",
          path: () => "/api/v1/stories/ready",
          expect: anyTenantRole(200),
        },
        {
          method: "GET",
          route: "/api/v1/stories/blocked",
          path: () => "/api/v1/stories/blocked",
          expect: anyTenantRole(200),
        },
        {
          method: "GET",
          route: "/api/v1/stories/:id",
          path: (f) => `/api/v1/stories/${f.story}`,
          expect: anyTenantRole(200),
        },
        {
          method: "PATCH",
          route: "/api/v1/stories/:id",
          path: (f) => `/api/v1/stories/${f.story}`,
          body: {},
          expect: orchestratorOrAbove(200),
        },
        {
          method: "DELETE",
          route: "/api/v1/stories/:id",
          path: () => `/api/v1/stories/${unknownId}`,
          expect: userOrAbove(404),
        },
        {
          method: "GET",
          route: "/api/v1/stories/:id/acceptance_criteria",
          path: (f) => `/api/v1/stories/${f.story}/acceptance_criteria`,
          expect: anyTenantRole(200),
        },
      ]

      it("covers every endpoint of the group", () => {
        const declared = routeRules(HttpApi.make("stories").add(StoriesGroup)).map(
          (rule) => `${rule.method} ${rule.path}`,
        )
        expect(table.map((row) => `${row.method} ${row.route}`).sort()).toEqual([...declared].sort())
      })

      for (const row of table)
        it.effect(`${row.method} ${row.route}`, () => Effect.flatMap(setUp, (f) => checkRow(row, f)))
    })
  })
}
