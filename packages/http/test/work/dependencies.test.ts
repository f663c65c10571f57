import { HttpApi } from "@effect/platform"
import { describe, expect, layer } from "@effect/vitest"
import { DependenciesGroup, routeRules } from "@loopctl/api"
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
  unknownId,
} from "../support/story-support.js"
import { collectLogs, realServer } from "../support/support.js"

/**
 * The dependency endpoints of the real server on PGlite and, when DATABASE_URL is set, Postgres:
 * story and epic edges with the create checks of workflow.md §4.3 (in order, with their
 * messages), removal and the lists, the ready and blocked queues as verification changes them,
 * the project's graph, and who may call each endpoint.
 */

/** A project with epics A (1), B (2), C (3) and stories a1, a2 (in A), b1 (in B), c1 (in C). */
const board = (label: string) =>
  Effect.gen(function* () {
    const tenant = yield* staffedTenant(label)
    const project = yield* newProject(tenant)
    const A = yield* newEpic(tenant, project, 1)
    const B = yield* newEpic(tenant, project, 2)
    const C = yield* newEpic(tenant, project, 3)
    const a1 = yield* newStory(tenant, A, "1.1")
    const a2 = yield* newStory(tenant, A, "1.2")
    const b1 = yield* newStory(tenant, B, "2.1")
    const c1 = yield* newStory(tenant, C, "3.1")
    return { tenant, project, A, B, C, a1, a2, b1, c1 }
  })

const storyEdge = (tenant: StaffedTenant, body: unknown) =>
  call("POST", "/api/v1/story_dependencies", { key: tenant.orchestratorKey, body })
const epicEdge = (tenant: StaffedTenant, body: unknown) =>
  call("POST", "/api/v1/epic_dependencies", { key: tenant.orchestratorKey, body })

const refusal = (status: number, message: string, extra: Readonly<Record<string, unknown>> = {}) => ({
  error: { status, message, ...extra },
})

for (const { name, database } of backends) {
  const server = realServer(database).pipe(Layer.provide(collectLogs([])))

  layer(server, { timeout: 120_000, excludeTestServices: true })(
    `the dependency endpoints on ${name}`,
    (it) => {
      describe("story dependencies", () => {
        it.effect("are created, listed for either epic they touch, and deleted", () =>
          Effect.gen(function* () {
            const { tenant, A, B, a1, a2, b1 } = yield* board("story-edges")
            const made = yield* storyEdge(tenant, { story_id: a2, depends_on_story_id: a1 })
            expect(made.status).toBe(201)
            const edge = record(record(made.body).story_dependency)
            expect(edge).toEqual({
              id: expect.any(String),
              tenant_id: tenant.id,
              story_id: a2,
              depends_on_story_id: a1,
              inserted_at: expect.stringMatching(microsTimestamp),
            })
            // Across epics inside one project is fine; ids in upper case name the same stories.
            const across = yield* storyEdge(tenant, { story_id: b1.toUpperCase(), depends_on_story_id: a2 })
            expect(across.status).toBe(201)
            const ofA = yield* call("GET", `/api/v1/epics/${A}/story_dependencies`, { key: tenant.workerKey })
            expect(ofA.status).toBe(200)
            expect(keys(ofA.body)).toEqual(["data", "meta"])
            expect(rows(ofA).map((row) => [row.story_id, row.depends_on_story_id])).toEqual([
              [a2, a1],
              [b1, a2],
            ])
            expect(metaOf(ofA)).toEqual({ page: 1, page_size: 2, total_count: 2, total_pages: 1 })
            const ofB = yield* call("GET", `/api/v1/epics/${B}/story_dependencies`, { key: tenant.workerKey })
            expect(rows(ofB).map((row) => row.story_id)).toEqual([b1])

            // Another tenant sees neither the epic's edges nor the edge itself.
            const stranger = yield* staffedTenant("story-edges-stranger")
            expect(
              (yield* call("GET", `/api/v1/epics/${A}/story_dependencies`, { key: stranger.workerKey })).body,
            ).toEqual(envelope(404, "Epic not found"))
            expect(
              (yield* call("DELETE", `/api/v1/story_dependencies/${String(edge.id)}`, {
                key: stranger.userKey,
              })).body,
            ).toEqual(envelope(404, "Story dependency not found"))
            const removed = yield* call("DELETE", `/api/v1/story_dependencies/${String(edge.id)}`, {
              key: tenant.userKey,
            })
            expect(removed.status).toBe(204)
            expect(removed.text).toBe("")
            const again = yield* call("DELETE", `/api/v1/story_dependencies/${String(edge.id)}`, {
              key: tenant.userKey,
            })
            expect(again).toMatchObject({ status: 404, body: envelope(404, "Story dependency not found") })
            expect(
              (yield* call("DELETE", "/api/v1/story_dependencies/nope", { key: tenant.userKey })).status,
            ).toBe(404)
            expect(yield* auditActions(tenant, "story_dependency")).toEqual(["created", "created", "deleted"])
          }),
        )

        it.effect("are checked in the spec's order, each with its message", () =>
          Effect.gen(function* () {
            const { tenant, a1, a2, b1 } = yield* board("story-edge-checks")
            const stranger = yield* board("story-edge-stranger")
            // A missing id (a 500 in the original) is a 422 naming the field.
            expect((yield* storyEdge(tenant, { story_id: a1 })).body).toEqual(
              refusal(422, "Validation failed", { details: { depends_on_story_id: ["can't be blank"] } }),
            )
            // 1. Self-edge, before any lookup (an unknown id is still a self-edge).
            expect(
              (yield* storyEdge(tenant, { story_id: unknownId, depends_on_story_id: unknownId })).body,
            ).toEqual(refusal(422, "A story cannot depend on itself", { code: "self_dependency" }))
            // 2. Unknown, malformed or another tenant's story.
            for (const other of [unknownId, "not-a-uuid", stranger.a1]) {
              const answer = yield* storyEdge(tenant, { story_id: a1, depends_on_story_id: other })
              expect({ other, status: answer.status }).toEqual({ other, status: 404 })
            }
            // 3. Different projects (both of this tenant).
            const elsewhere = yield* newProject(tenant)
            const x1 = yield* newStory(tenant, yield* newEpic(tenant, elsewhere, 1), "1.1")
            expect((yield* storyEdge(tenant, { story_id: x1, depends_on_story_id: a1 })).body).toEqual(
              refusal(422, "Stories must belong to the same project", { code: "cross_project" }),
            )
            // 4. A cycle, named from the new edge back to its start; nothing is written.
            expectStatus(yield* storyEdge(tenant, { story_id: a2, depends_on_story_id: a1 }), 201, "a2 → a1")
            expectStatus(yield* storyEdge(tenant, { story_id: b1, depends_on_story_id: a2 }), 201, "b1 → a2")
            const audited = yield* auditActions(tenant, "story_dependency")
            expect((yield* storyEdge(tenant, { story_id: a1, depends_on_story_id: b1 })).body).toEqual(
              refusal(422, "Cycle detected in dependency graph", {
                code: "cycle_detected",
                context: { cycle: [a1, b1, a2, a1] },
              }),
            )
            // 6. The same pair again.
            expect((yield* storyEdge(tenant, { story_id: a2, depends_on_story_id: a1 })).body).toEqual(
              refusal(409, "Conflict"),
            )
            expect(yield* auditActions(tenant, "story_dependency")).toEqual(audited)
          }),
        )

        it.effect("are refused against a direct epic edge the other way (cross-level deadlock)", () =>
          Effect.gen(function* () {
            const { tenant, A, B, a1, b1 } = yield* board("story-edge-deadlock")
            expectStatus(yield* epicEdge(tenant, { epic_id: B, depends_on_epic_id: A }), 201, "B → A")
            expect((yield* storyEdge(tenant, { story_id: a1, depends_on_story_id: b1 })).body).toEqual(
              refusal(
                422,
                `Cross-level deadlock: epic ${B} depends on epic ${A}, but a story in ${B} would depend on a story in ${A}`,
                { code: "cross_level_deadlock" },
              ),
            )
            expect(yield* auditActions(tenant, "story_dependency")).toEqual([])
          }),
        )
      })

      describe("epic dependencies", () => {
        it.effect("are created, listed oldest first, checked in order, and deleted", () =>
          Effect.gen(function* () {
            const { tenant, project, A, B, C } = yield* board("epic-edges")
            expect((yield* epicEdge(tenant, { depends_on_epic_id: A })).body).toEqual(
              refusal(422, "Validation failed", { details: { epic_id: ["can't be blank"] } }),
            )
            expect((yield* epicEdge(tenant, { epic_id: A, depends_on_epic_id: A })).body).toEqual(
              refusal(422, "An epic cannot depend on itself", { code: "self_dependency" }),
            )
            expect((yield* epicEdge(tenant, { epic_id: A, depends_on_epic_id: unknownId })).body).toEqual(
              envelope(404, "Epic not found"),
            )
            const elsewhere = yield* newEpic(tenant, yield* newProject(tenant), 1)
            expect((yield* epicEdge(tenant, { epic_id: A, depends_on_epic_id: elsewhere })).body).toEqual(
              refusal(422, "Epics must belong to the same project", { code: "cross_project" }),
            )
            const made = yield* epicEdge(tenant, { epic_id: A, depends_on_epic_id: B })
            expect(made.status).toBe(201)
            expect(record(record(made.body).epic_dependency)).toEqual({
              id: expect.any(String),
              tenant_id: tenant.id,
              epic_id: A,
              depends_on_epic_id: B,
              inserted_at: expect.stringMatching(microsTimestamp),
            })
            expectStatus(yield* epicEdge(tenant, { epic_id: B, depends_on_epic_id: C }), 201, "B → C")
            expect((yield* epicEdge(tenant, { epic_id: C, depends_on_epic_id: A })).body).toEqual(
              refusal(422, "Cycle detected in dependency graph", {
                code: "cycle_detected",
                context: { cycle: [C, A, B, C] },
              }),
            )
            expect((yield* epicEdge(tenant, { epic_id: A, depends_on_epic_id: B })).body).toEqual(
              refusal(409, "Conflict"),
            )
            const listed = yield* call("GET", `/api/v1/projects/${project}/epic_dependencies`, {
              key: tenant.workerKey,
            })
            expect(rows(listed).map((row) => [row.epic_id, row.depends_on_epic_id])).toEqual([
              [A, B],
              [B, C],
            ])
            expect(metaOf(listed)).toMatchObject({ total_count: 2 })
            const madeId = String(record(record(made.body).epic_dependency).id)
            const removed = yield* call("DELETE", `/api/v1/epic_dependencies/${madeId}`, {
              key: tenant.userKey,
            })
            expect(removed.status).toBe(204)
            expect(
              rows(
                yield* call("GET", `/api/v1/projects/${project}/epic_dependencies`, {
                  key: tenant.workerKey,
                }),
              ).map((row) => row.epic_id),
            ).toEqual([B])
            expect(
              (yield* call("GET", `/api/v1/projects/${unknownId}/epic_dependencies`, {
                key: tenant.workerKey,
              })).body,
            ).toEqual(envelope(404, "Project not found"))
            expect(yield* auditActions(tenant, "epic_dependency")).toEqual(["created", "created", "deleted"])
          }),
        )

        it.effect("are refused when a story of the prerequisite waits for one of the dependent", () =>
          Effect.gen(function* () {
            const { tenant, A, B, a1, b1 } = yield* board("epic-edge-deadlock")
            expectStatus(yield* storyEdge(tenant, { story_id: b1, depends_on_story_id: a1 }), 201, "b1 → a1")
            expect((yield* epicEdge(tenant, { epic_id: A, depends_on_epic_id: B })).body).toEqual(
              refusal(
                422,
                `Cross-level deadlock: story ${b1} (in prerequisite epic) depends on story ${a1} (in dependent epic)`,
                { code: "cross_level_deadlock" },
              ),
            )
            expect(yield* auditActions(tenant, "epic_dependency")).toEqual([])
          }),
        )
      })

      describe("readiness", () => {
        it.effect("verifying a prerequisite makes its dependents ready; removing an edge does too", () =>
          Effect.gen(function* () {
            const { tenant, project, A, B, a1, a2, b1, c1 } = yield* board("readiness")
            expectStatus(yield* storyEdge(tenant, { story_id: a2, depends_on_story_id: a1 }), 201, "a2 → a1")
            expectStatus(yield* epicEdge(tenant, { epic_id: B, depends_on_epic_id: A }), 201, "B → A")
            const ready = () =>
              Effect.map(
                call("GET", `/api/v1/stories/ready?project_id=${project}`, { key: tenant.workerKey }),
                (answer) => rows(expectStatus(answer, 200, "ready")).map((row) => row.id),
              )
            const blocked = () =>
              Effect.map(
                call("GET", `/api/v1/stories/blocked?project_id=${project}`, { key: tenant.workerKey }),
                (answer) =>
                  rows(expectStatus(answer, 200, "blocked")).map((row) => [
                    record(row.story).id,
                    (Array.isArray(row.blocking_dependencies) ? row.blocking_dependencies : []).map(
                      (blocker) => record(blocker).id,
                    ),
                  ]),
              )
            expect(yield* ready()).toEqual([a1, c1])
            expect(yield* blocked()).toEqual([
              [a2, [a1]],
              [b1, [a1, a2]],
            ])
            yield* markVerified(tenant, a1)
            expect(yield* ready()).toEqual([a2, c1])
            expect(yield* blocked()).toEqual([[b1, [a2]]])
            yield* markVerified(tenant, a2)
            expect(yield* ready()).toEqual([b1, c1])
            expect(yield* blocked()).toEqual([])
            const ofEpic = yield* call("GET", `/api/v1/stories/ready?epic_id=${B}`, { key: tenant.workerKey })
            expect(rows(ofEpic).map((row) => row.id)).toEqual([b1])

            // A fresh pair: deleting the edge frees the dependent.
            const { tenant: other, project: otherProject, a1: o1, a2: o2 } = yield* board("readiness-delete")
            const edge = record(
              record(
                expectStatus(
                  yield* storyEdge(other, { story_id: o2, depends_on_story_id: o1 }),
                  201,
                  "o2 → o1",
                ).body,
              ).story_dependency,
            )
            const readyOf = () =>
              Effect.map(
                call("GET", `/api/v1/stories/ready?project_id=${otherProject}`, { key: other.workerKey }),
                (answer) => rows(answer).map((row) => row.id),
              )
            expect(yield* readyOf()).not.toContain(o2)
            expectStatus(
              yield* call("DELETE", `/api/v1/story_dependencies/${String(edge.id)}`, { key: other.userKey }),
              204,
              "delete",
            )
            expect(yield* readyOf()).toContain(o2)
          }),
        )
      })

      describe("GET /api/v1/projects/:id/dependency_graph", () => {
        it.effect("answers the epics with their stories and both edge sets as from/to", () =>
          Effect.gen(function* () {
            const { tenant, project, A, B, C, a1, a2, b1, c1 } = yield* board("graph")
            expectStatus(yield* storyEdge(tenant, { story_id: a2, depends_on_story_id: a1 }), 201, "a2 → a1")
            expectStatus(yield* epicEdge(tenant, { epic_id: C, depends_on_epic_id: B }), 201, "C → B")
            const answer = yield* call("GET", `/api/v1/projects/${project}/dependency_graph`, {
              key: tenant.workerKey,
            })
            expect(answer.status).toBe(200)
            const story = (id: string, number: string) => ({
              id,
              number,
              title: `Story ${number}`,
              agent_status: "pending",
              verified_status: "unverified",
              sort_key: Number(number.split(".")[0]) * 10000 + Number(number.split(".")[1]) * 10,
            })
            const epic = (id: string, number: number, stories: ReadonlyArray<unknown>) => ({
              id,
              number,
              title: `Epic ${number}`,
              phase: null,
              position: 0,
              stories,
            })
            expect(answer.body).toEqual({
              graph: {
                epics: [
                  epic(A, 1, [story(a1, "1.1"), story(a2, "1.2")]),
                  epic(B, 2, [story(b1, "2.1")]),
                  epic(C, 3, [story(c1, "3.1")]),
                ],
                epic_dependencies: [{ from: C, to: B }],
                story_dependencies: [{ from: a2, to: a1 }],
              },
            })
            const stranger = yield* staffedTenant("graph-stranger")
            for (const [key, id] of [
              [stranger.workerKey, project],
              [tenant.workerKey, unknownId],
              [tenant.workerKey, "nope"],
            ] as const) {
              const refused = yield* call("GET", `/api/v1/projects/${id}/dependency_graph`, { key })
              expect({ id, status: refused.status }).toEqual({ id, status: 404 })
            }
          }),
        )
      })

      describe("who may call", () => {
        interface Fixture {
          readonly tenant: StaffedTenant
          readonly project: string
          readonly epic: string
        }
        let fixture: Fixture | undefined
        const setUp = Effect.suspend(() =>
          fixture === undefined
            ? Effect.gen(function* () {
                const tenant = yield* staffedTenant("dependency-matrix")
                const project = yield* newProject(tenant)
                const epic = yield* newEpic(tenant, project, 1)
                fixture = { tenant, project, epic }
                return fixture
              })
            : Effect.succeed(fixture),
        )
        // Creates fail validation and deletes name nothing, so no row changes what a later one sees.
        const table: ReadonlyArray<MatrixRow<Fixture>> = [
          {
            method: "POST",
            route: "/api/v1/story_dependencies",
            path: () => "/api/v1/story_dependencies",
            body: {},
            expect: orchestratorOrAbove(422),
          },
          {
            method: "DELETE",
            route: "/api/v1/story_dependencies/:id",
            path: () => `/api/v1/story_dependencies/${unknownId}`,
            expect: userOrAbove(404),
          },
          {
            method: "GET",
            route: "/api/v1/epics/:id/story_dependencies",
            path: (f) => `/api/v1/epics/${f.epic}/story_dependencies`,
            expect: anyTenantRole(200),
          },
          {
            method: "POST",
            route: "/api/v1/epic_dependencies",
            path: () => "/api/v1/epic_dependencies",
            body: {},
            expect: orchestratorOrAbove(422),
          },
          {
            method: "DELETE",
            route: "/api/v1/epic_dependencies/:id",
            path: () => `/api/v1/epic_dependencies/${unknownId}`,
            expect: userOrAbove(404),
          },
          {
            method: "GET",
            route: "/api/v1/projects/:id/epic_dependencies",
            path: (f) => `/api/v1/projects/${f.project}/epic_dependencies`,
            expect: anyTenantRole(200),
          },
          {
            method: "GET",
            route: "/api/v1/projects/:id/dependency_graph",
            path: (f) => `/api/v1/projects/${f.project}/dependency_graph`,
            expect: anyTenantRole(200),
          },
        ]

        it("covers every endpoint of the group", () => {
          const declared = routeRules(HttpApi.make("dependencies").add(DependenciesGroup)).map(
            (rule) => `${rule.method} ${rule.path}`,
          )
          expect(table.map((row) => `${row.method} ${row.route}`).sort()).toEqual([...declared].sort())
        })

        for (const row of table)
          it.effect(`${row.method} ${row.route}`, () => Effect.flatMap(setUp, (f) => checkRow(row, f)))
      })
    },
  )
}
