import { describe, expect, layer } from "@effect/vitest"
import { Effect, Layer } from "effect"
import { backends, call, issueKey, staffedTenant, storedOccurrences } from "../support/identity-support.js"
import { rawRequest } from "../support/raw-http-support.js"
import { newEpic, newProject, newStory } from "../support/story-support.js"
import { type LoggedLine, collectLogs, realServer, rootKey, send } from "../support/support.js"
import { type Team, act, advance, expectStatus, team } from "../support/workflow-support.js"

/**
 * Issue 11's bad input, over HTTP on the real server: text no database can store (D25), methods
 * the API does not serve (D28), and values that used to be dropped, defaulted or clamped without
 * a word (D26). Each answer is a 4xx in the error envelope naming what was wrong; none is a 500
 * and none is a 2xx that quietly changed nothing.
 */

// Markers no other stored text holds, so a search of every column can tell whether they were kept.
const nul = "zq-nul\u0000inside"
const surrogate = "zq-lone\ud800inside"

const logs: Array<LoggedLine> = []

/** The `details` of an error envelope (an empty object when there are none). */
const detailsOf = (body: unknown): Record<string, unknown> => {
  if (typeof body !== "object" || body === null || !("error" in body)) return {}
  const error = body.error
  if (typeof error !== "object" || error === null || !("details" in error)) return {}
  const details = error.details
  return typeof details === "object" && details !== null ? Object.fromEntries(Object.entries(details)) : {}
}

/** A 4xx of `status` in the envelope whose details name `field`. */
const expectRefusal = (
  answer: { readonly status: number; readonly body: unknown; readonly text: string },
  status: number,
  field: string,
) => {
  expect(answer.status, answer.text).toBe(status)
  expect(answer.body).toMatchObject({ error: { status, message: expect.any(String) } })
  expect(Object.keys(detailsOf(answer.body)), answer.text).toContain(field)
}

/** Stories in the states the trust model's endpoints need, and a key of each role. */
const board = (t: Team) =>
  Effect.gen(function* () {
    const project = yield* newProject(t)
    const epic = yield* newEpic(t, project, 1)
    const story = (number: string) => newStory(t, epic, number)
    const implementing = yield* story("1.1")
    yield* advance(t, implementing, "implementing")
    const reported = yield* story("1.2")
    yield* advance(t, reported, "reported_done")
    const reviewed = yield* story("1.3")
    yield* advance(t, reviewed, "reviewed")
    const pending = yield* story("1.4")
    return { project, epic, implementing, reported, reviewed, pending }
  })

for (const { name, database } of backends) {
  const server = realServer(database).pipe(Layer.provide(collectLogs(logs)))

  layer(server, { timeout: 120_000, excludeTestServices: true })(`bad input on ${name}`, (it) => {
    describe("D25: text no database can store", () => {
      it.effect(
        "a NUL or a lone surrogate in any body field is a 422 naming its path, and nothing is stored",
        () =>
          Effect.gen(function* () {
            const t = yield* team("unstorable")
            const b = yield* board(t)
            const freshAgentKey = (yield* issueKey(t.userKey, { name: "to-register", role: "agent" })).raw
            const cases: ReadonlyArray<{
              readonly what: string
              readonly method: string
              readonly path: string
              readonly key: string
              readonly body: (text: string) => unknown
              readonly field: string
            }> = [
              {
                what: "API key name",
                method: "POST",
                path: "/api/v1/api_keys",
                key: t.userKey,
                body: (x) => ({ name: x, role: "agent" }),
                field: "name",
              },
              {
                what: "agent registration",
                method: "POST",
                path: "/api/v1/agents/register",
                key: freshAgentKey,
                body: (x) => ({ name: x, agent_type: "implementer" }),
                field: "name",
              },
              {
                what: "tenant name",
                method: "PATCH",
                path: "/api/v1/tenants/me",
                key: t.userKey,
                body: (x) => ({ name: x }),
                field: "name",
              },
              {
                what: "tenant email",
                method: "PATCH",
                path: "/api/v1/tenants/me",
                key: t.userKey,
                body: (x) => ({ email: `a${x}@b.test` }),
                field: "email",
              },
              {
                what: "tenant settings",
                method: "PATCH",
                path: "/api/v1/tenants/me",
                key: t.userKey,
                body: (x) => ({ settings: { label: x } }),
                field: "settings.label",
              },
              {
                what: "admin tenant create",
                method: "POST",
                path: "/api/v1/admin/tenants",
                key: rootKey,
                body: (x) => ({ name: x, slug: "nul-tenant", email: "nul@tenant.test" }),
                field: "name",
              },
              {
                what: "artifact",
                method: "POST",
                path: `/api/v1/stories/${b.implementing}/artifacts`,
                key: t.implementerKey,
                body: (x) => ({ artifact_type: "test", path: x }),
                field: "path",
              },
              {
                what: "report",
                method: "POST",
                path: `/api/v1/stories/${b.implementing}/report`,
                key: t.otherKey,
                body: (x) => ({ artifact: { artifact_type: "commit", path: x } }),
                field: "artifact.path",
              },
              {
                what: "review-complete",
                method: "POST",
                path: `/api/v1/stories/${b.reported}/review-complete`,
                key: t.orchestratorKey,
                body: (x) => ({ review_type: x }),
                field: "review_type",
              },
              {
                what: "verify",
                method: "POST",
                path: `/api/v1/stories/${b.reviewed}/verify`,
                key: t.orchestratorKey,
                body: (x) => ({ review_type: "team", summary: x }),
                field: "summary",
              },
              {
                what: "reject",
                method: "POST",
                path: `/api/v1/stories/${b.reviewed}/reject`,
                key: t.orchestratorKey,
                body: (x) => ({ reason: x }),
                field: "reason",
              },
              {
                what: "bulk verify",
                method: "POST",
                path: "/api/v1/stories/bulk/verify",
                key: t.orchestratorKey,
                body: (x) => ({ stories: [{ story_id: b.reviewed, review_type: "team", summary: x }] }),
                field: "stories[0].summary",
              },
              {
                what: "bulk reject",
                method: "POST",
                path: "/api/v1/stories/bulk/reject",
                key: t.orchestratorKey,
                body: (x) => ({ stories: [{ story_id: b.reviewed, reason: x }] }),
                field: "stories[0].reason",
              },
              {
                what: "bulk mark-complete",
                method: "POST",
                path: "/api/v1/stories/bulk/mark-complete",
                key: t.orchestratorKey,
                body: (x) => ({ stories: [{ story_id: b.pending, summary: x }] }),
                field: "stories[0].summary",
              },
            ]
            for (const text of [nul, surrogate]) {
              for (const c of cases) {
                const answer = yield* call(c.method, c.path, { key: c.key, body: c.body(text) })
                expect(answer.status, `${c.what}: ${answer.text}`).toBe(422)
                expect(detailsOf(answer.body), c.what).toEqual({
                  [c.field]: ["must not contain NUL characters or unpaired UTF-16 surrogates"],
                })
              }
            }
            // The same bodies with storable text go through: the refusals were about the text alone.
            expectStatus(
              yield* act(t.orchestratorKey, b.reported, "review-complete", { review_type: "team" }),
              201,
              "review-complete with storable text",
            )
            expect((yield* storedOccurrences("zq-")).found).toBe(0)
            expect(logs.filter((line) => line.level === "ERROR")).toEqual([])
          }),
      )

      it.effect("a NUL in a query value is a 400 naming the parameter, on any endpoint", () =>
        Effect.gen(function* () {
          const t = yield* staffedTenant("unstorable-query")
          const search = yield* send("/api/v1/admin/tenants?search=a%00b", {
            headers: { authorization: `Bearer ${rootKey}` },
          })
          expectRefusal(search, 400, "search")
          const phase = yield* send("/api/v1/projects?status=active&include_archived=%00", {
            headers: { authorization: `Bearer ${t.userKey}` },
          })
          expectRefusal(phase, 400, "include_archived")
          expect(logs.filter((line) => line.level === "ERROR")).toEqual([])
        }),
      )

      it.effect("a NUL in a header is a 400 in the envelope (the server stores some headers)", () =>
        Effect.gen(function* () {
          const answer = yield* rawRequest("GET /health HTTP/1.1\r\nX-Forwarded-For: 10.0.0.1\u0000")
          expect(answer.status).toBe(400)
          expect(answer.body).toMatchObject({ error: { status: 400, message: expect.any(String) } })
        }),
      )
    })

    describe("D28: methods the API does not serve", () => {
      it.effect(
        "TRACE, unknown methods and unserved ones on a known path are a 405 naming what it serves",
        () =>
          Effect.gen(function* () {
            for (const path of ["/health", "/api/v1/projects"]) {
              for (const method of ["TRACE", "PROPFIND", "PURGE", "PUT"]) {
                const answer = yield* rawRequest(`${method} ${path} HTTP/1.1`)
                expect(answer.status, `${method} ${path}: ${answer.text}`).toBe(405)
                expect(answer.body).toEqual({ error: { status: 405, message: "Method not allowed" } })
              }
            }
            expect((yield* rawRequest("TRACE /health HTTP/1.1")).headers.allow).toBe("GET, HEAD")
            expect((yield* rawRequest("TRACE /api/v1/projects HTTP/1.1")).headers.allow).toBe(
              "GET, HEAD, POST",
            )
            const story = yield* rawRequest(
              "POST /api/v1/stories/00000000-0000-4000-8000-000000000001 HTTP/1.1\r\nContent-Length: 0",
            )
            expect(story.status).toBe(405)
            expect(story.headers.allow).toBe("DELETE, GET, HEAD, PATCH")
            expect(logs.filter((line) => line.level === "ERROR")).toEqual([])
          }),
      )

      it.effect("on a path the API does not know, any method is a 404", () =>
        Effect.gen(function* () {
          for (const method of ["TRACE", "PROPFIND", "GET", "DELETE"]) {
            const answer = yield* rawRequest(`${method} /no/such/path HTTP/1.1`)
            expect(answer.status, `${method}: ${answer.text}`).toBe(404)
            expect(answer.body).toEqual({ error: { status: 404, message: "Not found" } })
          }
        }),
      )

      it.effect("CONNECT and methods Node's parser does not know are a 405 in the envelope", () =>
        Effect.gen(function* () {
          for (const head of ["CONNECT 127.0.0.1:443 HTTP/1.1", "BREW /health HTTP/1.1"]) {
            const answer = yield* rawRequest(head)
            expect(answer.status, `${head}: ${answer.text}`).toBe(405)
            expect(answer.body).toEqual({ error: { status: 405, message: "Method not allowed" } })
          }
          // The server still answers afterwards.
          expect((yield* send("/health")).status).toBe(200)
        }),
      )
    })

    describe("D26: values that were silently ignored", () => {
      it.effect(
        "estimated_hours that are not a number of hours are a 422, and the story keeps its estimate",
        () =>
          Effect.gen(function* () {
            const t = yield* team("hours")
            const project = yield* newProject(t)
            const epic = yield* newEpic(t, project, 1)
            const story = yield* newStory(t, epic, "1.1", { estimated_hours: 3 })
            for (const hours of ["lots", -5, true, {}]) {
              const patched = yield* call("PATCH", `/api/v1/stories/${story}`, {
                key: t.orchestratorKey,
                body: { estimated_hours: hours },
              })
              expectRefusal(patched, 422, "estimated_hours")
              const created = yield* call("POST", `/api/v1/epics/${epic}/stories`, {
                key: t.orchestratorKey,
                body: { number: "1.9", title: "New", estimated_hours: hours },
              })
              expectRefusal(created, 422, "estimated_hours")
            }
            const shown = yield* call("GET", `/api/v1/stories/${story}`, { key: t.orchestratorKey })
            expect(shown.body).toMatchObject({ story: { estimated_hours: 3 } })
          }),
      )

      it.effect("an API key's expires_at must be a future ISO 8601 time", () =>
        Effect.gen(function* () {
          const t = yield* staffedTenant("expiry")
          for (const expires_at of ["garbage", "2020-01-01T00:00:00Z", "99999-01-01T00:00:00Z", 42]) {
            const answer = yield* call("POST", "/api/v1/api_keys", {
              key: t.userKey,
              body: { name: `k-${String(expires_at)}`, role: "agent", expires_at },
            })
            expectRefusal(answer, 422, "expires_at")
          }
          const kept = yield* call("POST", "/api/v1/api_keys", {
            key: t.userKey,
            body: { name: "k-future", role: "agent", expires_at: "2099-01-01T00:00:00Z" },
          })
          expect(kept.status).toBe(201)
          expect(kept.body).toMatchObject({ api_key: { expires_at: "2099-01-01T00:00:00.000000Z" } })
        }),
      )

      it.effect("a grace period beyond 0..168 hours is a 422, not 168", () =>
        Effect.gen(function* () {
          const t = yield* staffedTenant("grace")
          const key = yield* issueKey(t.userKey, { name: "to-rotate", role: "agent" })
          for (const grace_period_hours of [1e12, -1, 1.5, "soon"]) {
            const answer = yield* call("POST", `/api/v1/api_keys/${key.id}/rotate`, {
              key: t.userKey,
              body: { grace_period_hours },
            })
            expectRefusal(answer, 422, "grace_period_hours")
          }
          const rotated = yield* call("POST", `/api/v1/api_keys/${key.id}/rotate`, {
            key: t.userKey,
            body: { grace_period_hours: 168 },
          })
          expect(rotated.status).toBe(201)
        }),
      )

      it.effect("an unknown enum filter, or a negative or unreadable page, is a 400 naming it", () =>
        Effect.gen(function* () {
          const t = yield* staffedTenant("filters")
          const project = yield* newProject(t)
          const get = (path: string) => send(path, { headers: { authorization: `Bearer ${t.userKey}` } })
          const garbage = yield* get(`/api/v1/stories?project_id=${project}&agent_status=garbage`)
          expectRefusal(garbage, 400, "agent_status")
          expect(garbage.body).toMatchObject({
            error: {
              message: expect.stringContaining("pending, contracted, assigned, implementing, reported_done"),
            },
          })
          expectRefusal(yield* get(`/api/v1/stories?project_id=${project}&limit=-1`), 400, "limit")
          expectRefusal(yield* get(`/api/v1/stories?project_id=${project}&offset=-1`), 400, "offset")
          expectRefusal(yield* get("/api/v1/projects?page_size=-1"), 400, "page_size")
          expectRefusal(yield* get("/api/v1/projects?page=0"), 400, "page")
          expectRefusal(yield* get("/api/v1/projects?limit=1e3"), 400, "limit")
          expectRefusal(yield* get("/api/v1/agents?status=sleeping"), 400, "status")
          expectRefusal(yield* get("/api/v1/audit?from=yesterday"), 400, "from")
          expectRefusal(yield* get("/api/v1/changes?since=2026-01-01T00:00:00Z&limit=0"), 400, "limit")
          expectRefusal(yield* get("/api/v1/api_keys?include_revoked=maybe"), 400, "include_revoked")
        }),
      )

      it.effect("a page size above the maximum is served at the maximum, and meta says so", () =>
        Effect.gen(function* () {
          const t = yield* staffedTenant("clamp")
          const project = yield* newProject(t)
          const get = (path: string) => send(path, { headers: { authorization: `Bearer ${t.userKey}` } })
          const projects = yield* get("/api/v1/projects?page_size=1000")
          expect(projects.status).toBe(200)
          expect(projects.body).toMatchObject({ meta: { page_size: 100 } })
          const stories = yield* get(`/api/v1/stories?project_id=${project}&limit=100000`)
          expect(stories.status).toBe(200)
          expect(stories.body).toMatchObject({ meta: { limit: 500, page_size: 500 } })
        }),
      )

      it.effect("a project PATCH with an unknown status is a 422, not a silent no-op", () =>
        Effect.gen(function* () {
          const t = yield* staffedTenant("project-status")
          const project = yield* newProject(t)
          const answer = yield* call("PATCH", `/api/v1/projects/${project}`, {
            key: t.userKey,
            body: { status: "paused" },
          })
          expectRefusal(answer, 422, "status")
        }),
      )

      it.effect(
        "the other readers that dropped values: each refusal names its field and writes nothing",
        () =>
          Effect.gen(function* () {
            const t = yield* team("dropped")
            const b = yield* board(t)
            const importPath = `/api/v1/projects/${b.project}/import`
            const story = (fields: Readonly<Record<string, unknown>>) => ({
              epics: [
                { number: 7, title: "Imported", stories: [{ number: "7.1", title: "One", ...fields }] },
              ],
            })
            const cases: ReadonlyArray<{
              readonly what: string
              readonly path: string
              readonly key: string
              readonly body: unknown
              readonly status: number
              readonly field: string
            }> = [
              {
                what: "import: a misspelt initial status",
                path: importPath,
                key: t.userKey,
                body: story({ initial_verified_status: "verifed" }),
                status: 422,
                field: "epics[0].stories[0].initial_verified_status",
              },
              {
                what: "import: negative hours",
                path: importPath,
                key: t.userKey,
                body: story({ estimated_hours: -5 }),
                status: 422,
                field: "epics[0].stories[0].estimated_hours",
              },
              {
                what: "import: a merge flag that says neither",
                path: `${importPath}?merge=yes`,
                key: t.userKey,
                body: story({}),
                status: 400,
                field: "merge",
              },
              {
                what: "verify: a result that is neither pass nor partial",
                path: `/api/v1/stories/${b.reviewed}/verify`,
                key: t.orchestratorKey,
                body: { review_type: "team", summary: "ok", result: "fail" },
                status: 422,
                field: "result",
              },
              {
                what: "review-complete: a count no column holds",
                path: `/api/v1/stories/${b.reported}/review-complete`,
                key: t.orchestratorKey,
                body: { review_type: "team", findings_count: 1e300 },
                status: 422,
                field: "findings_count",
              },
              {
                what: "review-complete: a summary that is not text",
                path: `/api/v1/stories/${b.reported}/review-complete`,
                key: t.orchestratorKey,
                body: { review_type: "team", summary: 42 },
                status: 422,
                field: "summary",
              },
              {
                what: "reject: a review type that is not text",
                path: `/api/v1/stories/${b.reviewed}/reject`,
                key: t.orchestratorKey,
                body: { reason: "no", review_type: 42 },
                status: 422,
                field: "review_type",
              },
              {
                what: "contract: a skip flag that is not a boolean",
                path: `/api/v1/stories/${b.pending}/contract`,
                key: t.orchestratorKey,
                body: { skip_contract_check: "yes" },
                status: 422,
                field: "skip_contract_check",
              },
              {
                what: "backfill: a PR number no integer holds",
                path: `/api/v1/stories/${b.pending}/backfill`,
                key: t.orchestratorKey,
                body: { reason: "done elsewhere", pr_number: 1e300 },
                status: 422,
                field: "pr_number",
              },
              {
                what: "agent registration: an unknown type",
                path: "/api/v1/agents/register",
                key: t.unlinkedAgentKey,
                body: { name: "new", agent_type: "robot" },
                status: 422,
                field: "agent_type",
              },
            ]
            for (const c of cases) {
              const answer = yield* call("POST", c.path, { key: c.key, body: c.body })
              expect(answer.status, `${c.what}: ${answer.text}`).toBe(c.status)
              expect(Object.keys(detailsOf(answer.body)), `${c.what}: ${answer.text}`).toContain(c.field)
            }
            // A bulk item is refused on its own, its reason naming the field; the batch answers 422.
            const marked = yield* call("POST", "/api/v1/stories/bulk/mark-complete", {
              key: t.orchestratorKey,
              body: { stories: [{ story_id: b.pending, summary: 42 }] },
            })
            expect(marked.status, marked.text).toBe(422)
            expect(marked.body).toMatchObject({
              results: [{ story_id: b.pending, status: "error", reason: "summary must be a string" }],
            })
            const state = yield* call("PUT", `/api/v1/orchestrator/state/${b.project}`, {
              key: t.orchestratorKey,
              body: { state_key: "main", state_data: {}, version: "5" },
            })
            expectRefusal(state, 422, "version")
            // Nothing of it was kept: the import made no epic, the stories kept their states.
            const epics = yield* call("GET", `/api/v1/projects/${b.project}/epics`, { key: t.userKey })
            expect(epics.body).toMatchObject({ meta: { total_count: 1 } })
            const reviewed = yield* call("GET", `/api/v1/stories/${b.reviewed}`, { key: t.userKey })
            expect(reviewed.body).toMatchObject({ story: { verified_status: "unverified" } })
          }),
      )
    })
  })
}
