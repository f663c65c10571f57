/**
 * The loopctl server as the HTTP benchmarks run it: the production layers (`httpServerLayer` over
 * `applicationLayer`) on a random port, over PGlite in a temporary directory or a fresh Postgres
 * database, with a superadmin key of the benchmark's own; and the small things every HTTP
 * benchmark needs (its origin, a tenant with its rate limit lifted, actors for raw keys).
 */
import { HttpServer } from "@effect/platform"
import type * as SqlClient from "@effect/sql/SqlClient"
import { pgliteDatabase, postgresDatabase } from "@loopctl/adapters-pg"
import { Access, IdentityActions, Rules, actingAs, policyUse } from "@loopctl/core"
import { applicationLayer, httpServerLayer } from "@loopctl/http"
import { Effect, Layer, Option, Redacted } from "effect"
import { freshDatabase, temporaryDirectory } from "./databases.js"

/** Which database the server runs on. */
export type ServerBackend =
  | { readonly kind: "pglite" }
  | { readonly kind: "postgres"; readonly serverUrl: string }

/** The superadmin key the benchmark servers bootstrap with. */
export const rootKey = "lc_bench_root_superadmin_key_0123456789abcdef"

/** A failure's message, whatever was thrown or failed. */
export const messageOf = (cause: unknown): string =>
  cause instanceof Error
    ? cause.message
    : typeof cause === "object" && cause !== null && "message" in cause
      ? String(cause.message)
      : String(cause)

/** The production server on a random port over `database`. */
const serverOn = <E>(database: Layer.Layer<SqlClient.SqlClient, E>) =>
  httpServerLayer({ port: 0, host: "127.0.0.1" }).pipe(
    Layer.provideMerge(applicationLayer(Option.some(Redacted.make(rootKey)))),
    Layer.provideMerge(database),
  )

/** The database of `backend`, made for this run and removed when the scope ends. */
const databaseOf = (backend: ServerBackend) =>
  backend.kind === "pglite"
    ? Effect.map(temporaryDirectory, (directory) => pgliteDatabase({ dataDir: `${directory}/data` }))
    : Effect.map(freshDatabase(backend.serverUrl), ({ url }) => postgresDatabase({ url: Redacted.make(url) }))

/** Runs `work` with a fresh server on `backend` (and its layers) in context. */
export const withServer = <A, E, R>(backend: ServerBackend, work: Effect.Effect<A, E, R>) =>
  Effect.scoped(Effect.flatMap(databaseOf(backend), (database) => Effect.provide(work, serverOn(database))))

/** The server's origin, `http://127.0.0.1:<port>`. */
export const origin = Effect.map(HttpServer.HttpServer, (server) =>
  server.address._tag === "TcpAddress" ? `http://127.0.0.1:${server.address.port}` : "http://127.0.0.1",
)

/** The tenant actor a raw key authenticates as. */
export const actorOf = (rawKey: string) =>
  Effect.flatMap(Access, (access) =>
    Effect.flatMap(access.authenticate(rawKey), ({ caller }) => Rules.Access.requireTenantScope(caller)),
  )

/** A fresh tenant with its rate limit lifted (so load is not throttled) and its user key. */
export const benchTenant = Effect.gen(function* () {
  const access = yield* Access
  const root = (yield* access.authenticate(rootKey)).caller
  const slug = `bench-${Date.now().toString(36)}-${Math.floor(Math.random() * 1e6)}`
  const made = yield* access
    .createTenant({ name: "Bench", slug, email: `${slug}@example.com` })
    .pipe(policyUse(IdentityActions.createTenant), actingAs(root))
  const userKey = made.api_key.raw_key
  const user = yield* actorOf(userKey)
  // Above the maximum a tenant may set itself, so the superadmin grants it.
  yield* access
    .updateTenantAsAdmin(user.tenant_id, { settings: { rate_limit_requests_per_minute: 100_000 } })
    .pipe(policyUse(IdentityActions.administerTenant), actingAs(root))
  return { userKey, user }
})

/** A new key of `role` for the tenant of `user`, registered as an agent of `agentType` when given. */
export const benchAgent = (userKey: string, name: string, agentType: "implementer" | "orchestrator") =>
  Effect.gen(function* () {
    const access = yield* Access
    const user = yield* actorOf(userKey)
    const key = (yield* access
      .createApiKey({ name, role: "agent" })
      .pipe(policyUse(IdentityActions.createApiKey), actingAs(user))).raw_key
    const agent = yield* access
      .registerAgent({ name, agent_type: agentType })
      .pipe(policyUse(IdentityActions.registerAgent), actingAs(yield* actorOf(key)))
    return { key, agentId: agent.id, actor: yield* actorOf(key) }
  })
