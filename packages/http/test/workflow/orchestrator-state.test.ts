import { randomUUID } from "node:crypto"
import { describe, expect, layer } from "@effect/vitest"
import { Effect, Layer, Schema } from "effect"
import {
  type StaffedTenant,
  backends,
  call,
  envelope,
  read,
  staffedTenant,
} from "../support/identity-support.js"
import {
  type KeyedCallerName as CallerName,
  keyedCallers as callers,
  headersOf,
} from "../support/matrix-support.js"
import { collectLogs, realServer, rootKey } from "../support/support.js"
import { auditEntries, eventsOf, expectStatus, newProject, record } from "../support/work-tools-support.js"

/**
 * Orchestrator state checkpointing on the real server: versioned saves with optimistic
 * concurrency (409 on a stale version), reads by state key, the history read back from the
 * audit trail, 422 details, 404s, the role matrix and the audit entries a save leaves.
 */

const statePath = (project: string, query = "") => `/api/v1/orchestrator/state/${project}${query}`
const historyPath = (project: string, query = "") => `/api/v1/orchestrator/state/${project}/history${query}`

const Timestamp = Schema.String.pipe(Schema.pattern(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z$/))

/** The exact shape of `{state}`: every key, nothing else. */
const StateBody = Schema.Struct({
  state: Schema.Struct({
    id: Schema.UUID,
    tenant_id: Schema.UUID,
    project_id: Schema.UUID,
    state_key: Schema.String,
    state_data: Schema.Record({ key: Schema.String, value: Schema.Unknown }),
    version: Schema.Int,
    inserted_at: Timestamp,
    updated_at: Timestamp,
  }).annotations({ parseOptions: { onExcessProperty: "error" } }),
}).annotations({ parseOptions: { onExcessProperty: "error" } })

const HistoryBody = Schema.Struct({
  data: Schema.Array(
    Schema.Struct({
      version: Schema.Int,
      state_data: Schema.Record({ key: Schema.String, value: Schema.Unknown }),
      saved_by: Schema.NullOr(Schema.String),
      saved_at: Timestamp,
    }).annotations({ parseOptions: { onExcessProperty: "error" } }),
  ),
  meta: Schema.Struct({
    page: Schema.Int,
    page_size: Schema.Int,
    total_count: Schema.Int,
    total_pages: Schema.Int,
  }),
})

const conflict = envelope(409, "Conflict")

/** A PUT with the orchestrator's key. */
const save = (tenant: StaffedTenant, project: string, body: unknown, key = tenant.orchestratorKey) =>
  call("PUT", statePath(project), { key, body })

/** Saves `state_data` under `state_key` from `version` and expects 200 with the next version. */
const saved = (
  tenant: StaffedTenant,
  project: string,
  state_key: string,
  version: number,
  state_data: object,
) =>
  Effect.map(
    save(tenant, project, { state_key, version, state_data }),
    (answer) => read(StateBody, expectStatus(answer, 200, `save ${state_key}@${version}`)).state,
  )

const onlyOrchestrators = envelope(403, "This endpoint requires the orchestrator or superadmin role")

for (const { name, database } of backends) {
  const server = realServer(database).pipe(Layer.provide(collectLogs([])))

  layer(server, { timeout: 120_000, excludeTestServices: true })(`orchestrator state on ${name}`, (it) => {
    describe("PUT /api/v1/orchestrator/state/:project_id", () => {
      it.effect("a first save is version 1, answered 200 with the whole state", () =>
        Effect.gen(function* () {
          const tenant = yield* staffedTenant("state-first")
          const project = yield* newProject(tenant.userKey)
          const data = { phase: "epic-3", queue: ["1.1", "1.2"], nested: { deep: [{ ok: true, n: 1.5 }] } }
          const answer = yield* save(tenant, project, { state_key: "main", version: 0, state_data: data })
          expect(answer.status).toBe(200)
          const { state } = read(StateBody, answer)
          expect(state).toMatchObject({
            tenant_id: tenant.id,
            project_id: project,
            state_key: "main",
            state_data: data,
            version: 1,
          })
          expect(state.updated_at).toBe(state.inserted_at)
          // Without a version a first save is version 1 too.
          const other = read(
            StateBody,
            yield* save(tenant, project, { state_key: "exp", state_data: {} }),
          ).state
          expect(other.version).toBe(1)
          expect(other.id).not.toBe(state.id)
        }),
      )

      it.effect("each save from the stored version replaces the data and bumps the version", () =>
        Effect.gen(function* () {
          const tenant = yield* staffedTenant("state-next")
          const project = yield* newProject(tenant.userKey)
          const first = yield* saved(tenant, project, "main", 0, { a: 1, keep: "me" })
          let version = first.version
          for (let i = 0; i < 4; i++)
            version = (yield* saved(tenant, project, "main", version, { step: i })).version
          expect(version).toBe(5)
          const sixth = yield* saved(tenant, project, "main", 5, { b: 2 })
          expect(sixth).toMatchObject({
            id: first.id,
            version: 6,
            state_data: { b: 2 },
            inserted_at: first.inserted_at,
          })
          expect(sixth.updated_at > first.updated_at).toBe(true)
          // `expected_version` is read as `version`.
          const seventh = read(
            StateBody,
            yield* save(tenant, project, { state_key: "main", expected_version: 6, state_data: { c: 3 } }),
          ).state
          expect(seventh.version).toBe(7)
          const loaded = read(
            StateBody,
            yield* call("GET", statePath(project), { key: tenant.orchestratorKey }),
          )
          expect(loaded.state).toEqual(seventh)
        }),
      )

      it.effect("a save from any other version is 409 and changes nothing", () =>
        Effect.gen(function* () {
          const tenant = yield* staffedTenant("state-stale")
          const project = yield* newProject(tenant.userKey)
          let version = 0
          for (let i = 0; i < 5; i++)
            version = (yield* saved(tenant, project, "main", version, { step: i })).version
          const stored = read(
            StateBody,
            yield* call("GET", statePath(project), { key: tenant.orchestratorKey }),
          )
          const auditBefore = (yield* auditEntries(tenant.id, "orchestrator_state", "saved")).length
          for (const stale of [{ version: 3 }, { version: 6 }, {}]) {
            const answer = yield* save(tenant, project, {
              state_key: "main",
              state_data: { lost: true },
              ...stale,
            })
            expect({ stale, status: answer.status, body: answer.body }).toEqual({
              stale,
              status: 409,
              body: conflict,
            })
          }
          // A version that is not a whole number from 0 up is refused, not read as a conflict (D26).
          for (const version of ["5", 5.5, -1]) {
            const answer = yield* save(tenant, project, {
              state_key: "main",
              state_data: { lost: true },
              version,
            })
            expect(answer.status, String(version)).toBe(422)
            expect(answer.body).toMatchObject({ error: { details: { version: [expect.any(String)] } } })
          }
          // A key never saved takes only version 0.
          const fresh = yield* save(tenant, project, { state_key: "new", version: 1, state_data: {} })
          expect(fresh.status).toBe(409)
          expect(fresh.body).toEqual(conflict)
          const after = read(
            StateBody,
            yield* call("GET", statePath(project), { key: tenant.orchestratorKey }),
          )
          expect(after).toEqual(stored)
          expect((yield* auditEntries(tenant.id, "orchestrator_state", "saved")).length).toBe(auditBefore)
          const none = yield* call("GET", statePath(project, "?state_key=new"), {
            key: tenant.orchestratorKey,
          })
          expect(none.status).toBe(404)
        }),
      )

      it.effect("two writers of the same version: exactly one wins", () =>
        Effect.gen(function* () {
          const tenant = yield* staffedTenant("state-race")
          const project = yield* newProject(tenant.userKey)
          yield* saved(tenant, project, "main", 0, { start: true })
          const answers = yield* Effect.all(
            [1, 2, 3].map((writer) =>
              save(tenant, project, { state_key: "main", version: 1, state_data: { writer } }),
            ),
            { concurrency: "unbounded" },
          )
          expect(answers.map((a) => a.status).sort()).toEqual([200, 409, 409])
          const winner = answers.find((a) => a.status === 200)
          if (winner === undefined) throw new Error("no save won")
          const loaded = read(
            StateBody,
            yield* call("GET", statePath(project), { key: tenant.orchestratorKey }),
          )
          expect(loaded.state.version).toBe(2)
          expect(loaded.state.state_data).toEqual(read(StateBody, winner).state.state_data)
          // Two first saves of one key: one is version 1, the other a conflict.
          const firsts = yield* Effect.all(
            [1, 2].map((writer) =>
              save(tenant, project, { state_key: "twin", version: 0, state_data: { writer } }),
            ),
            { concurrency: "unbounded" },
          )
          expect(firsts.map((a) => a.status).sort()).toEqual([200, 409])
        }),
      )

      it.effect(
        "a blank or missing state_key, or state_data that is not an object, is 422 naming the field",
        () =>
          Effect.gen(function* () {
            const tenant = yield* staffedTenant("state-invalid")
            const project = yield* newProject(tenant.userKey)
            const cases: ReadonlyArray<readonly [unknown, Record<string, ReadonlyArray<string>>]> = [
              [{ state_data: {} }, { state_key: ["can't be blank"] }],
              [{ state_key: "  ", state_data: {} }, { state_key: ["can't be blank"] }],
              [{ state_key: 7, state_data: {} }, { state_key: ["is invalid"] }],
              [
                { state_key: "k".repeat(256), state_data: {} },
                { state_key: ["should be at most 255 character(s)"] },
              ],
              [{ state_key: "main" }, { state_data: ["can't be blank"] }],
              [{ state_key: "main", state_data: [1, 2] }, { state_data: ["must be a JSON object"] }],
              [{ state_key: "main", state_data: "text" }, { state_data: ["must be a JSON object"] }],
              [{}, { state_key: ["can't be blank"], state_data: ["can't be blank"] }],
              [
                { state_key: "a\u0000", state_data: {} },
                { state_key: ["must not contain NUL characters or unpaired UTF-16 surrogates"] },
              ],
              [
                { state_key: "main", state_data: { log: ["ok", { note: "cut\u0000here" }] } },
                {
                  "state_data.log[1].note": ["must not contain NUL characters or unpaired UTF-16 surrogates"],
                },
              ],
              [
                { state_key: "main", state_data: { "\udc00": 1 } },
                { state_data: ["must not contain NUL characters or unpaired UTF-16 surrogates"] },
              ],
            ]
            for (const [body, details] of cases) {
              const answer = yield* save(tenant, project, body)
              expect({ body, status: answer.status, answer: answer.body }).toEqual({
                body,
                status: 422,
                answer: { error: { status: 422, message: "Validation failed", details } },
              })
            }
            // The longest key is accepted.
            expect((yield* saved(tenant, project, "k".repeat(255), 0, {})).state_key.length).toBe(255)
            // A blank key is refused before the project is looked up.
            const unknown = yield* save(tenant, randomUUID(), { state_data: {} })
            expect(unknown.status).toBe(422)
          }),
      )

      it.effect("each save is audited with the state before and after, and fires no event", () =>
        Effect.gen(function* () {
          const tenant = yield* staffedTenant("state-audit")
          const project = yield* newProject(tenant.userKey)
          const eventsBefore = (yield* eventsOf(tenant.id)).length
          const first = yield* saved(tenant, project, "main", 0, { a: 1 })
          const second = yield* saved(tenant, project, "main", 1, { b: 2 })
          const entries = yield* auditEntries(tenant.id, "orchestrator_state", "saved")
          const full = (state: typeof first) => ({
            id: state.id,
            project_id: state.project_id,
            state_key: state.state_key,
            state_data: state.state_data,
            version: state.version,
            inserted_at: state.inserted_at,
            updated_at: state.updated_at,
          })
          expect(
            entries.map((entry) => ({
              entity_id: entry.entity_id,
              project_id: entry.project_id,
              actor_label: entry.actor_label,
              old_state: entry.old_state,
              new_state: entry.new_state,
            })),
          ).toEqual([
            {
              entity_id: first.id,
              project_id: project,
              actor_label: "orchestrator:orchestrator-main",
              old_state: full(first),
              new_state: full(second),
            },
            {
              entity_id: first.id,
              project_id: project,
              actor_label: "orchestrator:orchestrator-main",
              old_state: null,
              new_state: full(first),
            },
          ])
          expect((yield* eventsOf(tenant.id)).length).toBe(eventsBefore)
        }),
      )
    })

    describe("GET /api/v1/orchestrator/state/:project_id", () => {
      it.effect("reads the key named, main by default; 404 when nothing is saved", () =>
        Effect.gen(function* () {
          const tenant = yield* staffedTenant("state-read")
          const project = yield* newProject(tenant.userKey)
          const nothing = yield* call("GET", statePath(project), { key: tenant.orchestratorKey })
          expect(nothing.status).toBe(404)
          expect(nothing.body).toEqual(envelope(404, "Orchestrator state not found"))
          const main = yield* saved(tenant, project, "main", 0, { which: "main" })
          const exp = yield* saved(tenant, project, "exp", 0, { which: "exp" })
          const byDefault = yield* call("GET", statePath(project), { key: tenant.orchestratorKey })
          expect(read(StateBody, byDefault).state).toEqual(main)
          const blank = yield* call("GET", statePath(project, "?state_key="), { key: tenant.orchestratorKey })
          expect(read(StateBody, blank).state).toEqual(main)
          const named = yield* call("GET", statePath(project, "?state_key=exp"), {
            key: tenant.orchestratorKey,
          })
          expect(read(StateBody, named).state).toEqual(exp)
          // A NUL in a query value is a 400 naming it (D25).
          const nul = yield* call("GET", statePath(project, "?state_key=%00"), {
            key: tenant.orchestratorKey,
          })
          expect(nul.status).toBe(400)
          expect(nul.body).toMatchObject({ error: { details: { state_key: [expect.any(String)] } } })
          // A key no save could have used names nothing.
          for (const key of ["k".repeat(256)]) {
            const none = yield* call("GET", statePath(project, `?state_key=${key}`), {
              key: tenant.orchestratorKey,
            })
            expect(none.body).toEqual(envelope(404, "Orchestrator state not found"))
            const history = yield* call("GET", historyPath(project, `?state_key=${key}`), {
              key: tenant.orchestratorKey,
            })
            expect(record(history.body).data).toEqual([])
          }
        }),
      )
    })

    describe("GET /api/v1/orchestrator/state/:project_id/history", () => {
      it.effect("lists a key's saves newest first, from the audit trail, paged", () =>
        Effect.gen(function* () {
          const tenant = yield* staffedTenant("state-history")
          const project = yield* newProject(tenant.userKey)
          const empty = yield* call("GET", historyPath(project), { key: tenant.orchestratorKey })
          expect(empty.status).toBe(200)
          expect(empty.body).toEqual({
            data: [],
            meta: { page: 1, page_size: 25, total_count: 0, total_pages: 0 },
          })
          let version = 0
          for (const step of ["one", "two", "three"])
            version = (yield* saved(tenant, project, "main", version, { step })).version
          yield* saved(tenant, project, "exp", 0, { step: "elsewhere" })

          const history = read(
            HistoryBody,
            yield* call("GET", historyPath(project), { key: tenant.orchestratorKey }),
          )
          expect(history.meta).toEqual({ page: 1, page_size: 25, total_count: 3, total_pages: 1 })
          expect(history.data.map((entry) => [entry.version, entry.state_data])).toEqual([
            [3, { step: "three" }],
            [2, { step: "two" }],
            [1, { step: "one" }],
          ])
          expect(history.data.every((entry) => entry.saved_by === "orchestrator:orchestrator-main")).toBe(
            true,
          )
          const [newest, middle] = history.data
          expect((newest?.saved_at ?? "") > (middle?.saved_at ?? "")).toBe(true)

          const second = read(
            HistoryBody,
            yield* call("GET", historyPath(project, "?page=2&page_size=2"), { key: tenant.orchestratorKey }),
          )
          expect(second.meta).toEqual({ page: 2, page_size: 2, total_count: 3, total_pages: 2 })
          expect(second.data.map((entry) => entry.version)).toEqual([1])

          const exp = read(
            HistoryBody,
            yield* call("GET", historyPath(project, "?state_key=exp"), { key: tenant.orchestratorKey }),
          )
          expect(exp.meta.total_count).toBe(1)
          expect(exp.data.map((entry) => entry.state_data)).toEqual([{ step: "elsewhere" }])

          const clamped = read(
            HistoryBody,
            yield* call("GET", historyPath(project, "?page_size=500"), { key: tenant.orchestratorKey }),
          )
          expect(clamped.meta.page_size).toBe(100)
        }),
      )

      it.effect("an impersonating superadmin's saves name it in the history", () =>
        Effect.gen(function* () {
          const tenant = yield* staffedTenant("state-history-admin")
          const project = yield* newProject(tenant.userKey)
          const headers = { authorization: `Bearer ${rootKey}`, "x-impersonate-tenant": tenant.id }
          const answer = yield* call("PUT", statePath(project), {
            headers,
            body: { state_key: "main", state_data: { by: "admin" } },
          })
          expect(answer.status).toBe(200)
          const history = read(HistoryBody, yield* call("GET", historyPath(project), { headers }))
          expect(history.data.map((entry) => entry.saved_by)).toEqual([
            `superadmin:impersonating:${tenant.slug}`,
          ])
        }),
      )
    })

    describe("access", () => {
      it.effect("orchestrator and superadmin keys only, on all three endpoints", () =>
        Effect.gen(function* () {
          const tenant = yield* staffedTenant("state-roles")
          const project = yield* newProject(tenant.userKey)
          yield* saved(tenant, project, "main", 0, { seeded: true })
          const rows = [
            {
              method: "PUT",
              path: statePath(project),
              body: { state_key: "matrix", state_data: {} },
              status: 200,
            },
            { method: "GET", path: statePath(project), status: 200 },
            { method: "GET", path: historyPath(project), status: 200 },
          ] as const
          const expected: Record<CallerName, "passes" | ReturnType<typeof envelope>> = {
            superadmin: envelope(403, "Superadmin must use X-Impersonate-Tenant header"),
            impersonating: "passes",
            impersonatingAsAgent: onlyOrchestrators,
            user: onlyOrchestrators,
            orchestrator: "passes",
            agent: onlyOrchestrators,
          }
          for (const row of rows) {
            for (const who of ["none", ...callers] as const) {
              // Each PUT that passes saves a new key, so it always starts from version 0.
              const body =
                row.method === "PUT" ? { body: { ...row.body, state_key: `${who}-${randomUUID()}` } } : {}
              const answer = yield* call(row.method, row.path, { headers: headersOf(who, tenant), ...body })
              const outcome = who === "none" ? envelope(401, "Unauthorized") : expected[who]
              if (outcome === "passes") {
                expect({ row: row.path, who, status: answer.status }).toEqual({
                  row: row.path,
                  who,
                  status: row.status,
                })
              } else {
                expect({ row: row.path, who, body: answer.body }).toEqual({
                  row: row.path,
                  who,
                  body: outcome,
                })
              }
            }
          }
        }),
      )

      it.effect("the caller is judged before the body: a refused one hears 403 whatever it sent", () =>
        Effect.gen(function* () {
          const tenant = yield* staffedTenant("state-order")
          const project = yield* newProject(tenant.userKey)
          const unreadable = { state_key: 7, version: "x" }
          for (const key of [tenant.agentKey, tenant.userKey]) {
            const refused = yield* save(tenant, project, unreadable, key)
            expect(refused.body).toEqual(onlyOrchestrators)
          }
          const bare = yield* save(tenant, project, unreadable, rootKey)
          expect(bare.body).toEqual(envelope(403, "Superadmin must use X-Impersonate-Tenant header"))
          // The same body from a caller that may save is the 422 naming its fields.
          const invalid = yield* save(tenant, project, unreadable)
          expect(invalid.status).toBe(422)
        }),
      )

      it.effect("another tenant's project is 404 on every endpoint, like an unknown one", () =>
        Effect.gen(function* () {
          const owner = yield* staffedTenant("state-owner")
          const intruder = yield* staffedTenant("state-intruder")
          const project = yield* newProject(owner.userKey)
          const stored = yield* saved(owner, project, "main", 0, { secret: true })
          const notFound = envelope(404, "Project not found")
          for (const target of [project, randomUUID()]) {
            const put = yield* save(intruder, target, {
              state_key: "main",
              version: 1,
              state_data: { hijack: 1 },
            })
            const get = yield* call("GET", statePath(target), { key: intruder.orchestratorKey })
            const history = yield* call("GET", historyPath(target), { key: intruder.orchestratorKey })
            expect([put.body, get.body, history.body]).toEqual([notFound, notFound, notFound])
            expect([put.status, get.status, history.status]).toEqual([404, 404, 404])
          }
          const malformed = yield* call("GET", statePath("not-a-uuid"), { key: intruder.orchestratorKey })
          expect(malformed.status).toBe(404)
          const mine = read(StateBody, yield* call("GET", statePath(project), { key: owner.orchestratorKey }))
          expect(mine.state).toEqual(stored)
          expect(record(mine.state.state_data)).toEqual({ secret: true })
        }),
      )
    })
  })
}
