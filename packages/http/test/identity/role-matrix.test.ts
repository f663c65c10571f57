import { randomUUID } from "node:crypto"
import { describe, expect, layer } from "@effect/vitest"
import { IdentityApi, routeRules } from "@loopctl/api"
import { Effect, Layer } from "effect"
import { type StaffedTenant, backends, call, envelope, staffedTenant } from "../support/identity-support.js"
import { type CallerName, callers, headersOf } from "../support/matrix-support.js"
import { collectLogs, realServer } from "../support/support.js"

/**
 * Every gated endpoint of the identity groups against every kind of caller, as a table: the
 * exact 401/403 body where the gate refuses, the status the endpoint answers where it lets the
 * caller through. The calls are chosen to change nothing that a later row depends on.
 */

/** A refusal body, or the status of a call the gate let through. */
type Outcome = { readonly refused: 401 | 403; readonly message: string } | { readonly passes: number }

const unauthorized: Outcome = { refused: 401, message: "Unauthorized" }
const forbidden = (message: string): Outcome => ({ refused: 403, message })
const passes = (status: number): Outcome => ({ passes: status })
const needsHeader = forbidden("Superadmin must use X-Impersonate-Tenant header")
const needsSuperadmin = forbidden("This endpoint requires the superadmin role")
const needsUser = forbidden("Insufficient permissions. Required role: user")
const needsOrchestrator = forbidden("Insufficient permissions. Required role: orchestrator")
const needsAgent = forbidden("This endpoint requires the agent role")

interface Row {
  readonly method: string
  /** The route as the route table writes it. */
  readonly route: string
  readonly path: (tenant: StaffedTenant) => string
  readonly body?: unknown
  readonly expect: Readonly<Record<Exclude<CallerName, "none">, Outcome>>
}

const unknownId = randomUUID()

/** Admin rows: only superadmin keys pass, impersonation or not (it is ignored there). */
const admin = (
  method: string,
  route: string,
  path: (tenant: StaffedTenant) => string,
  status: number,
  body?: unknown,
): Row => ({
  method,
  route,
  path,
  ...(body === undefined ? {} : { body }),
  expect: {
    superadmin: passes(status),
    impersonating: passes(status),
    impersonatingAsAgent: passes(status),
    user: needsSuperadmin,
    orchestrator: needsSuperadmin,
    agent: needsSuperadmin,
  },
})

/** Rows of `min user` tenant endpoints. */
const userOnly = (
  method: string,
  route: string,
  path: (tenant: StaffedTenant) => string,
  status: number,
  body?: unknown,
): Row => ({
  method,
  route,
  path,
  ...(body === undefined ? {} : { body }),
  expect: {
    superadmin: needsHeader,
    impersonating: passes(status),
    impersonatingAsAgent: needsUser,
    user: passes(status),
    orchestrator: needsUser,
    agent: needsUser,
  },
})

const table: ReadonlyArray<Row> = [
  {
    method: "GET",
    route: "/api/v1/tenants/me",
    path: () => "/api/v1/tenants/me",
    expect: {
      superadmin: needsHeader,
      impersonating: passes(200),
      impersonatingAsAgent: passes(200),
      user: passes(200),
      orchestrator: passes(200),
      agent: passes(200),
    },
  },
  userOnly("PATCH", "/api/v1/tenants/me", () => "/api/v1/tenants/me", 200, {}),
  // An empty body: 422 for whoever gets through, and no tenant is created.
  admin("POST", "/api/v1/admin/tenants", () => "/api/v1/admin/tenants", 422, {}),
  admin("GET", "/api/v1/admin/tenants", () => "/api/v1/admin/tenants", 200),
  admin("GET", "/api/v1/admin/tenants/:id", (tenant) => `/api/v1/admin/tenants/${tenant.id}`, 200),
  admin("PATCH", "/api/v1/admin/tenants/:id", (tenant) => `/api/v1/admin/tenants/${tenant.id}`, 200, {}),
  admin("POST", "/api/v1/admin/tenants/:id/suspend", () => `/api/v1/admin/tenants/${unknownId}/suspend`, 404),
  admin(
    "POST",
    "/api/v1/admin/tenants/:id/activate",
    () => `/api/v1/admin/tenants/${unknownId}/activate`,
    404,
  ),
  admin("GET", "/api/v1/admin/stats", () => "/api/v1/admin/stats", 200),
  admin("GET", "/api/v1/admin/audit", () => "/api/v1/admin/audit", 200),
  userOnly("POST", "/api/v1/api_keys", () => "/api/v1/api_keys", 422, {}),
  userOnly("GET", "/api/v1/api_keys", () => "/api/v1/api_keys", 200),
  userOnly("DELETE", "/api/v1/api_keys/:id", () => `/api/v1/api_keys/${unknownId}`, 404),
  userOnly("POST", "/api/v1/api_keys/:id/rotate", () => `/api/v1/api_keys/${unknownId}/rotate`, 404),
  {
    method: "POST",
    route: "/api/v1/agents/register",
    path: () => "/api/v1/agents/register",
    body: { name: "matrix", agent_type: "implementer" },
    expect: {
      superadmin: needsAgent,
      impersonating: needsAgent,
      // Passes the role check, then has no key of its own to bind.
      impersonatingAsAgent: passes(422),
      user: needsAgent,
      orchestrator: needsAgent,
      // The worker's key is bound already.
      agent: passes(409),
    },
  },
  ...[
    { route: "/api/v1/agents", path: () => "/api/v1/agents" },
    {
      route: "/api/v1/agents/:id",
      path: (tenant: StaffedTenant) => `/api/v1/agents/${tenant.workerAgentId}`,
    },
  ].map(
    ({ route, path }): Row => ({
      method: "GET",
      route,
      path,
      expect: {
        superadmin: needsHeader,
        impersonating: passes(200),
        impersonatingAsAgent: needsOrchestrator,
        user: passes(200),
        orchestrator: passes(200),
        agent: needsOrchestrator,
      },
    }),
  ),
]

for (const { name, database } of backends) {
  const server = realServer(database).pipe(Layer.provide(collectLogs([])))
  /** One staffed tenant for the whole table, made by the first row that needs it. */
  let staffed: StaffedTenant | undefined
  const tenant = Effect.suspend(() =>
    staffed === undefined
      ? Effect.tap(staffedTenant("matrix"), (made) => {
          staffed = made
        })
      : Effect.succeed(staffed),
  )

  layer(server, { timeout: 120_000, excludeTestServices: true })(`the role matrix on ${name}`, (it) => {
    it("covers every endpoint of the identity groups", () => {
      const declared = routeRules(IdentityApi).map((rule) => `${rule.method} ${rule.path}`)
      expect(table.map((row) => `${row.method} ${row.route}`).sort()).toEqual([...declared].sort())
    })

    describe("every identity endpoint × every caller", () => {
      for (const row of table)
        it.effect(`${row.method} ${row.route}`, () =>
          Effect.gen(function* () {
            const target = yield* tenant
            const path = row.path(target)
            for (const who of callers) {
              const answer = yield* call(row.method, path, {
                headers: headersOf(who, target),
                ...(row.body === undefined ? {} : { body: row.body }),
              })
              const outcome = who === "none" ? unauthorized : row.expect[who]
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
  })
}
