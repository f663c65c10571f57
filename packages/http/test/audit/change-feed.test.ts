import { randomUUID } from "node:crypto"
import { describe, expect, layer } from "@effect/vitest"
import { Effect, Layer } from "effect"
import { backends, call, issueKey, staffedTenant } from "../support/identity-support.js"
import { madeOnce } from "../support/mothers.js"
import { collectLogs, realServer, rootKey } from "../support/support.js"
import { expectStatus, record } from "../support/work-tools-support.js"

/**
 * Who sees what in `GET /changes`, black-box on the real server (D24): any role may poll it, but
 * an agent key gets the work alone (projects, epics, stories, dependencies, artifacts, UI test
 * runs) — no orchestrator checkpoints, API keys, tenant or agent entries — and no entry hands a
 * checkpoint's `state_data` to a role that is refused the checkpoint itself.
 */

const PAST = "2020-01-01T00:00:00Z"
const secret = `plan-${randomUUID()}`

/** The entity types an agent key may see in the feed. */
const work = [
  "project",
  "epic",
  "story",
  "story_dependency",
  "epic_dependency",
  "artifact_report",
  "ui_test_run",
]

/** The `data` rows of a feed answer. */
const rows = (body: unknown): ReadonlyArray<Record<string, unknown>> => {
  const data = record(body).data
  if (!Array.isArray(data)) throw new Error("no data array")
  return data.map(record)
}

const feed = (key: string, query = "", headers: Record<string, string> = {}) =>
  call("GET", `/api/v1/changes?since=${encodeURIComponent(PAST)}${query}`, {
    key,
    headers,
  })

/**
 * A tenant whose trail holds every kind of entry: keys created, rotated and revoked, agents
 * registered, the tenant's settings changed, a project, an epic and a story, and a checkpoint whose
 * `state_data` carries a secret.
 */
const busyTenant = (label: string) =>
  Effect.gen(function* () {
    const tenant = yield* staffedTenant(label)
    const slug = `p-${randomUUID().slice(0, 8)}`
    const project = record(
      expectStatus(
        yield* call("POST", "/api/v1/projects", { key: tenant.userKey, body: { name: slug, slug } }),
        201,
        "project",
      ).body,
    )
    const projectId = String(record(project.project).id)
    const epic = record(
      expectStatus(
        yield* call("POST", `/api/v1/projects/${projectId}/epics`, {
          key: tenant.userKey,
          body: { number: 1, title: "Accounts" },
        }),
        201,
        "epic",
      ).body,
    )
    expectStatus(
      yield* call("POST", `/api/v1/epics/${String(record(epic.epic).id)}/stories`, {
        key: tenant.userKey,
        body: { number: "1.1", title: "Sign up", acceptance_criteria: [] },
      }),
      201,
      "story",
    )
    expectStatus(
      yield* call("PUT", `/api/v1/orchestrator/state/${projectId}`, {
        key: tenant.orchestratorKey,
        body: { state_key: "main", version: 0, state_data: { plan: secret } },
      }),
      200,
      "checkpoint",
    )
    const spare = yield* issueKey(tenant.userKey, { name: "spare", role: "agent" })
    expectStatus(
      yield* call("POST", `/api/v1/api_keys/${spare.id}/rotate`, { key: tenant.userKey, body: {} }),
      201,
      "rotate",
    )
    const doomed = yield* issueKey(tenant.userKey, { name: "doomed", role: "agent" })
    expectStatus(
      yield* call("DELETE", `/api/v1/api_keys/${doomed.id}`, { key: tenant.userKey }),
      200,
      "revoke",
    )
    expectStatus(
      yield* call("PATCH", "/api/v1/tenants/me", {
        key: tenant.userKey,
        body: { settings: { auto_reset_on_rejection: true } },
      }),
      200,
      "settings",
    )
    return { ...tenant, projectId }
  })

const kinds = (body: unknown) => new Set(rows(body).map((row) => String(row.entity_type)))

for (const { name, database } of backends) {
  const server = realServer(database).pipe(Layer.provide(collectLogs([])))
  const tenant = madeOnce(busyTenant("feed"))

  layer(server, { timeout: 120_000, excludeTestServices: true })(
    `the change feed by role on ${name}`,
    (it) => {
      describe("GET /api/v1/changes (D24)", () => {
        it.effect("an agent key sees the work only: no checkpoints, keys, tenant or agent entries", () =>
          Effect.gen(function* () {
            const t = yield* tenant
            const answer = yield* feed(t.workerKey)
            expect(answer.status).toBe(200)
            const seen = kinds(answer.body)
            expect([...seen].sort()).toEqual(["epic", "project", "story"])
            for (const kind of seen) expect(work).toContain(kind)
            expect(answer.text).not.toContain(secret)
            expect(answer.text).not.toContain("state_data")
            // Asking for a hidden kind by name gives nothing either.
            for (const hidden of ["orchestrator_state", "api_key", "tenant", "agent"]) {
              const filtered = yield* feed(t.workerKey, `&entity_type=${hidden}`)
              expect(filtered.body, hidden).toEqual({ data: [], has_more: false, next_since: null })
            }
            // The same agent is refused the checkpoint itself.
            expect(
              (yield* call("GET", `/api/v1/orchestrator/state/${t.projectId}`, { key: t.workerKey })).status,
            ).toBe(403)
            // Superadmins acting as an agent see what agents see.
            const asAgent = yield* feed(rootKey, "", {
              "x-impersonate-tenant": t.id,
              "x-effective-role": "agent",
            })
            expect([...kinds(asAgent.body)].sort()).toEqual(["epic", "project", "story"])
          }),
        )

        it.effect("an agent's pages, followed with next_since, hold exactly its whole feed", () =>
          Effect.gen(function* () {
            const t = yield* tenant
            const whole = rows((yield* feed(t.workerKey)).body).map((row) => row.id)
            const seen: Array<unknown> = []
            let since = PAST
            for (let round = 0; round < 20; round++) {
              const answer = yield* call(
                "GET",
                `/api/v1/changes?since=${encodeURIComponent(since)}&limit=1`,
                { key: t.workerKey },
              )
              const page = rows(answer.body)
              // A filtered page is never empty while more entries follow.
              expect(page.length > 0 || record(answer.body).has_more === false).toBe(true)
              seen.push(...page.map((row) => row.id))
              const { has_more, next_since } = record(answer.body)
              if (has_more === false) break
              since = String(next_since)
            }
            expect(seen).toEqual(whole)
          }),
        )

        it.effect("users see every kind but no state_data; orchestrators see the checkpoint whole", () =>
          Effect.gen(function* () {
            const t = yield* tenant
            const user = yield* feed(t.userKey)
            expect(kinds(user.body)).toEqual(
              new Set(["tenant", "api_key", "agent", "project", "epic", "story", "orchestrator_state"]),
            )
            const userCheckpoint = rows(user.body).find((row) => row.entity_type === "orchestrator_state")
            expect(userCheckpoint?.new_state).toMatchObject({ state_key: "main", version: 1 })
            expect(record(userCheckpoint?.new_state)).not.toHaveProperty("state_data")
            expect(user.text).not.toContain(secret)
            // The audit list (users and up) keeps state_data from users too.
            const audit = yield* call("GET", "/api/v1/audit?entity_type=orchestrator_state", {
              key: t.userKey,
            })
            expect(audit.status).toBe(200)
            expect(rows(audit.body)).toHaveLength(1)
            expect(audit.text).not.toContain(secret)

            const orchestrator = yield* feed(t.orchestratorKey, "&entity_type=orchestrator_state")
            expect(rows(orchestrator.body).map((row) => row.new_state)).toEqual([
              expect.objectContaining({ state_data: { plan: secret } }),
            ])
            const impersonating = yield* feed(rootKey, "&entity_type=orchestrator_state", {
              "x-impersonate-tenant": t.id,
            })
            expect(impersonating.text).toContain(secret)
          }),
        )
      })
    },
  )
}
