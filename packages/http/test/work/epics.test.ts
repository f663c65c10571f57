import { randomUUID } from "node:crypto"
import { HttpApi } from "@effect/platform"
import { describe, expect, layer } from "@effect/vitest"
import { EpicsGroup, routeRules } from "@loopctl/api"
import { Effect, Layer, Schema } from "effect"
import {
  auditOf,
  detailsOf,
  epicFields,
  expectStatus,
  field,
  importInto,
  keysOf,
  newEpic,
  newProject,
  rows,
} from "../support/breakdown-support.js"
import {
  type StaffedTenant,
  backends,
  call,
  envelope,
  provisionTenant,
  read,
  staffedTenant,
} from "../support/identity-support.js"
import {
  type MatrixRow,
  anyTenantRole,
  checkRow,
  orchestratorOrAbove,
  workItemRows,
} from "../support/matrix-support.js"
import { collectLogs, realServer } from "../support/support.js"

/**
 * The epics endpoints of the real server (real keys, real use cases) over PGlite and, when
 * DATABASE_URL is set, Postgres: bodies, validation, ordering, tenant isolation, the cascade
 * of a delete, progress, the audit trail and the role matrix. Each test makes its own tenant.
 */

const unknownId = randomUUID()

/** Stories imported into epics 1 and 2; 1.10 sorts after 1.2. */
const breakdown = {
  epics: [
    {
      number: 1,
      title: "Accounts",
      stories: [
        { number: "1.10", title: "Audit", initial_verified_status: "verified" },
        { number: "1.2", title: "Log in" },
        { number: "1.1", title: "Sign up", initial_verified_status: "verified" },
      ],
    },
    {
      number: 2,
      title: "Payments",
      phase: "p2",
      position: 1,
      stories: [{ number: "2.1", title: "Card", initial_agent_status: "reported_done" }],
    },
  ],
}

const Ids = Schema.Struct({ data: Schema.Array(Schema.Struct({ id: Schema.String, number: Schema.Number })) })

/** The project and epic ids of an imported breakdown, epics by number. */
const imported = (userKey: string) =>
  Effect.gen(function* () {
    const projectId = yield* newProject(userKey, { name: "Shop", slug: "shop" })
    yield* importInto(userKey, projectId, breakdown)
    const listed = read(Ids, yield* call("GET", `/api/v1/projects/${projectId}/epics`, { key: userKey }))
    const epic = (number: number): string => {
      const found = listed.data.find((e) => e.number === number)
      if (found === undefined) throw new Error(`no epic ${number}`)
      return found.id
    }
    return { projectId, epic }
  })

interface Fixture {
  readonly tenant: StaffedTenant
  readonly projectId: string
  readonly epicId: string
}

const matrix: ReadonlyArray<MatrixRow<Fixture>> = [
  // An empty body: 422 for whoever gets through, and no epic is created.
  {
    method: "POST",
    route: "/api/v1/projects/:id/epics",
    path: (f) => `/api/v1/projects/${f.projectId}/epics`,
    body: {},
    expect: orchestratorOrAbove(422),
  },
  {
    method: "GET",
    route: "/api/v1/projects/:id/epics",
    path: (f) => `/api/v1/projects/${f.projectId}/epics`,
    expect: anyTenantRole(200),
  },
  ...workItemRows<Fixture>("epics", (f) => f.epicId, unknownId),
]

for (const { name, database } of backends) {
  const server = realServer(database).pipe(Layer.provide(collectLogs([])))

  layer(server, { timeout: 120_000, excludeTestServices: true })(`the epics endpoints on ${name}`, (it) => {
    describe("POST /api/v1/projects/:id/epics", () => {
      it.effect("creates an epic: 201 {epic} with every field", () =>
        Effect.gen(function* () {
          const tenant = yield* staffedTenant("epics-create")
          const projectId = yield* newProject(tenant.userKey, { name: "Shop", slug: "shop" })
          const answer = yield* call("POST", `/api/v1/projects/${projectId}/epics`, {
            key: tenant.orchestratorKey,
            body: { number: 3, title: "Accounts", phase: "p1", position: 2, metadata: { size: "L" } },
          })
          expect(answer.status).toBe(201)
          expect(keysOf(answer.body)).toEqual(["epic"])
          const epic = field(answer, "epic")
          expect(keysOf(epic)).toEqual(epicFields)
          expect(epic).toMatchObject({
            tenant_id: tenant.id,
            project_id: projectId,
            number: 3,
            title: "Accounts",
            description: null,
            phase: "p1",
            position: 2,
            metadata: { size: "L" },
          })
        }),
      )

      it.effect(
        "refuses bad bodies and taken numbers with details; 404 for unknown, malformed and foreign projects",
        () =>
          Effect.gen(function* () {
            const tenant = yield* provisionTenant("epics-invalid")
            const projectId = yield* newProject(tenant.userKey, { name: "Shop", slug: "shop" })
            const post = (body: unknown, project = projectId, key = tenant.userKey) =>
              call("POST", `/api/v1/projects/${project}/epics`, { key, body })
            expect((yield* post({ number: 0, title: " ", position: -1, metadata: [] })).body).toEqual({
              error: {
                status: 422,
                message: "Validation failed",
                details: {
                  number: ["must be greater than 0"],
                  title: ["can't be blank"],
                  position: ["must be greater than or equal to 0"],
                  metadata: ["must be a JSON object"],
                },
              },
            })
            expect(keysOf(detailsOf(yield* post({})))).toEqual(["number", "title"])
            expectStatus(yield* post({ number: 1, title: "First" }), 201)
            const taken = yield* post({ number: 1, title: "Again" })
            expect(taken.status).toBe(422)
            expect(detailsOf(taken)).toEqual({
              number: [
                "Epic 1 already exists in this project. Pick a different number, or use the import endpoint with merge=true to update it.",
              ],
            })
            expect((yield* post({ number: 2, title: "x" }, unknownId)).body).toEqual(
              envelope(404, "Project not found"),
            )
            expect((yield* post({ number: 2, title: "x" }, "bad-id")).body).toEqual(
              envelope(404, "Not found"),
            )
            const other = yield* provisionTenant("epics-invalid-other")
            expect((yield* post({ number: 2, title: "x" }, projectId, other.userKey)).body).toEqual(
              envelope(404, "Project not found"),
            )
            expect(
              rows(yield* call("GET", `/api/v1/projects/${projectId}/epics`, { key: tenant.userKey })),
            ).toHaveLength(1)
          }),
      )
    })

    describe("values the store cannot hold", () => {
      it.effect(
        "numbers and positions beyond a 32-bit integer and unstorable text are 422s; such a phase filter is a 400",
        () =>
          Effect.gen(function* () {
            const tenant = yield* provisionTenant("epics-limits")
            const key = tenant.userKey
            const projectId = yield* newProject(key, { name: "Shop", slug: "shop" })
            const post = (body: unknown) => call("POST", `/api/v1/projects/${projectId}/epics`, { key, body })
            const tooLarge = ["must be less than or equal to 2147483647"]
            const unstorable = ["must not contain NUL characters or unpaired UTF-16 surrogates"]
            expect((yield* post({ number: 2 ** 31, title: "Big", position: 2 ** 31 })).body).toEqual({
              error: {
                status: 422,
                message: "Validation failed",
                details: { number: tooLarge, position: tooLarge },
              },
            })
            // The largest value the column holds is fine.
            const largest = yield* post({ number: 2 ** 31 - 1, title: "Largest", position: 2 ** 31 - 1 })
            expect(field(expectStatus(largest, 201), "epic")).toMatchObject({
              number: 2 ** 31 - 1,
              position: 2 ** 31 - 1,
            })
            expect(
              detailsOf(
                yield* post({ number: 3, title: "x\u0000", phase: "\ud800", metadata: { "k\u0000": 1 } }),
              ),
            ).toEqual({ title: unstorable, phase: unstorable, metadata: unstorable })
            const epicId = yield* newEpic(key, projectId, { number: 1, title: "Accounts", phase: "p1" })
            const patched = yield* call("PATCH", `/api/v1/epics/${epicId}`, {
              key,
              body: { position: 2 ** 40, description: "a\u0000" },
            })
            // Unstorable text is refused where bodies enter (D25), before the epic's own checks.
            expect(detailsOf(patched)).toEqual({ description: unstorable })
            const tooFar = yield* call("PATCH", `/api/v1/epics/${epicId}`, {
              key,
              body: { position: 2 ** 40 },
            })
            expect(detailsOf(tooFar)).toEqual({ position: tooLarge })
            expect(field(yield* call("GET", `/api/v1/epics/${epicId}`, { key }), "epic")).toMatchObject({
              position: 0,
              description: null,
            })
            // A NUL in a query value is a 400 naming it (D25).
            const byPhase = yield* call("GET", `/api/v1/projects/${projectId}/epics?phase=%00`, { key })
            expect(byPhase.status).toBe(400)
            expect(detailsOf(byPhase)).toEqual({ phase: unstorable })
            expect(
              rows(yield* call("GET", `/api/v1/projects/${projectId}/epics`, { key })).map((e) => e.number),
            ).toEqual([1, 2 ** 31 - 1])
          }),
      )
    })

    describe("GET /api/v1/projects/:id/epics", () => {
      it.effect(
        "lists by position then number with story counts and completion; filters by phase; pages",
        () =>
          Effect.gen(function* () {
            const tenant = yield* provisionTenant("epics-list")
            const key = tenant.userKey
            const { projectId } = yield* imported(key)
            yield* newEpic(key, projectId, { number: 4, title: "Later", position: 1 })
            yield* newEpic(key, projectId, { number: 3, title: "First", position: 0, phase: "p0" })
            const list = (query = "") => call("GET", `/api/v1/projects/${projectId}/epics${query}`, { key })
            const answer = yield* list()
            expect(answer.status).toBe(200)
            expect(keysOf(answer.body)).toEqual(["data", "meta"])
            const listed = rows(answer)
            expect(listed.map((e) => [e.number, e.position, e.story_count, e.completion_percentage])).toEqual(
              [
                [1, 0, 3, 66.7],
                [3, 0, 0, 0],
                [2, 1, 1, 0],
                [4, 1, 0, 0],
              ],
            )
            expect(keysOf(listed[0])).toEqual([...epicFields, "completion_percentage", "story_count"].sort())
            expect(field(answer, "meta")).toEqual({ page: 1, page_size: 20, total_count: 4, total_pages: 1 })
            expect(rows(yield* list("?phase=p2")).map((e) => e.number)).toEqual([2])
            const second = yield* list("?page=2&page_size=3")
            expect(rows(second).map((e) => e.number)).toEqual([4])
            expect(field(second, "meta")).toEqual({ page: 2, page_size: 3, total_count: 4, total_pages: 2 })
            expect((yield* call("GET", `/api/v1/projects/${unknownId}/epics`, { key })).body).toEqual(
              envelope(404, "Project not found"),
            )
            const other = yield* provisionTenant("epics-list-other")
            expect(
              (yield* call("GET", `/api/v1/projects/${projectId}/epics`, { key: other.userKey })).status,
            ).toBe(404)
          }),
      )
    })

    describe("GET /api/v1/epics/:id", () => {
      it.effect(
        "shows the epic with its stories in sort_key order; 404 for unknown, malformed and foreign ids",
        () =>
          Effect.gen(function* () {
            const tenant = yield* staffedTenant("epics-show")
            const { epic } = yield* imported(tenant.userKey)
            const answer = yield* call("GET", `/api/v1/epics/${epic(1)}`, { key: tenant.workerKey })
            expect(answer.status).toBe(200)
            expect(keysOf(answer.body)).toEqual(["epic"])
            const shown = field(answer, "epic")
            expect(keysOf(shown)).toEqual([...epicFields, "stories"].sort())
            const stories = shown.stories
            if (!Array.isArray(stories)) throw new Error("no stories")
            expect(stories.map(keysOf)).toEqual(
              stories.map(() => ["agent_status", "id", "number", "title", "verified_status"]),
            )
            expect(stories.map((s) => [s.number, s.agent_status, s.verified_status])).toEqual([
              ["1.1", "reported_done", "verified"],
              ["1.2", "pending", "unverified"],
              ["1.10", "reported_done", "verified"],
            ])
            expect((yield* call("GET", `/api/v1/epics/${unknownId}`, { key: tenant.userKey })).body).toEqual(
              envelope(404, "Epic not found"),
            )
            expect((yield* call("GET", "/api/v1/epics/1", { key: tenant.userKey })).body).toEqual(
              envelope(404, "Not found"),
            )
            const other = yield* provisionTenant("epics-show-other")
            expect((yield* call("GET", `/api/v1/epics/${epic(1)}`, { key: other.userKey })).body).toEqual(
              envelope(404, "Epic not found"),
            )
          }),
      )
    })

    describe("PATCH /api/v1/epics/:id", () => {
      it.effect(
        "changes the writable fields and keeps the number; 422 with details; 404 for foreign ids",
        () =>
          Effect.gen(function* () {
            const tenant = yield* staffedTenant("epics-patch")
            const projectId = yield* newProject(tenant.userKey, { name: "Shop", slug: "shop" })
            const epicId = yield* newEpic(tenant.userKey, projectId, {
              number: 1,
              title: "Accounts",
              phase: "p1",
            })
            const patch = (body: unknown, key = tenant.orchestratorKey, id = epicId) =>
              call("PATCH", `/api/v1/epics/${id}`, { key, body })
            const answer = yield* patch({
              number: 7,
              title: "Sign-in",
              phase: "",
              position: 4,
              description: null,
            })
            expect(answer.status).toBe(200)
            expect(keysOf(answer.body)).toEqual(["epic"])
            expect(field(answer, "epic")).toMatchObject({
              id: epicId,
              number: 1,
              title: "Sign-in",
              phase: null,
              position: 4,
              description: null,
            })
            expect((yield* patch({ title: "", position: "first" })).body).toEqual({
              error: {
                status: 422,
                message: "Validation failed",
                details: { title: ["can't be blank"], position: ["must be greater than or equal to 0"] },
              },
            })
            expect(
              field(yield* call("GET", `/api/v1/epics/${epicId}`, { key: tenant.userKey }), "epic"),
            ).toMatchObject({
              title: "Sign-in",
              position: 4,
            })
            expect((yield* patch({ title: "x" }, tenant.workerKey)).body).toEqual(
              envelope(403, "Insufficient permissions. Required role: orchestrator"),
            )
            expect((yield* patch({}, tenant.userKey, unknownId)).status).toBe(404)
            expect((yield* patch({}, tenant.userKey, "zz")).status).toBe(404)
            const other = yield* provisionTenant("epics-patch-other")
            expect((yield* patch({ title: "Mine" }, other.userKey)).body).toEqual(
              envelope(404, "Epic not found"),
            )
          }),
      )
    })

    describe("DELETE /api/v1/epics/:id", () => {
      it.effect("deletes the epic and its stories: 204 with no body; then 404", () =>
        Effect.gen(function* () {
          const tenant = yield* staffedTenant("epics-delete")
          const { projectId, epic } = yield* imported(tenant.userKey)
          expect(
            (yield* call("DELETE", `/api/v1/epics/${epic(1)}`, { key: tenant.orchestratorKey })).body,
          ).toEqual(envelope(403, "Insufficient permissions. Required role: user"))
          const other = yield* provisionTenant("epics-delete-other")
          expect((yield* call("DELETE", `/api/v1/epics/${epic(1)}`, { key: other.userKey })).body).toEqual(
            envelope(404, "Epic not found"),
          )
          const answer = yield* call("DELETE", `/api/v1/epics/${epic(1)}`, { key: tenant.userKey })
          expect(answer.status).toBe(204)
          expect(answer.text).toBe("")
          expect((yield* call("GET", `/api/v1/epics/${epic(1)}`, { key: tenant.userKey })).status).toBe(404)
          expect((yield* call("DELETE", `/api/v1/epics/${epic(1)}`, { key: tenant.userKey })).status).toBe(
            404,
          )
          const project = field(
            yield* call("GET", `/api/v1/projects/${projectId}`, { key: tenant.userKey }),
            "project",
          )
          expect(project).toMatchObject({ epic_count: 1, story_count: 1 })
          const progress = field(
            yield* call("GET", `/api/v1/projects/${projectId}/progress`, { key: tenant.userKey }),
            "progress",
          )
          expect(progress).toMatchObject({ total_stories: 1, total_epics: 1, epics_completed: 0 })
        }),
      )
    })

    describe("GET /api/v1/epics/:id/progress", () => {
      it.effect("gives the two breakdowns and nothing else", () =>
        Effect.gen(function* () {
          const tenant = yield* staffedTenant("epics-progress")
          const { projectId, epic } = yield* imported(tenant.userKey)
          const progressOf = (id: string, key = tenant.workerKey) =>
            call("GET", `/api/v1/epics/${id}/progress`, { key })
          expect((yield* progressOf(epic(1))).body).toEqual({
            progress: {
              stories_by_agent_status: {
                pending: 1,
                contracted: 0,
                assigned: 0,
                implementing: 0,
                reported_done: 2,
              },
              stories_by_verified_status: { unverified: 1, verified: 2, rejected: 0 },
            },
          })
          expect((yield* progressOf(epic(2))).body).toEqual({
            progress: {
              stories_by_agent_status: {
                pending: 0,
                contracted: 0,
                assigned: 0,
                implementing: 0,
                reported_done: 1,
              },
              stories_by_verified_status: { unverified: 1, verified: 0, rejected: 0 },
            },
          })
          const empty = yield* newEpic(tenant.userKey, projectId, { number: 9, title: "Empty" })
          expect((yield* progressOf(empty)).body).toEqual({
            progress: {
              stories_by_agent_status: {
                pending: 0,
                contracted: 0,
                assigned: 0,
                implementing: 0,
                reported_done: 0,
              },
              stories_by_verified_status: { unverified: 0, verified: 0, rejected: 0 },
            },
          })
          expect((yield* progressOf(unknownId)).body).toEqual(envelope(404, "Epic not found"))
          const other = yield* provisionTenant("epics-progress-other")
          expect((yield* progressOf(epic(1), other.userKey)).status).toBe(404)
        }),
      )
    })

    describe("the audit trail", () => {
      it.effect("records epic/created, updated and deleted with the project and the change", () =>
        Effect.gen(function* () {
          const tenant = yield* provisionTenant("epics-audit")
          const projectId = yield* newProject(tenant.userKey, { name: "Shop", slug: "shop" })
          const epicId = yield* newEpic(tenant.userKey, projectId, { number: 1, title: "Accounts" })
          const patch = (body: unknown) =>
            call("PATCH", `/api/v1/epics/${epicId}`, { key: tenant.userKey, body })
          expectStatus(yield* patch({ title: "Sign-in", position: 2 }), 200)
          // Neither a PATCH that changes nothing nor a refused one writes an entry.
          expectStatus(yield* patch({ title: "Sign-in" }), 200)
          expectStatus(yield* patch({ position: -3 }), 422)
          expectStatus(yield* call("DELETE", `/api/v1/epics/${epicId}`, { key: tenant.userKey }), 204)
          const entries = yield* auditOf(tenant.userKey, "epic")
          expect(entries.map((e) => e.action)).toEqual(["deleted", "updated", "created"])
          expect(entries.every((e) => e.entity_id === epicId && e.project_id === projectId)).toBe(true)
          expect(entries[0]).toMatchObject({
            actor_type: "api_key",
            actor_id: tenant.userKeyId,
            old_state: { number: 1, title: "Sign-in" },
            new_state: null,
          })
          expect(entries[1]).toMatchObject({
            old_state: { title: "Accounts", position: 0 },
            new_state: { title: "Sign-in", position: 2 },
          })
          expect(entries[2]).toMatchObject({ old_state: null, new_state: { number: 1, title: "Accounts" } })
        }),
      )
    })

    describe("the role matrix", () => {
      it("covers every endpoint of the epics group", () => {
        const declared = routeRules(HttpApi.make("epics").add(EpicsGroup)).map(
          (rule) => `${rule.method} ${rule.path}`,
        )
        expect(matrix.map((row) => `${row.method} ${row.route}`).sort()).toEqual([...declared].sort())
      })

      /** One staffed tenant with a project and an epic for the whole table, made by the first row. */
      let made: Fixture | undefined
      const fixture = Effect.suspend(() =>
        made === undefined
          ? Effect.gen(function* () {
              const tenant = yield* staffedTenant("epics-matrix")
              const projectId = yield* newProject(tenant.userKey, { name: "Matrix", slug: "matrix" })
              const epicId = yield* newEpic(tenant.userKey, projectId, { number: 1, title: "Only" })
              made = { tenant, projectId, epicId }
              return made
            })
          : Effect.succeed(made),
      )

      for (const row of matrix)
        it.effect(`${row.method} ${row.route}`, () => Effect.flatMap(fixture, (f) => checkRow(row, f)))

      it.effect("the table's calls changed nothing", () =>
        Effect.gen(function* () {
          const f = yield* fixture
          const epics = rows(
            yield* call("GET", `/api/v1/projects/${f.projectId}/epics`, { key: f.tenant.userKey }),
          )
          expect(epics.map((e) => [e.id, e.number, e.title])).toEqual([[f.epicId, 1, "Only"]])
        }),
      )
    })
  })
}
