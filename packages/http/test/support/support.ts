import { randomUUID } from "node:crypto"
import { HttpServer } from "@effect/platform"
import * as SqlClient from "@effect/sql/SqlClient"
import {
  type DatabaseStartupError,
  Postgres,
  SqlPorts,
  pgliteDatabase,
  postgresDatabase,
} from "@loopctl/adapters-pg"
import {
  Actor,
  AgentId,
  ApiKeyId,
  type Authenticated,
  Forbidden,
  LoopctlServices,
  NotFound,
  PlatformActor,
  type Role,
  Tenant,
  TenantId,
  Timestamp,
  Unauthorized,
} from "@loopctl/core"
import { Effect, Either, Layer, Logger, Option, Redacted } from "effect"
import {
  Authenticator,
  type HttpServerOptions,
  applicationLayer,
  httpServerLayer,
  parseTrustedProxies,
} from "../../src/index.js"

/** The Postgres server the Postgres suites run on (CI sets it); unset → those suites are skipped. */
export const databaseUrl: string | undefined = process.env.DATABASE_URL?.trim() || undefined

/** The tenant every fake key belongs to. */
export const tenantId = TenantId.make("7e1a0000-0000-4000-8000-000000000001")

const fakeTime = Timestamp.make("2026-01-01T00:00:00.000000Z")

/** The fake keys' tenant: active, default settings. */
const fakeTenant = new Tenant({
  id: tenantId,
  name: "Fake",
  slug: "fake",
  email: "fake@example.com",
  settings: {},
  status: "active",
  default_story_budget_millicents: null,
  token_data_retention_days: null,
  inserted_at: fakeTime,
  updated_at: fakeTime,
})

/** The valid fake keys and their roles. */
const roleOfKey: Readonly<Record<string, Role>> = {
  lc_superadmin: "superadmin",
  lc_user: "user",
  lc_orchestrator: "orchestrator",
  lc_agent: "agent",
}

/** The impersonation targets the fake authenticator was asked for, in order. */
export const impersonations: Array<string | undefined> = []

/**
 * A stand-in for the core's Access: `lc_<role>` keys are valid with that role (`lc_superadmin`
 * is a platform superadmin unless it impersonates), `lc_suspended` belongs to an inactive
 * tenant, the impersonation target `missing` is unknown, anything else is an invalid key.
 */
export const fakeAuthenticate = (
  rawKey: string,
  impersonate: string | undefined,
): Effect.Effect<Authenticated, Unauthorized | Forbidden | NotFound> =>
  Effect.suspend((): Effect.Effect<Authenticated, Unauthorized | Forbidden | NotFound> => {
    impersonations.push(impersonate)
    if (impersonate === "missing") return Effect.fail(new NotFound({ message: "Tenant not found" }))
    if (rawKey === "lc_suspended") return Effect.fail(new Forbidden({ message: "Access denied" }))
    const role = Option.fromNullable(roleOfKey[rawKey])
    if (Option.isNone(role)) return Effect.fail(new Unauthorized({ message: "Invalid API key" }))
    const api_key_id = ApiKeyId.make(randomUUID())
    const key_name = `${role.value}-key`
    if (role.value === "superadmin" && impersonate === undefined)
      return Effect.succeed({
        caller: new PlatformActor({ api_key_id, key_name }),
        tenant: null,
        rate: Option.none(),
      })
    const caller = new Actor({
      tenant_id: tenantId,
      api_key_id,
      key_name,
      role: role.value,
      agent_id: role.value === "agent" ? AgentId.make("a9e70000-0000-4000-8000-000000000001") : null,
      impersonation:
        role.value === "superadmin"
          ? { tenant_slug: fakeTenant.slug, impersonated_at: fakeTime, effective_role: null }
          : null,
    })
    // Uncounted: the edge counts the fake keys' requests itself, through the RateLimits port.
    return Effect.succeed({ caller, tenant: fakeTenant, rate: Option.none() })
  })

/** The fake keys as the server's {@link Authenticator}. */
export const fakeAuthenticator = Layer.succeed(
  Authenticator,
  Authenticator.of({ authenticate: fakeAuthenticate }),
)

/**
 * What the server needs, with fake keys: the real use cases and ports on `database` (so rate
 * limits are counted there), keys resolved by {@link fakeAuthenticator}.
 */
export const withFakeKeys = <ROut, E>(database: Layer.Layer<ROut, E>) =>
  Layer.merge(fakeAuthenticator, LoopctlServices).pipe(
    Layer.provideMerge(SqlPorts),
    Layer.provideMerge(database),
  )

/** The superadmin key the real test servers bootstrap from configuration (D8). */
export const rootKey = "lc_test_root_superadmin_key_0123456789"

/**
 * The production server on a random port over `database`: real keys, real use cases, the
 * superadmin bootstrapped with {@link rootKey}, and the server `options` a test sets. The
 * database, the ports and the use cases stay in the context, so a test can look at what was
 * stored.
 */
export const realServer = <ROut, E>(
  database: Layer.Layer<ROut, E>,
  options: Omit<HttpServerOptions, "port" | "host"> = {},
) =>
  httpServerLayer({ port: 0, host: "127.0.0.1", ...options }).pipe(
    Layer.provideMerge(applicationLayer(Option.some(Redacted.make(rootKey)))),
    Layer.provideMerge(database),
  )

/** `LOOPCTL_TRUST_PROXY=loopback`: a test's requests stand for clients behind a local proxy (D30). */
export const loopbackProxy = Either.getOrThrow(parseTrustedProxies("loopback"))

/** A log line written while a server runs. */
export interface LoggedLine {
  readonly level: string
  readonly message: unknown
  readonly annotations: Readonly<Record<string, unknown>>
  readonly cause: string
}

/** Collects log lines instead of printing them. */
export const collectLogs = (into: Array<LoggedLine>): Layer.Layer<never> =>
  Logger.replace(
    Logger.defaultLogger,
    Logger.make(({ logLevel, message, annotations, cause }) => {
      into.push({
        level: logLevel.label,
        message: Array.isArray(message) ? message[0] : message,
        annotations: Object.fromEntries(annotations),
        cause: String(cause),
      })
    }),
  )

/** The base URL (`http://127.0.0.1:<port>`) of the running server. */
export const baseUrl = Effect.map(HttpServer.HttpServer, (server) =>
  server.address._tag === "TcpAddress" ? `http://127.0.0.1:${server.address.port}` : "http://localhost",
)

/** An in-memory PGlite database, migrated. */
export const pgliteBackend: Layer.Layer<SqlClient.SqlClient, DatabaseStartupError> = pgliteDatabase({
  dataDir: "memory://",
})

/** Runs one statement on the server of `url`, on a connection of its own. */
const onServer = (url: string, statement: string) =>
  Effect.flatMap(SqlClient.SqlClient, (sql) => sql.unsafe(statement)).pipe(
    Effect.provide(Postgres.layer({ url: Redacted.make(url), maxConnections: 1 })),
    Effect.orDie,
  )

/** A fresh database on the `DATABASE_URL` server, migrated, dropped when the layer is released. */
export const postgresBackend = (serverUrl: string): Layer.Layer<SqlClient.SqlClient, DatabaseStartupError> =>
  Layer.unwrapScoped(
    Effect.map(
      Effect.acquireRelease(
        Effect.gen(function* () {
          const name = `loopctl_http_${Date.now().toString(36)}_${randomUUID().slice(0, 8)}`
          yield* onServer(serverUrl, `CREATE DATABASE ${name}`)
          const url = new URL(serverUrl)
          url.pathname = `/${name}`
          return { name, url: url.toString() }
        }),
        ({ name }) => onServer(serverUrl, `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`),
      ),
      ({ url }) => postgresDatabase({ url: Redacted.make(url), maxConnections: 4 }),
    ),
  )

/** What the server answered. */
export interface Answer {
  readonly status: number
  readonly headers: Headers
  /** The parsed JSON body, or the text when the body is not JSON. */
  readonly body: unknown
  readonly text: string
}

/** Sends a request to the server and reads the answer. */
export const send = (
  path: string,
  init: RequestInit = {},
): Effect.Effect<Answer, never, HttpServer.HttpServer> =>
  Effect.flatMap(baseUrl, (base) =>
    Effect.promise(async () => {
      const response = await fetch(`${base}${path}`, { redirect: "manual", ...init })
      const text = await response.text()
      const type = response.headers.get("content-type") ?? ""
      const body: unknown = type.includes("json") && text !== "" ? JSON.parse(text) : text
      return { status: response.status, headers: response.headers, body, text }
    }),
  )
