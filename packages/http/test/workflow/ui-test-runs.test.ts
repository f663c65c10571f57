import { randomUUID } from "node:crypto"
import { describe, expect, layer } from "@effect/vitest"
import { Effect, Layer, Schema } from "effect"
import { backends, call, envelope, read, staffedTenant } from "../support/identity-support.js"
import { keyedCallers as callers, headersOf } from "../support/matrix-support.js"
import { type Answer, collectLogs, realServer } from "../support/support.js"
import { auditEntries, eventsOf, expectStatus, newProject, record } from "../support/work-tools-support.js"

/**
 * UI test runs on the real server, under the README's paths and the original's aliases: start,
 * findings in both vocabularies with their counters, completion (stated or derived outcome), the
 * list with its filters and windows, 422 details, 404s, the role matrix and the audit trail.
 */

const Timestamp = Schema.String.pipe(Schema.pattern(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z$/))
const Text = Schema.optional(Schema.NullOr(Schema.Unknown))

/** The exact shape of a run: every key, nothing else. */
const Run = Schema.Struct({
  id: Schema.UUID,
  tenant_id: Schema.UUID,
  project_id: Schema.UUID,
  started_by_agent_id: Schema.NullOr(Schema.UUID),
  status: Schema.Literal("running", "passed", "failed", "cancelled"),
  guide_reference: Schema.NullOr(Schema.String),
  notes: Schema.NullOr(Schema.String),
  findings: Schema.Array(
    Schema.Struct({
      title: Text,
      severity: Text,
      type: Text,
      step: Text,
      steps: Text,
      expected: Text,
      actual: Text,
      description: Text,
      screenshot_path: Text,
      console_errors: Text,
      recorded_at: Timestamp,
    }).annotations({ parseOptions: { onExcessProperty: "error" } }),
  ),
  summary: Schema.NullOr(Schema.String),
  screenshots_count: Schema.Int,
  findings_count: Schema.Int,
  critical_count: Schema.Int,
  high_count: Schema.Int,
  started_at: Timestamp,
  completed_at: Schema.NullOr(Timestamp),
  inserted_at: Timestamp,
  updated_at: Timestamp,
}).annotations({ parseOptions: { onExcessProperty: "error" } })
type Run = typeof Run.Type

/** `{ui_test_run, data}`, both the same run. */
const RunBody = Schema.Struct({ ui_test_run: Run, data: Run }).annotations({
  parseOptions: { onExcessProperty: "error" },
})

const RunList = Schema.Struct({
  data: Schema.Array(Run),
  meta: Schema.Struct({
    page: Schema.Int,
    page_size: Schema.Int,
    total_count: Schema.Int,
    total_pages: Schema.Int,
    total: Schema.Int,
    limit: Schema.Int,
    offset: Schema.Int,
  }).annotations({ parseOptions: { onExcessProperty: "error" } }),
})

/** The run of a `{ui_test_run, data}` answer with the expected status (both keys must agree). */
const runOf = (answer: Answer, status: number) => {
  const body = read(RunBody, expectStatus(answer, status, "a run answer"))
  expect(body.data).toEqual(body.ui_test_run)
  return body.ui_test_run
}

const startPath = (project: string) => `/api/v1/projects/${project}/ui_test_runs`
const runPath = (run: string, action = "") => `/api/v1/ui_test_runs/${run}${action}`
const aliasPath = (project: string, rest = "") => `/api/v1/projects/${project}/ui-tests${rest}`

/** A README-style finding. */
const bug = {
  severity: "bug",
  title: "Login form does not show error on invalid password",
  steps: "1. Visit /login\n2. Enter wrong password\n3. Submit",
  expected: "Error message displayed below the password field",
  actual: "Page reloads with no feedback",
}

/** An original-style finding. */
const crash = {
  step: 4,
  severity: "critical",
  type: "crash",
  description: "Checkout throws",
  screenshot_path: "/tmp/shots/checkout.png",
  console_errors: ["TypeError: cart is undefined"],
  not_a_field: "dropped",
}

const start = (key: string, project: string, body: unknown = {}) =>
  Effect.map(call("POST", startPath(project), { key, body }), (answer) => runOf(answer, 201))

for (const { name, database } of backends) {
  const server = realServer(database).pipe(Layer.provide(collectLogs([])))

  layer(server, { timeout: 120_000, excludeTestServices: true })(`UI test runs on ${name}`, (it) => {
    describe("start", () => {
      it.effect("README path: 201 with a running run and no findings, under data and ui_test_run", () =>
        Effect.gen(function* () {
          const tenant = yield* staffedTenant("ui-start")
          const project = yield* newProject(tenant.userKey)
          const run = yield* start(tenant.orchestratorKey, project, {
            notes: "Post-epic-37 QA pass",
            ignored: 1,
          })
          expect(run).toMatchObject({
            tenant_id: tenant.id,
            project_id: project,
            started_by_agent_id: tenant.orchestratorAgentId,
            status: "running",
            guide_reference: null,
            notes: "Post-epic-37 QA pass",
            findings: [],
            summary: null,
            screenshots_count: 0,
            findings_count: 0,
            critical_count: 0,
            high_count: 0,
            completed_at: null,
          })
          expect(run.started_at).toBe(run.inserted_at)
        }),
      )

      it.effect("original path: guide_reference, and a key with no agent starts a run with no agent", () =>
        Effect.gen(function* () {
          const tenant = yield* staffedTenant("ui-start-alias")
          const project = yield* newProject(tenant.userKey)
          const answer = yield* call("POST", aliasPath(project), {
            key: tenant.userKey,
            body: { guide_reference: "docs/qa/checkout.md" },
          })
          const run = runOf(answer, 201)
          expect(run).toMatchObject({
            guide_reference: "docs/qa/checkout.md",
            notes: null,
            started_by_agent_id: null,
          })
          const shown = runOf(yield* call("GET", runPath(run.id), { key: tenant.workerKey }), 200)
          expect(shown).toEqual(run)
        }),
      )

      it.effect(
        "invalid fields are 422 naming them; an unknown or foreign project is 404; nothing is written",
        () =>
          Effect.gen(function* () {
            const tenant = yield* staffedTenant("ui-start-invalid")
            const intruder = yield* staffedTenant("ui-start-intruder")
            const project = yield* newProject(tenant.userKey)
            const auditBefore = (yield* auditEntries(tenant.id, "ui_test_run")).length
            const invalid = yield* call("POST", startPath(project), {
              key: tenant.workerKey,
              body: { guide_reference: "g".repeat(1001), notes: 5 },
            })
            expect(invalid.status).toBe(422)
            expect(invalid.body).toEqual({
              error: {
                status: 422,
                message: "Validation failed",
                details: { guide_reference: ["should be at most 1000 character(s)"], notes: ["is invalid"] },
              },
            })
            for (const [key, target] of [
              [intruder.workerKey, project],
              [tenant.workerKey, randomUUID()],
            ] as const) {
              const answer = yield* call("POST", startPath(target), { key, body: {} })
              expect(answer.status).toBe(404)
              expect(answer.body).toEqual(envelope(404, "Project not found"))
            }
            expect((yield* auditEntries(tenant.id, "ui_test_run")).length).toBe(auditBefore)
            const listed = read(RunList, yield* call("GET", startPath(project), { key: tenant.workerKey }))
            expect(listed.data).toEqual([])
          }),
      )
    })

    describe("findings", () => {
      it.effect("each finding is kept with its fields and moves the counters", () =>
        Effect.gen(function* () {
          const tenant = yield* staffedTenant("ui-findings")
          const project = yield* newProject(tenant.userKey)
          const run = yield* start(tenant.orchestratorKey, project)
          const afterBug = runOf(
            yield* call("POST", runPath(run.id, "/findings"), { key: tenant.orchestratorKey, body: bug }),
            200,
          )
          expect(afterBug).toMatchObject({
            findings_count: 1,
            high_count: 1,
            critical_count: 0,
            screenshots_count: 0,
          })
          const afterCrash = runOf(
            yield* call("POST", aliasPath(project, `/${run.id}/findings`), {
              key: tenant.workerKey,
              body: crash,
            }),
            200,
          )
          expect(afterCrash).toMatchObject({
            findings_count: 2,
            high_count: 1,
            critical_count: 1,
            screenshots_count: 1,
          })
          const afterIdea = runOf(
            yield* call("POST", runPath(run.id, "/findings"), {
              key: tenant.userKey,
              body: { severity: "enhancement", title: "Remember the e-mail", steps: ["open", "look"] },
            }),
            200,
          )
          expect(afterIdea).toMatchObject({
            findings_count: 3,
            high_count: 1,
            critical_count: 1,
            screenshots_count: 1,
          })
          const { not_a_field: _dropped, ...kept } = crash
          expect(afterIdea.findings.map(({ recorded_at: _at, ...rest }) => rest)).toEqual([
            {
              ...bug,
              type: null,
              step: null,
              description: null,
              screenshot_path: null,
              console_errors: null,
            },
            { ...kept, title: null, steps: null, expected: null, actual: null },
            {
              severity: "enhancement",
              title: "Remember the e-mail",
              steps: ["open", "look"],
              type: null,
              step: null,
              expected: null,
              actual: null,
              description: null,
              screenshot_path: null,
              console_errors: null,
            },
          ])
          const times = afterIdea.findings.map((finding) => finding.recorded_at)
          expect([...times].sort()).toEqual(times)
          expect(afterIdea.updated_at).toBe(times[2])
        }),
      )

      it.effect("concurrent findings on one run are all kept", () =>
        Effect.gen(function* () {
          const tenant = yield* staffedTenant("ui-findings-race")
          const project = yield* newProject(tenant.userKey)
          const run = yield* start(tenant.orchestratorKey, project)
          const answers = yield* Effect.all(
            Array.from({ length: 6 }, (_, i) =>
              call("POST", runPath(run.id, "/findings"), {
                key: tenant.workerKey,
                body: { severity: i % 2 === 0 ? "high" : "blocker", title: `finding ${i}` },
              }),
            ),
            { concurrency: "unbounded" },
          )
          expect(answers.map((answer) => answer.status)).toEqual([200, 200, 200, 200, 200, 200])
          const shown = runOf(yield* call("GET", runPath(run.id), { key: tenant.workerKey }), 200)
          expect(shown).toMatchObject({ findings_count: 6, high_count: 3, critical_count: 3 })
          expect(shown.findings.map((finding) => finding.title).sort()).toEqual(
            Array.from({ length: 6 }, (_, i) => `finding ${i}`),
          )
        }),
      )

      it.effect("an invalid finding is 422 naming its fields and changes nothing", () =>
        Effect.gen(function* () {
          const tenant = yield* staffedTenant("ui-findings-invalid")
          const project = yield* newProject(tenant.userKey)
          const run = yield* start(tenant.orchestratorKey, project)
          const cases: ReadonlyArray<readonly [unknown, Record<string, ReadonlyArray<string>>]> = [
            [{ title: "No severity" }, { severity: ["can't be blank"] }],
            [
              { severity: "fatal", title: "Unknown severity" },
              { severity: ["must be one of: blocker, bug, enhancement, critical, high, medium, low"] },
            ],
            [{ severity: "bug" }, { title: ["can't be blank"] }],
            [{ severity: "bug", title: 42 }, { title: ["is invalid"] }],
            [
              { severity: "low", title: "x", steps: 3, console_errors: [1] },
              {
                steps: ["must be a string or a list of strings"],
                console_errors: ["must be a string or a list of strings"],
              },
            ],
            [{ severity: "low", title: "t".repeat(501) }, { title: ["should be at most 500 character(s)"] }],
            [
              { severity: "low", title: "nul\u0000", steps: ["ok", "\ud800"] },
              {
                title: ["must not contain NUL characters or unpaired UTF-16 surrogates"],
                "steps[1]": ["must not contain NUL characters or unpaired UTF-16 surrogates"],
              },
            ],
          ]
          for (const [body, details] of cases) {
            const answer = yield* call("POST", runPath(run.id, "/findings"), { key: tenant.workerKey, body })
            expect({ body, status: answer.status, answer: answer.body }).toEqual({
              body,
              status: 422,
              answer: { error: { status: 422, message: "Validation failed", details } },
            })
          }
          const shown = runOf(yield* call("GET", runPath(run.id), { key: tenant.workerKey }), 200)
          expect(shown).toEqual(run)
          expect((yield* auditEntries(tenant.id, "ui_test_run")).map((entry) => entry.action)).toEqual([
            "ui_test.started",
          ])
        }),
      )
    })

    describe("complete", () => {
      it.effect("without a status the outcome is derived; a stated one wins; once only", () =>
        Effect.gen(function* () {
          const tenant = yield* staffedTenant("ui-complete")
          const project = yield* newProject(tenant.userKey)
          const withBlocker = yield* start(tenant.orchestratorKey, project)
          const clean = yield* start(tenant.orchestratorKey, project)
          const overruled = yield* start(tenant.orchestratorKey, project)
          for (const run of [withBlocker, overruled])
            expectStatus(
              yield* call("POST", runPath(run.id, "/findings"), {
                key: tenant.workerKey,
                body: { severity: "blocker", title: "Cannot log in" },
              }),
              200,
              "a blocker",
            )
          expectStatus(
            yield* call("POST", runPath(clean.id, "/findings"), { key: tenant.workerKey, body: bug }),
            200,
            "a bug",
          )
          const failed = runOf(
            yield* call("POST", runPath(withBlocker.id, "/complete"), {
              key: tenant.orchestratorKey,
              body: { summary: "1 blocker" },
            }),
            200,
          )
          expect(failed).toMatchObject({ status: "failed", summary: "1 blocker", findings_count: 1 })
          expect(failed.completed_at).not.toBeNull()
          const passed = runOf(
            yield* call("POST", runPath(clean.id, "/complete"), {
              key: tenant.workerKey,
              body: { summary: "1 bug" },
            }),
            200,
          )
          expect(passed.status).toBe("passed")
          const stated = runOf(
            yield* call("POST", aliasPath(project, `/${overruled.id}/complete`), {
              key: tenant.workerKey,
              body: { status: "passed", summary: "The blocker is a known issue" },
            }),
            200,
          )
          expect(stated.status).toBe("passed")

          const again = yield* call("POST", runPath(withBlocker.id, "/complete"), {
            key: tenant.orchestratorKey,
            body: { summary: "again" },
          })
          expect(again.status).toBe(422)
          expect(again.body).toEqual(envelope(422, "Run is already completed"))
          const late = yield* call("POST", runPath(withBlocker.id, "/findings"), {
            key: tenant.workerKey,
            body: bug,
          })
          expect(late.status).toBe(422)
          expect(late.body).toEqual(envelope(422, "Run is not in progress"))
          // A finished run refuses even an invalid body for being finished.
          const lateInvalid = yield* call("POST", runPath(withBlocker.id, "/findings"), {
            key: tenant.workerKey,
            body: {},
          })
          expect(lateInvalid.body).toEqual(envelope(422, "Run is not in progress"))
          const shown = runOf(yield* call("GET", runPath(withBlocker.id), { key: tenant.workerKey }), 200)
          expect(shown).toEqual(failed)
        }),
      )

      it.effect("a missing summary or an unknown status is 422 and the run stays open", () =>
        Effect.gen(function* () {
          const tenant = yield* staffedTenant("ui-complete-invalid")
          const project = yield* newProject(tenant.userKey)
          const run = yield* start(tenant.orchestratorKey, project)
          const cases: ReadonlyArray<readonly [unknown, Record<string, ReadonlyArray<string>>]> = [
            [{}, { summary: ["can't be blank"] }],
            [{ summary: "  ", status: "passed" }, { summary: ["can't be blank"] }],
            [{ summary: "done", status: "cancelled" }, { status: ["must be one of: passed, failed"] }],
            [{ summary: ["x"] }, { summary: ["is invalid"] }],
            [
              { summary: "\u0000" },
              { summary: ["must not contain NUL characters or unpaired UTF-16 surrogates"] },
            ],
          ]
          for (const [body, details] of cases) {
            const answer = yield* call("POST", runPath(run.id, "/complete"), { key: tenant.workerKey, body })
            expect({ body, status: answer.status, answer: answer.body }).toEqual({
              body,
              status: 422,
              answer: { error: { status: 422, message: "Validation failed", details } },
            })
          }
          const shown = runOf(yield* call("GET", runPath(run.id), { key: tenant.workerKey }), 200)
          expect(shown).toEqual(run)
        }),
      )
    })

    describe("list and show", () => {
      it.effect("newest first, filtered by status, windowed by limit/offset or page/page_size", () =>
        Effect.gen(function* () {
          const tenant = yield* staffedTenant("ui-list")
          const project = yield* newProject(tenant.userKey)
          const other = yield* newProject(tenant.userKey)
          const runs: Array<Run> = []
          for (let i = 0; i < 4; i++)
            runs.push(yield* start(tenant.orchestratorKey, project, { notes: `run ${i}` }))
          yield* start(tenant.orchestratorKey, other)
          for (const run of [runs[0], runs[2]])
            if (run !== undefined)
              expectStatus(
                yield* call("POST", runPath(run.id, "/complete"), {
                  key: tenant.orchestratorKey,
                  body: { summary: "ok", status: "passed" },
                }),
                200,
                "complete",
              )
          const ids = (list: typeof RunList.Type) => list.data.map((run) => run.id)
          const newestFirst = [...runs].reverse().map((run) => run.id)
          const list = (query: string, path = startPath(project)) =>
            Effect.map(call("GET", `${path}${query}`, { key: tenant.workerKey }), (answer) =>
              read(RunList, expectStatus(answer, 200, `list ${query}`)),
            )

          const all = yield* list("")
          expect(ids(all)).toEqual(newestFirst)
          expect(all.meta).toEqual({
            page: 1,
            page_size: 20,
            total_count: 4,
            total_pages: 1,
            total: 4,
            limit: 20,
            offset: 0,
          })
          expect(ids(yield* list("?status=passed"))).toEqual([runs[2]?.id, runs[0]?.id])
          const running = yield* list("?status=in_progress")
          expect(ids(running)).toEqual([runs[3]?.id, runs[1]?.id])
          expect(ids(yield* list("?status=running"))).toEqual(ids(running))
          const limited = yield* list("?limit=2")
          expect(ids(limited)).toEqual(newestFirst.slice(0, 2))
          expect(limited.meta).toMatchObject({
            limit: 2,
            page_size: 2,
            total_count: 4,
            total_pages: 2,
            offset: 0,
          })
          const offset = yield* list("?limit=2&offset=1")
          expect(ids(offset)).toEqual(newestFirst.slice(1, 3))
          expect(offset.meta).toMatchObject({ offset: 1, limit: 2 })
          const page = yield* list("?page=2&page_size=3")
          expect(ids(page)).toEqual(newestFirst.slice(3))
          expect(page.meta).toMatchObject({ page: 2, page_size: 3, offset: 3, total_pages: 2 })
          // D26: numbers that do not read as numbers are refused, naming them, not ignored.
          const unreadable = yield* call("GET", `${startPath(project)}?limit=abc&page=x`, {
            key: tenant.workerKey,
          })
          expect(unreadable.status).toBe(400)
          expect(record(record(record(unreadable.body).error).details)).toEqual({
            limit: [expect.any(String)],
            page: [expect.any(String)],
          })
          expect(ids(yield* list("", aliasPath(project)))).toEqual(newestFirst)

          const bogus = yield* call("GET", `${startPath(project)}?status=bogus`, { key: tenant.workerKey })
          expect(bogus.status).toBe(400)
          expect(record(record(bogus.body).error).details).toEqual({
            status: ["must be one of: running, passed, failed, cancelled, in_progress"],
          })
        }),
      )

      it.effect("a run is 404 to another tenant, under another project's alias path, and when unknown", () =>
        Effect.gen(function* () {
          const tenant = yield* staffedTenant("ui-show")
          const intruder = yield* staffedTenant("ui-show-intruder")
          const project = yield* newProject(tenant.userKey)
          const other = yield* newProject(tenant.userKey)
          const run = yield* start(tenant.orchestratorKey, project)
          const notFound = envelope(404, "UI test run not found")
          expect(
            runOf(yield* call("GET", aliasPath(project, `/${run.id}`), { key: tenant.workerKey }), 200),
          ).toEqual(run)
          const requests = [
            call("GET", runPath(run.id), { key: intruder.workerKey }),
            call("POST", runPath(run.id, "/findings"), { key: intruder.workerKey, body: bug }),
            call("POST", runPath(run.id, "/complete"), { key: intruder.workerKey, body: { summary: "x" } }),
            call("GET", aliasPath(other, `/${run.id}`), { key: tenant.workerKey }),
            call("POST", aliasPath(other, `/${run.id}/findings`), { key: tenant.workerKey, body: bug }),
            call("POST", aliasPath(other, `/${run.id}/complete`), {
              key: tenant.workerKey,
              body: { summary: "x" },
            }),
            call("GET", runPath(randomUUID()), { key: tenant.workerKey }),
          ]
          for (const request of requests) {
            const answer = yield* request
            expect({ status: answer.status, body: answer.body }).toEqual({ status: 404, body: notFound })
          }
          const malformed = yield* call("GET", runPath("not-a-uuid"), { key: tenant.workerKey })
          expect(malformed.status).toBe(404)
          const foreignList = yield* call("GET", startPath(project), { key: intruder.workerKey })
          expect(foreignList.body).toEqual(envelope(404, "Project not found"))
          expect(runOf(yield* call("GET", runPath(run.id), { key: tenant.workerKey }), 200)).toEqual(run)
        }),
      )
    })

    describe("audit and access", () => {
      it.effect("start, findings and completion are audited; no event is sent", () =>
        Effect.gen(function* () {
          const tenant = yield* staffedTenant("ui-audit")
          const project = yield* newProject(tenant.userKey)
          const eventsBefore = (yield* eventsOf(tenant.id)).length
          const run = yield* start(tenant.orchestratorKey, project, { notes: "pass" })
          expectStatus(
            yield* call("POST", runPath(run.id, "/findings"), { key: tenant.workerKey, body: crash }),
            200,
            "finding",
          )
          expectStatus(
            yield* call("POST", runPath(run.id, "/complete"), {
              key: tenant.orchestratorKey,
              body: { summary: "done" },
            }),
            200,
            "complete",
          )
          const entries = [...(yield* auditEntries(tenant.id, "ui_test_run"))].reverse()
          expect(
            entries.map((entry) => ({
              action: entry.action,
              entity_id: entry.entity_id,
              project_id: entry.project_id,
              actor_label: entry.actor_label,
              status: record(entry.new_state).status,
            })),
          ).toEqual([
            {
              action: "ui_test.started",
              entity_id: run.id,
              project_id: project,
              actor_label: "orchestrator:orchestrator-main",
              status: "running",
            },
            {
              action: "ui_test.finding_added",
              entity_id: run.id,
              project_id: project,
              actor_label: "agent:worker-1",
              status: "running",
            },
            {
              action: "ui_test.completed",
              entity_id: run.id,
              project_id: project,
              actor_label: "orchestrator:orchestrator-main",
              status: "failed",
            },
          ])
          expect(entries[1]?.new_state).toMatchObject({
            findings_count: 1,
            critical_count: 1,
            finding: { severity: "critical", title: null },
          })
          expect(entries[2]?.new_state).toMatchObject({ summary: "done", status: "failed" })
          expect((yield* eventsOf(tenant.id)).length).toBe(eventsBefore)
        }),
      )

      it.effect("every tenant role may take part; a superadmin must impersonate", () =>
        Effect.gen(function* () {
          const tenant = yield* staffedTenant("ui-roles")
          const project = yield* newProject(tenant.userKey)
          const run = yield* start(tenant.orchestratorKey, project)
          const finishing = yield* start(tenant.orchestratorKey, project)
          const rows = [
            { method: "POST", path: startPath(project), body: {}, status: 201 },
            { method: "GET", path: startPath(project), status: 200 },
            { method: "GET", path: runPath(run.id), status: 200 },
            { method: "POST", path: runPath(run.id, "/findings"), body: bug, status: 200 },
            { method: "POST", path: aliasPath(project), body: {}, status: 201 },
            { method: "GET", path: aliasPath(project), status: 200 },
            { method: "GET", path: aliasPath(project, `/${run.id}`), status: 200 },
            { method: "POST", path: aliasPath(project, `/${run.id}/findings`), body: bug, status: 200 },
            // The first caller to pass completes it; the run is then finished for the others.
            {
              method: "POST",
              path: runPath(finishing.id, "/complete"),
              body: { summary: "s" },
              status: [200, 422],
            },
            {
              method: "POST",
              path: aliasPath(project, `/${finishing.id}/complete`),
              body: { summary: "s" },
              status: [422],
            },
          ] as const
          const needsHeader = envelope(403, "Superadmin must use X-Impersonate-Tenant header")
          for (const row of rows) {
            let completed = false
            for (const who of ["none", ...callers] as const) {
              const answer = yield* call(row.method, row.path, {
                headers: headersOf(who, tenant),
                ...("body" in row ? { body: row.body } : {}),
              })
              const seen = { path: row.path, who, status: answer.status }
              if (who === "none")
                expect({ ...seen, body: answer.body }).toEqual({
                  ...seen,
                  status: 401,
                  body: envelope(401, "Unauthorized"),
                })
              else if (who === "superadmin")
                expect({ ...seen, body: answer.body }).toEqual({ ...seen, status: 403, body: needsHeader })
              else if (typeof row.status === "number") expect(seen).toEqual({ ...seen, status: row.status })
              else {
                const wanted = row.status.length === 1 || completed ? 422 : 200
                expect(seen).toEqual({ ...seen, status: wanted })
                completed = true
              }
            }
          }
        }),
      )
    })
  })
}
