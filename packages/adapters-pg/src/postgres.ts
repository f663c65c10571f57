import * as Reactivity from "@effect/experimental/Reactivity"
import * as PgClient from "@effect/sql-pg/PgClient"
import * as SqlClient from "@effect/sql/SqlClient"
import type { SqlError } from "@effect/sql/SqlError"
import { Duration, Effect, Either, Layer, Redacted } from "effect"
import pgTypes from "pg-types"
import {
  DatabaseConfigError,
  DatabaseUnavailable,
  UnsafeDatabaseRole,
  causeMessage,
  codeOf,
} from "./errors.js"
import { TypeOid, int8FromPg, timestampFromPg } from "./values.js"

/** How to reach a real Postgres server. */
export interface PostgresOptions {
  /** A `postgres://user:password@host:port/database` URL (`postgresql://` works too). */
  readonly url: Redacted.Redacted<string>
  /**
   * The role every statement runs as unless a transaction switches role itself. Set as a
   * connection start-up option, so it holds from the first statement of every pooled connection.
   */
  readonly role?: string
  readonly maxConnections?: number
  readonly connectTimeout?: Duration.DurationInput
}

/** What a validated URL names, without its password: for messages. */
export interface DatabaseTarget {
  readonly url: URL
  readonly user: string
  readonly label: string
}

const expected = "expected postgres://user:password@host:5432/database"

/** Checks that `raw` is a usable Postgres URL; the error says what is wrong without echoing secrets. */
export const parseDatabaseUrl = (raw: string): Either.Either<DatabaseTarget, DatabaseConfigError> => {
  const invalid = (reason: string) =>
    Either.left(
      new DatabaseConfigError({
        message: `DATABASE_URL is not a valid Postgres URL (${reason}); ${expected}`,
      }),
    )
  if (!URL.canParse(raw)) return invalid("it does not parse as a URL")
  const url = new URL(raw)
  if (url.protocol !== "postgres:" && url.protocol !== "postgresql:")
    return invalid(`the scheme is "${url.protocol.replace(/:$/, "")}", not postgres`)
  const host = url.hostname || url.searchParams.get("host") || ""
  if (host === "") return invalid("it names no host")
  const database = decodeURIComponent(url.pathname.replace(/^\//, ""))
  if (database.includes("/")) return invalid("the database name contains a slash")
  const user = decodeURIComponent(url.username) || "postgres"
  return Either.right({
    url,
    user,
    label: `${user}@${host}:${url.port || "5432"}/${database || user}`,
  })
}

// Role names go into a start-up option; anything but a plain identifier would need escaping there.
const plainIdentifier = /^[a-z_][a-z0-9_]{0,62}$/

/**
 * Both drivers read timestamptz and int8 the same way (see values.ts); every other type keeps
 * node-postgres' default parser.
 */
const types = {
  getTypeParser: (oid: number, format?: string) =>
    oid === TypeOid.timestamptz
      ? timestampFromPg
      : oid === TypeOid.int8
        ? int8FromPg
        : format === "binary"
          ? pgTypes.getTypeParser(oid, "binary")
          : pgTypes.getTypeParser(oid, "text"),
}

const connectError = (target: DatabaseTarget, role: string | undefined) => (error: SqlError) => {
  const code = codeOf(error.cause)
  const reason = causeMessage(error.cause ?? error)
  if (role !== undefined && code === "42501")
    return new UnsafeDatabaseRole({
      message: `the database user "${target.user}" may not switch to role ${role} (${reason}); as an administrator run GRANT ${role} TO "${target.user}", or connect as a user that is a member of ${role}`,
    })
  if (role !== undefined && code === "22023" && reason.includes(role))
    return new UnsafeDatabaseRole({
      message: `role ${role} does not exist (${reason}); it is created by the migrations, which need a user with CREATEROLE, or create it yourself: CREATE ROLE ${role} NOLOGIN NOSUPERUSER NOBYPASSRLS`,
    })
  if (code === "28P01" || code === "28000")
    return new DatabaseUnavailable({
      message: `cannot log in to Postgres at ${target.label} (${reason}); check the user and password in DATABASE_URL`,
    })
  return new DatabaseUnavailable({
    message: `cannot connect to Postgres at ${target.label} (${reason}); check that the server is running and reachable and that DATABASE_URL is right`,
  })
}

/**
 * The SqlClient over a pool of real Postgres connections (`@effect/sql-pg`). Fails at once with a
 * one-line error when the URL is malformed, the server cannot be reached, or `role` cannot be taken.
 */
export const make = (options: PostgresOptions) =>
  Effect.gen(function* () {
    const target = yield* parseDatabaseUrl(Redacted.value(options.url))
    const url = new URL(target.url)
    if (options.role !== undefined) {
      if (!plainIdentifier.test(options.role))
        return yield* new DatabaseConfigError({
          message: `role name "${options.role}" is not a plain identifier`,
        })
      const existing = url.searchParams.get("options")
      const setRole = `-c role=${options.role}`
      url.searchParams.set("options", existing === null ? setRole : `${existing} ${setRole}`)
    }
    const client: SqlClient.SqlClient = yield* PgClient.make({
      url: Redacted.make(url.toString()),
      types,
      applicationName: "loopctl",
      maxConnections: options.maxConnections ?? 10,
      connectTimeout: options.connectTimeout ?? Duration.seconds(5),
    }).pipe(Effect.mapError(connectError(target, options.role)))
    return client
  })

/** {@link make} as a layer. */
export const layer = (
  options: PostgresOptions,
): Layer.Layer<SqlClient.SqlClient, DatabaseConfigError | DatabaseUnavailable | UnsafeDatabaseRole> =>
  Layer.scoped(SqlClient.SqlClient, make(options)).pipe(Layer.provide(Reactivity.layer))
