import { randomUUID } from "node:crypto"
import { describe, expect, layer } from "@effect/vitest"
import { Effect, Layer } from "effect"
import { backends, call } from "../support/identity-support.js"
import { aTeamForTheFile } from "../support/mothers.js"
import { collectLogs, realServer } from "../support/support.js"
import { advance, auditOf, errorOf, eventsOf, plan, record, team } from "../support/workflow-support.js"

/**
 * Artifact reports over HTTP, black-box on the real server: agents and orchestrators report
 * them for a story in any state, anyone in the tenant lists them, oldest first.
 */

const micros = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$/

const report = (key: string, id: string, body: unknown) =>
  call("POST", `/api/v1/stories/${id}/artifacts`, { key, body })
const list = (key: string, id: string, query = "") =>
  call("GET", `/api/v1/stories/${id}/artifacts${query}`, { key })

const data = (body: unknown) => {
  const rows = record(body).data
  if (!Array.isArray(rows)) throw new Error("no data")
  return rows.map(record)
}

for (const { name, database } of backends) {
  const server = realServer(database).pipe(Layer.provide(collectLogs([])))
  const tenant = aTeamForTheFile("artifacts")

  layer(server, { timeout: 180_000, excludeTestServices: true })(`artifacts on ${name}`, (it) => {
    describe("POST /stories/:id/artifacts", () => {
      it.effect("an agent reports one: 201, reported_by agent, exists true; audit and event", () =>
        Effect.gen(function* () {
          const t = yield* tenant
          const p = yield* plan(t, [{ number: 1, stories: [{ number: "1.1" }] }])
          const id = p.story("1.1")
          const answer = yield* report(t.implementerKey, id, {
            artifact_type: "migration",
            path: "priv/repo/migrations/20260101_add_users.exs",
          })
          expect(answer.status).toBe(201)
          const artifact = record(record(answer.body).artifact_report)
          expect(artifact).toEqual({
            id: expect.any(String),
            tenant_id: t.id,
            story_id: id,
            reported_by: "agent",
            reporter_agent_id: t.implementerAgentId,
            artifact_type: "migration",
            path: "priv/repo/migrations/20260101_add_users.exs",
            exists: true,
            details: {},
            inserted_at: expect.stringMatching(micros),
            updated_at: expect.stringMatching(micros),
          })
          expect(yield* auditOf(t, String(artifact.id))).toMatchObject([
            { entity_type: "artifact_report", action: "created", actor_label: "agent:worker-1" },
          ])
          expect((yield* eventsOf(t)).filter((e) => e.artifact_report_id === artifact.id)).toEqual([
            {
              event: "artifact.reported",
              artifact_report_id: artifact.id,
              story_id: id,
              project_id: p.projectId,
              artifact_type: "migration",
              path: "priv/repo/migrations/20260101_add_users.exs",
              reported_by: "agent",
              reporter_agent_id: t.implementerAgentId,
            },
          ])
        }),
      )

      it.effect("an orchestrator's is reported_by orchestrator; any state; exists and details kept", () =>
        Effect.gen(function* () {
          const t = yield* tenant
          const p = yield* plan(t, [{ number: 1, stories: [{ number: "1.1" }] }])
          const id = p.story("1.1")
          yield* advance(t, id, "verified")
          const answer = yield* report(t.orchestratorKey, id, {
            artifact_type: "commit_diff",
            path: "abc123",
            exists: false,
            details: { lines: 42 },
          })
          expect(answer.status).toBe(201)
          expect(record(answer.body).artifact_report).toMatchObject({
            reported_by: "orchestrator",
            reporter_agent_id: t.orchestratorAgentId,
            exists: false,
            details: { lines: 42 },
          })
          // A key with no agent still reports (no identity gate), with no reporter agent.
          const loose = yield* report(t.unlinkedOrchestratorKey, id, { artifact_type: "test", path: "t.ts" })
          expect(record(loose.body).artifact_report).toMatchObject({ reporter_agent_id: null })
        }),
      )

      it.effect("refuses: a user (403), missing or invalid fields (422), unknown stories (404)", () =>
        Effect.gen(function* () {
          const t = yield* tenant
          const p = yield* plan(t, [{ number: 1, stories: [{ number: "1.1" }] }])
          const id = p.story("1.1")
          const byUser = yield* report(t.userKey, id, { artifact_type: "migration", path: "x" })
          expect(errorOf(byUser)).toEqual({
            status: 403,
            message: "This endpoint requires the agent or orchestrator role",
          })
          const cases: ReadonlyArray<readonly [unknown, Record<string, ReadonlyArray<string>>]> = [
            [{}, { artifact_type: ["can't be blank"], path: ["can't be blank"] }],
            [{ artifact_type: "test" }, { path: ["can't be blank"] }],
            [{ artifact_type: " ", path: "x" }, { artifact_type: ["can't be blank"] }],
            [
              { artifact_type: "test", path: "x", exists: "yes", details: [] },
              { exists: ["must be a boolean"], details: ["must be a JSON object"] },
            ],
          ]
          for (const [body, details] of cases) {
            const answer = yield* report(t.implementerKey, id, body)
            expect(answer.status, JSON.stringify(body)).toBe(422)
            expect(errorOf(answer)).toEqual({ status: 422, message: "Validation failed", details })
          }
          const other = yield* team("artifacts-other")
          const theirs = (yield* plan(other, [{ number: 1, stories: [{ number: "1.1" }] }])).story("1.1")
          for (const unknown of [randomUUID(), "not-a-uuid", theirs]) {
            const answer = yield* report(t.implementerKey, unknown, { artifact_type: "test", path: "x" })
            expect(answer.status, unknown).toBe(404)
          }
          expect(data((yield* list(t.userKey, id)).body)).toEqual([])
          expect(data((yield* list(other.userKey, theirs)).body)).toEqual([])
        }),
      )
    })

    describe("GET /stories/:id/artifacts", () => {
      it.effect("oldest first, page style, for every role; 404 for an unknown story", () =>
        Effect.gen(function* () {
          const t = yield* tenant
          const p = yield* plan(t, [{ number: 1, stories: [{ number: "1.1" }] }])
          const id = p.story("1.1")
          for (const n of [1, 2, 3]) {
            expect(
              (yield* report(t.implementerKey, id, { artifact_type: "test", path: `t${n}.ts` })).status,
            ).toBe(201)
          }
          for (const key of [t.userKey, t.orchestratorKey, t.implementerKey, t.otherKey]) {
            const answer = yield* list(key, id)
            expect(answer.status).toBe(200)
            expect(data(answer.body).map((row) => row.path)).toEqual(["t1.ts", "t2.ts", "t3.ts"])
            expect(record(answer.body).meta).toEqual({
              page: 1,
              page_size: 20,
              total_count: 3,
              total_pages: 1,
            })
          }
          const second = yield* list(t.userKey, id, "?page=2&page_size=2")
          expect(data(second.body).map((row) => row.path)).toEqual(["t3.ts"])
          expect(record(second.body).meta).toEqual({ page: 2, page_size: 2, total_count: 3, total_pages: 2 })
          expect(record((yield* list(t.userKey, id, "?limit=1")).body).meta).toMatchObject({ page_size: 1 })
          expect((yield* list(t.userKey, randomUUID())).status).toBe(404)
          expect((yield* list(t.userKey, "nope")).status).toBe(404)
        }),
      )
    })
  })
}
