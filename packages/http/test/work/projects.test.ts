import { randomUUID } from "node:crypto"
import { HttpApi } from "@effect/platform"
import { describe, expect, layer } from "@effect/vitest"
import { ProjectsGroup, routeRules } from "@loopctl/api"
import { Effect, Layer } from "effect"
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
  projectFields,
  rows,
} from "../support/breakdown-support.js"
import {
  type StaffedTenant,
  backends,
  call,
  envelope,
  provisionTenant,
  staffedTenant,
  uniqueSlug,
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
 * The projects endpoints of the real server (real keys, real use cases) over PGlite and, when
 * DATABASE_URL is set, Postgres: bodies, validation, tenant isolation, archiving, progress, the
 * audit trail and the role matrix. Each test makes its own tenant.
 */

const unknownId = randomUUID()

const zeroProgress = {
  total_stories: 0,
  stories_by_agent_status: { pending: 0, contracted: 0, assigned: 0, implementing: 0, reported_done: 0 },
  stories_by_verified_status: { unverified: 0, verified: 0, rejected: 0 },
  total_epics: 0,
  epics_completed: 0,
  verification_percentage: 0,
  estimated_hours_total: 0,
  estimated_hours_completed: 0,
}

/** Two verified stories in epic 1, one reported and one pending in epic 2, and an empty epic 3. */
const breakdown = {
  epics: [
    {
      number: 1,
      title: "Accounts",
      stories: [
        { number: "1.1", title: "Sign up", estimated_hours: 2, initial_verified_status: "verified" },
        { number: "1.2", title: "Log in", estimated_hours: 3, initial_verified_status: "verified" },
      ],
    },
    {
      number: 2,
      title: "Payments",
      stories: [
        { number: "2.1", title: "Card", estimated_hours: 1.5, initial_agent_status: "reported_done" },
        { number: "2.2", title: "Refund" },
      ],
    },
    { number: 3, title: "Ops", stories: [] },
  ],
}

/** A tenant with every role's key, one project and one epic in it. */
interface Fixture {
  readonly tenant: StaffedTenant
  readonly projectId: string
}

const matrix: ReadonlyArray<MatrixRow<Fixture>> = [
  // An empty body: 422 for whoever gets through, and no project is created.
  {
    method: "POST",
    route: "/api/v1/projects",
    path: () => "/api/v1/projects",
    body: {},
    expect: orchestratorOrAbove(422),
  },
  { method: "GET", route: "/api/v1/projects", path: () => "/api/v1/projects", expect: anyTenantRole(200) },
  ...workItemRows<Fixture>("projects", (f) => f.projectId, unknownId),
]

for (const { name, database } of backends) {
  const server = realServer(database).pipe(Layer.provide(collectLogs([])))

  layer(server, { timeout: 120_000, excludeTestServices: true })(
    `the projects endpoints on ${name}`,
    (it) => {
      describe("POST /api/v1/projects", () => {
        it.effect("creates an active project: 201 {project} with every field", () =>
          Effect.gen(function* () {
            const tenant = yield* provisionTenant("projects-create")
            const answer = yield* call("POST", "/api/v1/projects", {
              key: tenant.userKey,
              body: {
                name: "Loop",
                slug: "loopctl",
                repo_url: "https://example.org/loop.git",
                mission: "  Ship it  ",
                metadata: { team: "core" },
              },
            })
            expect(answer.status).toBe(201)
            expect(keysOf(answer.body)).toEqual(["project"])
            const project = field(answer, "project")
            expect(keysOf(project)).toEqual(projectFields)
            expect(project).toMatchObject({
              tenant_id: tenant.id,
              name: "Loop",
              slug: "loopctl",
              repo_url: "https://example.org/loop.git",
              description: null,
              tech_stack: null,
              status: "active",
              mission: "Ship it",
              metadata: { team: "core" },
            })
            expect(project.inserted_at).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$/)
          }),
        )

        it.effect(
          "refuses bad bodies with field details and duplicate slugs; the same slug in another tenant is fine",
          () =>
            Effect.gen(function* () {
              const tenant = yield* provisionTenant("projects-invalid")
              const post = (body: unknown) => call("POST", "/api/v1/projects", { key: tenant.userKey, body })
              expect((yield* post({ name: "X", slug: "A_b" })).body).toEqual({
                error: {
                  status: 422,
                  message: "Validation failed",
                  details: {
                    slug: [
                      "must be lowercase alphanumeric with hyphens, starting and ending with alphanumeric",
                    ],
                  },
                },
              })
              const short = yield* post({ name: "X", slug: "x" })
              expect(short.status).toBe(422)
              expect(detailsOf(short)).toEqual({
                slug: ["should be between 2 and 63 character(s)"],
              })
              const empty = yield* post({ metadata: "no", mission: "m".repeat(2001) })
              expect(empty.status).toBe(422)
              expect(keysOf(detailsOf(empty))).toEqual(["metadata", "mission", "name", "slug"])
              expectStatus(yield* post({ name: "First", slug: "shared" }), 201)
              expect((yield* post({ name: "Second", slug: "shared" })).body).toEqual({
                error: {
                  status: 422,
                  message: "Validation failed",
                  details: { slug: ["has already been taken for this tenant"] },
                },
              })
              const other = yield* provisionTenant("projects-invalid-other")
              expectStatus(
                yield* call("POST", "/api/v1/projects", {
                  key: other.userKey,
                  body: { name: "Mine", slug: "shared" },
                }),
                201,
              )
              const listed = yield* call("GET", "/api/v1/projects", { key: tenant.userKey })
              expect(rows(listed).map((p) => p.name)).toEqual(["First"])
            }),
        )

        it.effect("answers 422 once the tenant's max_projects are active", () =>
          Effect.gen(function* () {
            const tenant = yield* provisionTenant("projects-limit", { max_projects: 1 })
            const first = yield* newProject(tenant.userKey, { name: "One", slug: "one" })
            expect(
              (yield* call("POST", "/api/v1/projects", {
                key: tenant.userKey,
                body: { name: "Two", slug: "two" },
              })).body,
            ).toEqual(envelope(422, "Project limit reached for this tenant"))
            // Archiving frees the place; bringing the archived one back then needs a place again.
            expectStatus(yield* call("DELETE", `/api/v1/projects/${first}`, { key: tenant.userKey }), 200)
            expectStatus(
              yield* call("POST", "/api/v1/projects", {
                key: tenant.userKey,
                body: { name: "Two", slug: "two" },
              }),
              201,
            )
            expect(
              (yield* call("PATCH", `/api/v1/projects/${first}`, {
                key: tenant.userKey,
                body: { status: "active" },
              })).body,
            ).toEqual(envelope(422, "Project limit reached for this tenant"))
          }),
        )

        it.effect(
          "refuses text the database cannot keep with a 422 naming the field, on create and PATCH",
          () =>
            Effect.gen(function* () {
              const tenant = yield* provisionTenant("projects-unstorable")
              const post = (body: unknown) => call("POST", "/api/v1/projects", { key: tenant.userKey, body })
              const problem = ["must not contain NUL characters or unpaired UTF-16 surrogates"]
              expect((yield* post({ name: "a\u0000b", slug: "nul" })).body).toEqual({
                error: { status: 422, message: "Validation failed", details: { name: problem } },
              })
              // An unpaired surrogate would be stored as U+FFFD: refused rather than changed.
              expect(detailsOf(yield* post({ name: "ok", slug: "half", description: "x\ud800" }))).toEqual({
                description: problem,
              })
              expect(
                detailsOf(yield* post({ name: "ok", slug: "meta", metadata: { notes: ["fine", "\u0000"] } })),
              ).toEqual({ "metadata.notes[1]": problem })
              const projectId = yield* newProject(tenant.userKey, { name: "Shop", slug: "shop" })
              const patched = yield* call("PATCH", `/api/v1/projects/${projectId}`, {
                key: tenant.userKey,
                body: { tech_stack: "ts\u0000", mission: "\udc00 go" },
              })
              expect(patched.status).toBe(422)
              expect(detailsOf(patched)).toEqual({ tech_stack: problem, mission: problem })
              const listed = rows(yield* call("GET", "/api/v1/projects", { key: tenant.userKey }))
              expect(listed.map((p) => [p.slug, p.tech_stack, p.mission])).toEqual([["shop", null, null]])
            }),
        )
      })

      describe("GET /api/v1/projects", () => {
        it.effect("lists active projects by name, pages them, and includes archived ones on request", () =>
          Effect.gen(function* () {
            const tenant = yield* provisionTenant("projects-list")
            const key = tenant.userKey
            // One capitalisation for all: collations order mixed case differently.
            for (const name of ["Delta", "Alpha", "Charlie", "Bravo"])
              yield* newProject(key, { name, slug: uniqueSlug(name.toLowerCase()) })
            const archived = yield* newProject(key, { name: "Echo", slug: "echo" })
            expectStatus(yield* call("DELETE", `/api/v1/projects/${archived}`, { key }), 200)
            const list = (query: string) => call("GET", `/api/v1/projects${query}`, { key })
            const byDefault = yield* list("")
            expect(keysOf(byDefault.body)).toEqual(["data", "meta"])
            expect(rows(byDefault).map((p) => p.name)).toEqual(["Alpha", "Bravo", "Charlie", "Delta"])
            expect(keysOf(rows(byDefault)[0])).toEqual(projectFields)
            expect(field(byDefault, "meta")).toEqual({
              page: 1,
              page_size: 20,
              total_count: 4,
              total_pages: 1,
            })
            const paged = yield* list("?page=2&page_size=3")
            expect(rows(paged)).toHaveLength(1)
            expect(field(paged, "meta")).toEqual({ page: 2, page_size: 3, total_count: 4, total_pages: 2 })
            expect(field(yield* list("?limit=2"), "meta")).toMatchObject({ page_size: 2, total_pages: 2 })
            expect(rows(yield* list("?include_archived=true"))).toHaveLength(5)
            expect(rows(yield* list("?include_archived=1"))).toHaveLength(5)
            expect(rows(yield* list("?status=archived")).map((p) => p.id)).toEqual([archived])
            // D26: an unknown status, an unreadable size or flag is a 400 naming it, not the default list.
            const refusals: ReadonlyArray<readonly [string, string]> = [
              ["?status=bogus", "status"],
              ["?page_size=abc", "page_size"],
              ["?include_archived=yes", "include_archived"],
            ]
            for (const [query, name] of refusals) {
              const refused = yield* list(query)
              expect(refused.status, query).toBe(400)
              expect(keysOf(field(refused, "error").details), query).toEqual([name])
            }
            // A page past anything the store can reach is clamped: an empty page, not a 500.
            const far = yield* list(`?page=${"9".repeat(30)}&page_size=10`)
            expect(far.status).toBe(200)
            expect(rows(far)).toEqual([])
            expect(field(far, "meta")).toEqual({
              page: 100_000_000_001,
              page_size: 10,
              total_count: 4,
              total_pages: 1,
            })
          }),
        )
      })

      describe("GET /api/v1/projects/:id", () => {
        it.effect(
          "shows the project with its epic and story counts; 404 for unknown, malformed and foreign ids",
          () =>
            Effect.gen(function* () {
              const tenant = yield* provisionTenant("projects-show")
              const projectId = yield* newProject(tenant.userKey, { name: "Shop", slug: "shop" })
              yield* importInto(tenant.userKey, projectId, breakdown)
              const answer = yield* call("GET", `/api/v1/projects/${projectId}`, { key: tenant.userKey })
              expect(answer.status).toBe(200)
              const project = field(answer, "project")
              expect(keysOf(project)).toEqual([...projectFields, "epic_count", "story_count"].sort())
              expect(project).toMatchObject({ id: projectId, epic_count: 3, story_count: 4 })
              expect(
                (yield* call("GET", `/api/v1/projects/${unknownId}`, { key: tenant.userKey })).body,
              ).toEqual(envelope(404, "Project not found"))
              expect(
                (yield* call("GET", "/api/v1/projects/not-a-uuid", { key: tenant.userKey })).body,
              ).toEqual(envelope(404, "Not found"))
              const other = yield* provisionTenant("projects-show-other")
              const foreign = yield* call("GET", `/api/v1/projects/${projectId}`, { key: other.userKey })
              expect(foreign.body).toEqual(envelope(404, "Project not found"))
            }),
        )
      })

      describe("PATCH /api/v1/projects/:id", () => {
        it.effect("changes the writable fields, keeps the slug, clears the mission with an empty text", () =>
          Effect.gen(function* () {
            const tenant = yield* staffedTenant("projects-patch")
            const projectId = yield* newProject(tenant.userKey, {
              name: "Shop",
              slug: "shop",
              mission: "Sell",
            })
            const patch = (body: unknown, key = tenant.orchestratorKey) =>
              call("PATCH", `/api/v1/projects/${projectId}`, { key, body })
            // D26: an unknown status is refused with the field named, and nothing changes.
            const paused = yield* patch({ name: "Shop 2", status: "paused" })
            expect(paused.status).toBe(422)
            expect(detailsOf(paused)).toEqual({ status: ["must be one of: active, archived"] })
            const answer = yield* patch({
              name: "Shop 2",
              slug: "new",
              mission: "",
              tech_stack: "ts",
              description: null,
            })
            expect(answer.status).toBe(200)
            expect(keysOf(answer.body)).toEqual(["project"])
            expect(field(answer, "project")).toMatchObject({
              name: "Shop 2",
              slug: "shop",
              mission: null,
              status: "active",
              tech_stack: "ts",
              description: null,
            })
            expect((yield* patch({ name: "", repo_url: 42 })).body).toEqual({
              error: {
                status: 422,
                message: "Validation failed",
                details: { name: ["can't be blank"], repo_url: ["is invalid"] },
              },
            })
            const stored = field(
              yield* call("GET", `/api/v1/projects/${projectId}`, { key: tenant.userKey }),
              "project",
            )
            expect(stored).toMatchObject({ name: "Shop 2", slug: "shop", repo_url: null })
            // An archive through PATCH is a status change like any other.
            expect(field(yield* patch({ status: "archived" }), "project")).toMatchObject({
              status: "archived",
            })
            expect((yield* patch({ name: "x" }, tenant.workerKey)).body).toEqual(
              envelope(403, "Insufficient permissions. Required role: orchestrator"),
            )
            expect(
              (yield* call("PATCH", `/api/v1/projects/${unknownId}`, { key: tenant.userKey, body: {} }))
                .status,
            ).toBe(404)
            expect(
              (yield* call("PATCH", "/api/v1/projects/12", { key: tenant.userKey, body: {} })).status,
            ).toBe(404)
            const other = yield* provisionTenant("projects-patch-other")
            const foreign = yield* call("PATCH", `/api/v1/projects/${projectId}`, {
              key: other.userKey,
              body: { name: "Taken" },
            })
            expect(foreign.body).toEqual(envelope(404, "Project not found"))
          }),
        )
      })

      describe("DELETE /api/v1/projects/:id", () => {
        it.effect("archives: 200 {project} archived, still readable, gone from the default list", () =>
          Effect.gen(function* () {
            const tenant = yield* provisionTenant("projects-archive")
            const projectId = yield* newProject(tenant.userKey, { name: "Shop", slug: "shop" })
            const answer = yield* call("DELETE", `/api/v1/projects/${projectId}`, { key: tenant.userKey })
            expect(answer.status).toBe(200)
            expect(keysOf(answer.body)).toEqual(["project"])
            expect(field(answer, "project")).toMatchObject({ id: projectId, status: "archived" })
            expect(rows(yield* call("GET", "/api/v1/projects", { key: tenant.userKey }))).toEqual([])
            expect(
              rows(yield* call("GET", "/api/v1/projects?include_archived=true", { key: tenant.userKey })).map(
                (p) => p.id,
              ),
            ).toEqual([projectId])
            const shown = yield* call("GET", `/api/v1/projects/${projectId}`, { key: tenant.userKey })
            expect(field(shown, "project")).toMatchObject({ status: "archived" })
            expectStatus(
              yield* call("GET", `/api/v1/projects/${projectId}/progress`, { key: tenant.userKey }),
              200,
            )
            expect(
              (yield* call("DELETE", `/api/v1/projects/${unknownId}`, { key: tenant.userKey })).status,
            ).toBe(404)
            const other = yield* provisionTenant("projects-archive-other")
            expect(
              (yield* call("DELETE", `/api/v1/projects/${projectId}`, { key: other.userKey })).body,
            ).toEqual(envelope(404, "Project not found"))
          }),
        )
      })

      describe("GET /api/v1/projects/:id/progress", () => {
        it.effect("is all zero for an empty project", () =>
          Effect.gen(function* () {
            const tenant = yield* provisionTenant("projects-progress-empty")
            const projectId = yield* newProject(tenant.userKey, { name: "Shop", slug: "shop" })
            const answer = yield* call("GET", `/api/v1/projects/${projectId}/progress`, {
              key: tenant.userKey,
            })
            expect(answer.status).toBe(200)
            expect(answer.body).toEqual({ progress: zeroProgress })
          }),
        )

        it.effect("sums the hours as decimals, without binary floating-point noise", () =>
          Effect.gen(function* () {
            const tenant = yield* provisionTenant("projects-progress-hours")
            const projectId = yield* newProject(tenant.userKey, { name: "Shop", slug: "shop" })
            yield* importInto(tenant.userKey, projectId, {
              epics: [
                {
                  number: 1,
                  title: "Tenths",
                  stories: [
                    { number: "1.1", title: "A", estimated_hours: 0.1, initial_verified_status: "verified" },
                    { number: "1.2", title: "B", estimated_hours: 0.2, initial_verified_status: "verified" },
                  ],
                },
              ],
            })
            const progress = field(
              yield* call("GET", `/api/v1/projects/${projectId}/progress`, { key: tenant.userKey }),
              "progress",
            )
            // 0.1 + 0.2 in doubles is 0.30000000000000004; the original summed decimals.
            expect(progress).toMatchObject({ estimated_hours_total: 0.3, estimated_hours_completed: 0.3 })
          }),
        )

        it.effect("counts stories per status, completed epics, the verified share and the hours", () =>
          Effect.gen(function* () {
            const tenant = yield* staffedTenant("projects-progress")
            const projectId = yield* newProject(tenant.userKey, { name: "Shop", slug: "shop" })
            yield* importInto(tenant.userKey, projectId, breakdown)
            const answer = yield* call("GET", `/api/v1/projects/${projectId}/progress`, {
              key: tenant.workerKey,
            })
            expect(answer.body).toEqual({
              progress: {
                total_stories: 4,
                stories_by_agent_status: {
                  pending: 1,
                  contracted: 0,
                  assigned: 0,
                  implementing: 0,
                  reported_done: 3,
                },
                stories_by_verified_status: { unverified: 2, verified: 2, rejected: 0 },
                total_epics: 3,
                epics_completed: 1,
                verification_percentage: 50,
                estimated_hours_total: 6.5,
                estimated_hours_completed: 5,
              },
            })
            const other = yield* provisionTenant("projects-progress-other")
            expect(
              (yield* call("GET", `/api/v1/projects/${projectId}/progress`, { key: other.userKey })).body,
            ).toEqual(envelope(404, "Project not found"))
            expect(
              (yield* call("GET", "/api/v1/projects/nope/progress", { key: tenant.userKey })).status,
            ).toBe(404)
          }),
        )
      })

      describe("the audit trail", () => {
        it.effect("records project/created, updated and archived with the project and the change", () =>
          Effect.gen(function* () {
            const tenant = yield* provisionTenant("projects-audit")
            const projectId = yield* newProject(tenant.userKey, { name: "Shop", slug: "shop" })
            expectStatus(
              yield* call("PATCH", `/api/v1/projects/${projectId}`, {
                key: tenant.userKey,
                body: { name: "Shop 2", description: "Sells" },
              }),
              200,
            )
            // Neither a PATCH that changes nothing nor a second archive writes an entry.
            expectStatus(
              yield* call("PATCH", `/api/v1/projects/${projectId}`, {
                key: tenant.userKey,
                body: { name: "Shop 2" },
              }),
              200,
            )
            expectStatus(yield* call("DELETE", `/api/v1/projects/${projectId}`, { key: tenant.userKey }), 200)
            expectStatus(yield* call("DELETE", `/api/v1/projects/${projectId}`, { key: tenant.userKey }), 200)
            // A refused PATCH writes nothing either.
            expectStatus(
              yield* call("PATCH", `/api/v1/projects/${projectId}`, {
                key: tenant.userKey,
                body: { name: "" },
              }),
              422,
            )
            const entries = yield* auditOf(tenant.userKey, "project")
            expect(entries.map((e) => e.action)).toEqual(["archived", "updated", "created"])
            expect(entries.every((e) => e.entity_id === projectId && e.project_id === projectId)).toBe(true)
            expect(entries[0]).toMatchObject({
              actor_type: "api_key",
              actor_id: tenant.userKeyId,
              old_state: { status: "active" },
              new_state: { status: "archived" },
            })
            expect(entries[1]).toMatchObject({
              old_state: { name: "Shop", description: null },
              new_state: { name: "Shop 2", description: "Sells" },
            })
            expect(entries[2]).toMatchObject({ old_state: null, new_state: { name: "Shop", slug: "shop" } })
          }),
        )
      })

      describe("the role matrix", () => {
        it("covers every endpoint of the projects group", () => {
          const declared = routeRules(HttpApi.make("projects").add(ProjectsGroup)).map(
            (rule) => `${rule.method} ${rule.path}`,
          )
          expect(matrix.map((row) => `${row.method} ${row.route}`).sort()).toEqual([...declared].sort())
        })

        /** One staffed tenant with a project for the whole table, made by the first row. */
        let made: Fixture | undefined
        const fixture = Effect.suspend(() =>
          made === undefined
            ? Effect.gen(function* () {
                const tenant = yield* staffedTenant("projects-matrix")
                const projectId = yield* newProject(tenant.userKey, { name: "Matrix", slug: "matrix" })
                yield* newEpic(tenant.userKey, projectId, { number: 1, title: "Only" })
                made = { tenant, projectId }
                return made
              })
            : Effect.succeed(made),
        )

        for (const row of matrix)
          it.effect(`${row.method} ${row.route}`, () => Effect.flatMap(fixture, (f) => checkRow(row, f)))

        it.effect("the table's calls changed nothing", () =>
          Effect.gen(function* () {
            const f = yield* fixture
            const projects = rows(
              yield* call("GET", "/api/v1/projects?include_archived=true", { key: f.tenant.userKey }),
            )
            expect(projects.map((p) => [p.id, p.name, p.status])).toEqual([[f.projectId, "Matrix", "active"]])
            expect(
              keysOf(
                rows(
                  yield* call("GET", `/api/v1/projects/${f.projectId}/epics`, { key: f.tenant.userKey }),
                )[0],
              ),
            ).toEqual([...epicFields, "completion_percentage", "story_count"].sort())
          }),
        )
      })
    },
  )
}
