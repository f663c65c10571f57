import { describe, expect, layer } from "@effect/vitest"
import { HealthReport, LoopctlApi, routeEntries, routeRules } from "@loopctl/api"
import { Unauthorized } from "@loopctl/core"
import { Effect, Layer } from "effect"
import { httpServerLayer } from "../../src/index.js"
import {
  type LoggedLine,
  collectLogs,
  databaseUrl,
  impersonations,
  pgliteBackend,
  postgresBackend,
  send,
  withFakeKeys,
} from "../support/support.js"
import { typedClient } from "../support/typed-client-support.js"

/**
 * The real server on a random port, spoken to over HTTP: on in-memory PGlite always, and on a
 * fresh Postgres database when DATABASE_URL is set. API keys are resolved by a fake
 * `Authenticator` (see support.ts); everything else is the production stack.
 */

const logs: Array<LoggedLine> = []

const backends = [
  { name: "PGlite", database: pgliteBackend },
  ...(databaseUrl === undefined ? [] : [{ name: "Postgres", database: postgresBackend(databaseUrl) }]),
]

const envelope = (status: number, message: string) => ({ error: { status, message } })

for (const { name, database } of backends) {
  const server = httpServerLayer({ port: 0, host: "127.0.0.1" }).pipe(
    Layer.provide(withFakeKeys(database)),
    Layer.provide(collectLogs(logs)),
  )

  layer(server, { timeout: 60_000, excludeTestServices: true })(`the HTTP server on ${name}`, (it) => {
    describe("health and discovery", () => {
      it.effect("GET /health reports this server's own parts (the database), no word of another stack", () =>
        Effect.gen(function* () {
          const { status, headers, body } = yield* send("/health")
          expect(status).toBe(200)
          expect(headers.get("content-type")).toContain("application/json")
          expect(body).toEqual({
            status: "ok",
            version: "0.1.0",
            checks: { database: "ok" },
          })
        }),
      )

      it.effect("GET / redirects to /api/v1/", () =>
        Effect.gen(function* () {
          const { status, headers } = yield* send("/")
          expect(status).toBe(302)
          expect(headers.get("location")).toBe("/api/v1/")
        }),
      )

      it.effect("GET /api/v1/ answers the five discovery links, with or without the slash", () =>
        Effect.gen(function* () {
          const expected = {
            name: "loopctl",
            version: "0.1.0",
            docs: "/api/v1/openapi",
            swagger_ui: "/swaggerui",
            health: "/health",
          }
          expect((yield* send("/api/v1/")).body).toEqual(expected)
          expect((yield* send("/api/v1")).body).toEqual(expected)
        }),
      )

      it.effect("GET /api/v1/openapi is a public OpenAPI 3 document of every endpoint", () =>
        Effect.gen(function* () {
          const { status, body, text } = yield* send("/api/v1/openapi")
          expect(status).toBe(200)
          expect(body).toMatchObject({
            openapi: expect.stringMatching(/^3\./),
            info: { title: "loopctl", version: "0.1.0" },
            components: { securitySchemes: { BearerAuth: { type: "http", scheme: "bearer" } } },
          })
          const paths = Object.keys(Object(Object(body).paths))
          for (const route of routeRules(LoopctlApi))
            expect(paths).toContain(route.path.replace(/:(\w+)/g, "{$1}"))
          expect(text).not.toContain("HttpApiDecodeError")
        }),
      )

      it.effect("GET /swaggerui is the Swagger UI page", () =>
        Effect.gen(function* () {
          const { status, headers, text } = yield* send("/swaggerui")
          expect(status).toBe(200)
          expect(headers.get("content-type")).toContain("text/html")
          expect(text).toContain("swagger-ui")
          expect(text).toContain('"title":"loopctl"')
        }),
      )
    })

    describe("GET /api/v1/routes and the API key middleware", () => {
      it.effect("lists every endpoint with its role for any valid key", () =>
        Effect.gen(function* () {
          const { status, body } = yield* send("/api/v1/routes", {
            headers: { authorization: "Bearer lc_agent" },
          })
          expect(status).toBe(200)
          const expected = routeEntries(routeRules(LoopctlApi))
          expect(body).toEqual({ routes: expected, count: expected.length })
          expect(expected).toContainEqual({
            method: "GET",
            path: "/api/v1/routes",
            description: expect.any(String),
            role: "any",
          })
          expect(expected).toContainEqual({
            method: "GET",
            path: "/health",
            description: expect.any(String),
            role: "public",
          })
        }),
      )

      it.effect("answers 401 Unauthorized without a key or with another scheme", () =>
        Effect.gen(function* () {
          for (const headers of [{}, { authorization: "Basic xyz" }, { authorization: "bearer lc_agent" }]) {
            const { status, body } = yield* send("/api/v1/routes", { headers })
            expect(status).toBe(401)
            expect(body).toEqual(envelope(401, "Unauthorized"))
          }
        }),
      )

      it.effect("answers 401 Invalid API key for an unknown or empty key", () =>
        Effect.gen(function* () {
          for (const authorization of ["Bearer lc_bogus", "Bearer ", "Bearer    "]) {
            const { status, body } = yield* send("/api/v1/routes", { headers: { authorization } })
            expect(status).toBe(401)
            expect(body).toEqual(envelope(401, "Invalid API key"))
          }
        }),
      )

      it.effect(
        "passes the key's failures through: 403 for an inactive tenant, 404 for a bad impersonation",
        () =>
          Effect.gen(function* () {
            const suspended = yield* send("/api/v1/routes", {
              headers: { authorization: "Bearer lc_suspended" },
            })
            expect(suspended.status).toBe(403)
            expect(suspended.body).toEqual(envelope(403, "Access denied"))
            const missing = yield* send("/api/v1/routes", {
              headers: { authorization: "Bearer lc_superadmin", "x-impersonate-tenant": "missing" },
            })
            expect(missing.status).toBe(404)
            expect(missing.body).toEqual(envelope(404, "Tenant not found"))
          }),
      )

      it.effect("hands the X-Impersonate-Tenant header to authenticate (blank counts as absent)", () =>
        Effect.gen(function* () {
          impersonations.length = 0
          const headers = { authorization: "Bearer lc_superadmin" }
          yield* send("/api/v1/routes", { headers: { ...headers, "x-impersonate-tenant": "  t-1 " } })
          yield* send("/api/v1/routes", { headers: { ...headers, "x-impersonate-tenant": " " } })
          yield* send("/api/v1/routes", { headers })
          expect(impersonations).toEqual(["t-1", undefined, undefined])
        }),
      )
    })

    describe("errors outside the handlers", () => {
      it.effect("an unknown route is a 404 envelope, whatever the method or Accept header", () =>
        Effect.gen(function* () {
          for (const init of [{}, { method: "POST" }, { headers: { accept: "text/html" } }]) {
            const { status, headers, body } = yield* send("/no/such/route", init)
            expect(status).toBe(404)
            expect(headers.get("content-type")).toContain("application/json")
            expect(body).toEqual(envelope(404, "Not found"))
          }
        }),
      )

      it.effect("a body that is not JSON is a 400 envelope", () =>
        Effect.gen(function* () {
          // A byte body gets no Content-Type from fetch: that counts as JSON too.
          const text = "{not json"
          for (const init of [
            { headers: { "content-type": "application/json" }, body: text },
            { body: new TextEncoder().encode(text) },
          ]) {
            const { status, body } = yield* send("/api/v1/routes", { method: "POST", ...init })
            expect(status).toBe(400)
            expect(body).toEqual(envelope(400, "Malformed JSON body"))
          }
        }),
      )

      it.effect(
        "a body nested deeper than 100 levels is a 400 envelope; 100 levels (strings aside) pass",
        () =>
          Effect.gen(function* () {
            const post = (body: string) =>
              send("/api/v1/routes", {
                method: "POST",
                headers: { "content-type": "application/json" },
                body,
              })
            const deep = yield* post(`{"a":${"[".repeat(100)}${"]".repeat(100)}}`)
            expect(deep.status).toBe(400)
            expect(deep.body).toEqual(envelope(400, "Malformed JSON body: nested deeper than 100 levels"))
            // Brackets inside strings (escaped quotes included) are text, not nesting.
            const quoted = yield* post(JSON.stringify({ a: `\"${"[".repeat(500)}`, b: [[[]]] }))
            expect(quoted.status).not.toBe(400)
            const limit = yield* post(`${"[".repeat(100)}${"]".repeat(100)}`)
            expect(limit.status).not.toBe(400)
          }),
      )

      it.effect("a body over 2,000,000 bytes is a 413 envelope, by Content-Length or while streaming", () =>
        Effect.gen(function* () {
          const big = JSON.stringify("x".repeat(2_000_000))
          const declared = yield* send("/api/v1/routes", {
            method: "POST",
            headers: { "content-type": "application/json" },
            body: big,
          })
          expect(declared.status).toBe(413)
          expect(declared.body).toEqual(envelope(413, "Request Entity Too Large"))
          const chunks = new TextEncoder().encode(big)
          const streamed = yield* send("/no/such/route", {
            method: "POST",
            headers: { "content-type": "application/json" },
            body: new ReadableStream({
              start(controller) {
                for (let at = 0; at < chunks.length; at += 65_536)
                  controller.enqueue(chunks.slice(at, at + 65_536))
                controller.close()
              },
            }),
            duplex: "half",
          })
          expect(streamed.status).toBe(413)
          expect(streamed.body).toEqual(envelope(413, "Request Entity Too Large"))
        }),
      )

      it.effect(
        "an import alone may carry up to 16,000,000 bytes; over that it is the same 413 envelope",
        () =>
          Effect.gen(function* () {
            const post = (path: string, body: string) =>
              send(path, { method: "POST", headers: { "content-type": "application/json" }, body })
            const project = "/api/v1/projects/00000000-0000-4000-8000-000000000000"
            // Read by the edge, then refused by the route for want of a key: not a 413.
            const big = JSON.stringify({ epics: [], filler: "x".repeat(3_000_000) })
            const accepted = yield* post(`${project}/import?merge=true`, big)
            expect(accepted.status).toBe(401)
            // The same body anywhere else, even beside the import, keeps the 2,000,000-byte limit.
            for (const path of [`${project}/export`, `${project}/import/more`, "/api/v1/projects"]) {
              const refused = yield* post(path, big)
              expect(refused.status).toBe(413)
              expect(refused.body).toEqual(envelope(413, "Request Entity Too Large"))
            }
            const huge = yield* post(`${project}/import`, JSON.stringify("x".repeat(16_000_000)))
            expect(huge.status).toBe(413)
            expect(huge.body).toEqual(envelope(413, "Request Entity Too Large"))
          }),
      )

      it.effect("a body of exactly the limit is read", () =>
        Effect.gen(function* () {
          const body = JSON.stringify("x".repeat(2_000_000 - 2))
          const { status, body: answer } = yield* send("/no/such/route", { method: "POST", body })
          expect(status).toBe(404)
          expect(answer).toEqual(envelope(404, "Not found"))
        }),
      )
    })

    describe("request ids and logs", () => {
      it.effect("every response carries X-Request-Id; a client's 20–200 character id is echoed", () =>
        Effect.gen(function* () {
          const first = yield* send("/health")
          const second = yield* send("/no/such/route")
          const ids = [first.headers.get("x-request-id"), second.headers.get("x-request-id")]
          expect(ids[0]).toMatch(/^[0-9a-f-]{36}$/)
          expect(ids[1]).toMatch(/^[0-9a-f-]{36}$/)
          expect(ids[0]).not.toBe(ids[1])
          const mine = "client-trace-0123456789"
          expect(
            (yield* send("/health", { headers: { "x-request-id": mine } })).headers.get("x-request-id"),
          ).toBe(mine)
          const short = yield* send("/health", { headers: { "x-request-id": "short" } })
          expect(short.headers.get("x-request-id")).not.toBe("short")
          const unauthorized = yield* send("/api/v1/routes")
          expect(unauthorized.headers.get("x-request-id")).toMatch(/^[0-9a-f-]{36}$/)
        }),
      )

      it.effect("writes one line per request with method, path, status, duration, request id and actor", () =>
        Effect.gen(function* () {
          const mine = `log-line-trace-${name}-0123456789`
          yield* send("/api/v1/routes?x=1", {
            headers: { authorization: "Bearer lc_user", "x-request-id": mine },
          })
          const lines = logs.filter(
            (line) => line.message === "request" && line.annotations.request_id === mine,
          )
          expect(lines).toHaveLength(1)
          expect(lines[0]?.annotations).toMatchObject({
            method: "GET",
            path: "/api/v1/routes",
            status: 200,
            duration_ms: expect.any(Number),
            tenant_id: "7e1a0000-0000-4000-8000-000000000001",
            actor: "user:user-key",
          })
        }),
      )
    })

    describe("the typed client of @loopctl/http/api", () => {
      const client = typedClient

      it.effect("decodes a 401 envelope into the core's Unauthorized", () =>
        Effect.gen(function* () {
          const error = yield* Effect.flip((yield* client()).system.routes())
          expect(error).toBeInstanceOf(Unauthorized)
          expect(error).toEqual(new Unauthorized({ message: "Unauthorized" }))
        }),
      )

      it.effect("decodes successes into the contract's values", () =>
        Effect.gen(function* () {
          const health = yield* (yield* client()).system.health()
          expect(health).toBeInstanceOf(HealthReport)
          const routes = yield* (yield* client("lc_orchestrator")).system.routes()
          expect(routes.count).toBe(routes.routes.length)
        }),
      )
    })
  })
}
