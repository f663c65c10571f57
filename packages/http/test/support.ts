import { randomUUID } from "node:crypto"
import { HttpServer } from "@effect/platform"
import * as SqlClient from "@effect/sql/SqlClient"
import { type DatabaseStartupError, Postgres, pgliteDatabase, postgresDatabase } from "@loopctl/adapters-pg"
import {
  Actor,
  AgentId,
  ApiKeyId,
  Forbidden,
  NotFound,
  type Role,
  TenantId,
  Unauthorized,
} from "@loopctl/core"
import { Effect, Layer, Logger, Option, Redacted } from "effect"
import type { Authenticate } from "../src/index.js"

/** The Postgres server the Postgres suites run on (CI sets it); unset → those suites are skipped. */
export const databaseUrl: string | undefined = process.env.DATABASE_URL?.trim() || undefined

/** The tenant every fake key belongs to. */
export const tenantId = TenantId.make("7e1a0000-0000-4000-8000-000000000001")

/** The valid fake keys and their roles. */
const roleOfKey: Readonly<Record<string, Role>> = {
  lc_superadmin: "superadmin",
  lc_user: "user",
  lc_orchestrator: "orchestrator",
  lc_agent: "agent",
}

/** The impersonation targets the fake `authenticate` was asked for, in order. */
export const impersonations: Array<string | undefined> = []

/**
 * A stand-in for the Access use case: `lc_<role>` keys are valid with that role, `lc_suspended`
 * belongs to an inactive tenant, the impersonation target `missing` is unknown, anything else
 * is an invalid key.
 */
export const fakeAuthenticate: Authenticate = (rawKey, impersonate) =>
  Effect.suspend((): Effect.Effect<Actor, Unauthorized | Forbidden | NotFound> => {
    impersonations.push(impersonate)
    if (impersonate === "missing") return Effect.fail(new NotFound({ message: "Tenant not found" }))
    if (rawKey === "lc_suspended") return Effect.fail(new Forbidden({ message: "Access denied" }))
    const role = Option.fromNullable(roleOfKey[rawKey])
    if (Option.isNone(role)) return Effect.fail(new Unauthorized({ message: "Invalid API key" }))
    return Effect.succeed(
      new Actor({
        tenant_id: tenantId,
        api_key_id: ApiKeyId.make(randomUUID()),
        key_name: `${role.value}-key`,
        role: role.value,
        agent_id: role.value === "agent" ? AgentId.make("a9e70000-0000-4000-8000-000000000001") : null,
      }),
    )
  })

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
