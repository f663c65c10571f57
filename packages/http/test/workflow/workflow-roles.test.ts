import { randomUUID } from "node:crypto"
import { describe, expect, layer } from "@effect/vitest"
import { StoryWorkflowApi, routeRules } from "@loopctl/api"
import { Effect, Layer } from "effect"
import { type StaffedTenant, backends, call, envelope, staffedTenant } from "../support/identity-support.js"
import { type CallerName, callers, headersOf } from "../support/matrix-support.js"
import { collectLogs, realServer } from "../support/support.js"

/**
 * Every endpoint of the story workflow (lifecycle, verification, artifacts, bulk) against every
 * kind of caller, as a table: the exact 401/403 body where the role gate refuses, the status the
 * endpoint answers where it lets the caller through (ids name nothing, so nothing changes).
 */

type Caller = Exclude<CallerName, "none">

type Outcome = { readonly refused: 403; readonly message: string } | { readonly passes: number }
const refused = (message: string): Outcome => ({ refused: 403, message })
const passes = (status: number): Outcome => ({ passes: status })
const needsHeader = refused("Superadmin must use X-Impersonate-Tenant header")

/** The role rules of the workflow, each as what every caller gets (`ok` is the status past the gate). */
const exactAgent = (ok: number, okWithoutAgent = ok): Record<Caller, Outcome> => {
  const no = refused("This endpoint requires the agent role")
  return {
    superadmin: no,
    impersonating: no,
    impersonatingAsAgent: passes(okWithoutAgent),
    user: no,
    orchestrator: no,
    agent: passes(ok),
  }
}
const exactAgentOrOrchestrator = (ok: number, okWithoutAgent = ok): Record<Caller, Outcome> => {
  const no = refused("This endpoint requires the agent or orchestrator role")
  return {
    superadmin: no,
    impersonating: no,
    impersonatingAsAgent: passes(okWithoutAgent),
    user: no,
    orchestrator: passes(ok),
    agent: passes(ok),
  }
}
const exactOrchestrator = (ok: number): Record<Caller, Outcome> => {
  const no = refused("This endpoint requires the orchestrator role")
  return {
    superadmin: no,
    impersonating: no,
    impersonatingAsAgent: no,
    user: no,
    orchestrator: passes(ok),
    agent: no,
  }
}
const minOrchestrator = (ok: number): Record<Caller, Outcome> => {
  const no = refused("Insufficient permissions. Required role: orchestrator")
  return {
    superadmin: needsHeader,
    impersonating: passes(ok),
    impersonatingAsAgent: no,
    user: passes(ok),
    orchestrator: passes(ok),
    agent: no,
  }
}
const minAgent = (ok: number): Record<Caller, Outcome> => ({
  superadmin: needsHeader,
  impersonating: passes(ok),
  impersonatingAsAgent: passes(ok),
  user: passes(ok),
  orchestrator: passes(ok),
  agent: passes(ok),
})

interface Row {
  readonly method: string
  readonly route: string
  readonly body?: unknown
  readonly expect: Record<Caller, Outcome>
}

const story = randomUUID()
const epic = randomUUID()
const storyRoute = (action: string) => `/api/v1/stories/:id/${action}`
const evidence = { review_type: "team", summary: "ok" }
const unknownItems = { stories: [{ story_id: story, reason: "x" }] }

// Past the gate every id is unknown: 404, or 422 where a key without an agent is refused first
// (claim, report, review) or where every bulk item fails.
const table: ReadonlyArray<Row> = [
  { method: "POST", route: storyRoute("contract"), body: {}, expect: exactAgentOrOrchestrator(404) },
  { method: "POST", route: storyRoute("claim"), expect: exactAgent(404, 422) },
  { method: "POST", route: storyRoute("start"), expect: exactAgent(404) },
  { method: "POST", route: storyRoute("start-work"), expect: exactAgent(404) },
  { method: "POST", route: storyRoute("request-review"), expect: exactAgent(404) },
  { method: "POST", route: storyRoute("report"), body: {}, expect: exactAgentOrOrchestrator(404, 422) },
  { method: "POST", route: storyRoute("report-done"), body: {}, expect: exactAgentOrOrchestrator(404, 422) },
  { method: "POST", route: storyRoute("unclaim"), expect: exactAgent(404) },
  {
    method: "POST",
    route: storyRoute("review-complete"),
    body: { review_type: "team" },
    expect: exactAgentOrOrchestrator(404, 422),
  },
  { method: "POST", route: storyRoute("verify"), body: evidence, expect: exactOrchestrator(404) },
  { method: "POST", route: storyRoute("reject"), body: { reason: "x" }, expect: exactOrchestrator(404) },
  { method: "POST", route: storyRoute("force-unclaim"), expect: exactOrchestrator(404) },
  { method: "POST", route: storyRoute("backfill"), body: { reason: "x" }, expect: exactOrchestrator(404) },
  { method: "GET", route: storyRoute("verifications"), expect: minOrchestrator(404) },
  { method: "POST", route: "/api/v1/epics/:id/verify-all", body: evidence, expect: exactOrchestrator(404) },
  {
    method: "POST",
    route: storyRoute("artifacts"),
    body: { artifact_type: "test", path: "x" },
    expect: exactAgentOrOrchestrator(404),
  },
  { method: "GET", route: storyRoute("artifacts"), expect: minAgent(404) },
  {
    method: "POST",
    route: "/api/v1/stories/bulk/claim",
    body: { story_ids: [story] },
    expect: exactAgent(422),
  },
  {
    method: "POST",
    route: "/api/v1/stories/bulk/verify",
    body: unknownItems,
    expect: exactOrchestrator(422),
  },
  {
    method: "POST",
    route: "/api/v1/stories/bulk/reject",
    body: unknownItems,
    expect: exactOrchestrator(422),
  },
  {
    method: "POST",
    route: "/api/v1/stories/bulk/mark-complete",
    body: unknownItems,
    expect: exactOrchestrator(422),
  },
]

const pathOf = (route: string) => route.replace(":id", route.startsWith("/api/v1/epics") ? epic : story)

for (const { name, database } of backends) {
  const server = realServer(database).pipe(Layer.provide(collectLogs([])))
  let staffed: StaffedTenant | undefined
  const tenant = Effect.suspend(() =>
    staffed === undefined
      ? Effect.tap(staffedTenant("workflow-roles"), (made) => {
          staffed = made
        })
      : Effect.succeed(staffed),
  )

  layer(server, { timeout: 180_000, excludeTestServices: true })(
    `the workflow role matrix on ${name}`,
    (it) => {
      it("covers every endpoint of the story workflow", () => {
        const declared = routeRules(StoryWorkflowApi).map((rule) => `${rule.method} ${rule.path}`)
        expect(table.map((row) => `${row.method} ${row.route}`).sort()).toEqual([...declared].sort())
      })

      describe("every workflow endpoint × every caller", () => {
        for (const row of table)
          it.effect(`${row.method} ${row.route}`, () =>
            Effect.gen(function* () {
              const target = yield* tenant
              for (const who of callers) {
                const answer = yield* call(row.method, pathOf(row.route), {
                  headers: headersOf(who, target),
                  ...(row.body === undefined ? {} : { body: row.body }),
                })
                if (who === "none") {
                  expect({ who, status: answer.status }).toEqual({ who, status: 401 })
                  continue
                }
                const outcome = row.expect[who]
                const seen = { who, status: answer.status }
                if ("refused" in outcome) {
                  expect(seen).toEqual({ who, status: outcome.refused })
                  expect(answer.body).toEqual(envelope(outcome.refused, outcome.message))
                } else {
                  expect(seen).toEqual({ who, status: outcome.passes })
                }
              }
            }),
          )
      })
    },
  )
}
