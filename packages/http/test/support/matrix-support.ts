import type { HttpServer } from "@effect/platform"
import { expect } from "@effect/vitest"
import { Effect } from "effect"
import { type StaffedTenant, call, envelope } from "./identity-support.js"
import { rootKey } from "./support.js"

/**
 * A role matrix: every kind of caller against one endpoint, with the exact 401/403 body where
 * the gate refuses and the status the endpoint answers where it lets the caller through.
 */

/** Who calls with a key (or a superadmin's headers). */
export const keyedCallers = [
  "superadmin",
  "impersonating",
  "impersonatingAsAgent",
  "user",
  "orchestrator",
  "agent",
] as const
export type KeyedCallerName = (typeof keyedCallers)[number]

/** Who calls: without a key, or as one of the keyed callers. */
export const callers = ["none", ...keyedCallers] as const
export type CallerName = (typeof callers)[number]

/** The request headers of each caller in the tenant under test. */
export const headersOf = (who: CallerName, tenant: StaffedTenant): Record<string, string> => {
  const bearer = (key: string) => ({ authorization: `Bearer ${key}` })
  switch (who) {
    case "none":
      return {}
    case "superadmin":
      return bearer(rootKey)
    case "impersonating":
      return { ...bearer(rootKey), "x-impersonate-tenant": tenant.id }
    case "impersonatingAsAgent":
      return { ...bearer(rootKey), "x-impersonate-tenant": tenant.id, "x-effective-role": "agent" }
    case "user":
      return bearer(tenant.userKey)
    case "orchestrator":
      return bearer(tenant.orchestratorKey)
    case "agent":
      return bearer(tenant.workerKey)
  }
}

/** A refusal body, or the status of a call the gate let through. */
export type Outcome = { readonly refused: 401 | 403; readonly message: string } | { readonly passes: number }

const forbidden = (message: string): Outcome => ({ refused: 403, message })
export const passes = (status: number): Outcome => ({ passes: status })
export const needsHeader = forbidden("Superadmin must use X-Impersonate-Tenant header")
export const needsUser = forbidden("Insufficient permissions. Required role: user")
export const needsOrchestrator = forbidden("Insufficient permissions. Required role: orchestrator")

/** What each caller but "none" (always 401) gets from one endpoint. */
export type Expectations = Readonly<Record<Exclude<CallerName, "none">, Outcome>>

/** `min agent`: every tenant role passes. */
export const anyTenantRole = (status: number): Expectations => ({
  superadmin: needsHeader,
  impersonating: passes(status),
  impersonatingAsAgent: passes(status),
  user: passes(status),
  orchestrator: passes(status),
  agent: passes(status),
})

/** `min orchestrator`: agents are refused. */
export const orchestratorOrAbove = (status: number): Expectations => ({
  superadmin: needsHeader,
  impersonating: passes(status),
  impersonatingAsAgent: needsOrchestrator,
  user: passes(status),
  orchestrator: passes(status),
  agent: needsOrchestrator,
})

/** `min user`: orchestrators and agents are refused. */
export const userOrAbove = (status: number): Expectations => ({
  superadmin: needsHeader,
  impersonating: passes(status),
  impersonatingAsAgent: needsUser,
  user: passes(status),
  orchestrator: needsUser,
  agent: needsUser,
})

/** One endpoint of a matrix. */
export interface MatrixRow<Fixture> {
  readonly method: string
  /** The route as the route table writes it. */
  readonly route: string
  readonly path: (fixture: Fixture) => string
  readonly body?: unknown
  readonly expect: Expectations
}

/** Calls the row's endpoint as every caller and checks each answer. */
export const checkRow = <Fixture extends { readonly tenant: StaffedTenant }>(
  row: MatrixRow<Fixture>,
  fixture: Fixture,
): Effect.Effect<void, never, HttpServer.HttpServer> =>
  Effect.gen(function* () {
    const path = row.path(fixture)
    for (const who of callers) {
      const answer = yield* call(row.method, path, {
        headers: headersOf(who, fixture.tenant),
        ...(row.body === undefined ? {} : { body: row.body }),
      })
      const outcome: Outcome = who === "none" ? { refused: 401, message: "Unauthorized" } : row.expect[who]
      const seen = { who, status: answer.status }
      if ("refused" in outcome) {
        expect(seen).toEqual({ who, status: outcome.refused })
        expect(answer.body).toEqual(envelope(outcome.refused, outcome.message))
      } else {
        expect(seen).toEqual({ who, status: outcome.passes })
      }
    }
  })

/**
 * The rows a work item (`/api/v1/projects/:id`, `/api/v1/epics/:id`) answers alike: read by any
 * role; an empty PATCH, which changes nothing, by an orchestrator or above; a DELETE of
 * `unknownId`, so that nothing is removed, 404 for a user or above; its progress for any role.
 */
export const workItemRows = <Fixture>(
  collection: "projects" | "epics",
  idOf: (fixture: Fixture) => string,
  unknownId: string,
): ReadonlyArray<MatrixRow<Fixture>> => {
  const route = `/api/v1/${collection}/:id`
  const item = (fixture: Fixture) => `/api/v1/${collection}/${idOf(fixture)}`
  return [
    { method: "GET", route, path: item, expect: anyTenantRole(200) },
    { method: "PATCH", route, path: item, body: {}, expect: orchestratorOrAbove(200) },
    { method: "DELETE", route, path: () => `/api/v1/${collection}/${unknownId}`, expect: userOrAbove(404) },
    {
      method: "GET",
      route: `${route}/progress`,
      path: (fixture) => `${item(fixture)}/progress`,
      expect: anyTenantRole(200),
    },
  ]
}
