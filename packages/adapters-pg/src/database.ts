import * as SqlClient from "@effect/sql/SqlClient"
import type { SqlError } from "@effect/sql/SqlError"
import { Config, Effect, Layer, Option, Redacted } from "effect"
import * as PgliteClient from "./PgliteClient.js"
import { ensureAuditPartitions } from "./audit-partitions.js"
import { DatabaseConfigError, type DatabaseStartupError, MigrationFailed, causeMessage } from "./errors.js"
import { appRole, assertRowLevelSecurity } from "./guard.js"
import { migrate } from "./migrator.js"
import * as Postgres from "./postgres.js"

/**
 * The database the application runs on, ready to use: migrated, audit partitions in place, every
 * connection defaulting to the app role, and the row-level-security check passed. Which database
 * is chosen by configuration: `DATABASE_URL` → Postgres, otherwise embedded PGlite.
 */

/** Where the data lives, read from the environment. */
export const DatabaseConfig = Config.all({
  /** A Postgres URL; unset or blank selects PGlite. */
  url: Config.option(Config.redacted("DATABASE_URL")),
  /** PGlite's data directory when no URL is set. */
  dataDir: Config.string("LOOPCTL_DATA_DIR").pipe(Config.withDefault(".loopctl/data")),
})

/** What runs first, as the connection user: migrations, then this month's audit partitions. */
const prepareSchema: Effect.Effect<void, MigrationFailed, SqlClient.SqlClient> = Effect.gen(function* () {
  const sql = yield* SqlClient.SqlClient
  yield* migrate()
  yield* sql
    .withTransaction(Effect.zipRight(sql`SELECT set_config('role', 'none', true)`, ensureAuditPartitions()))
    .pipe(
      Effect.mapError(
        (error: SqlError) =>
          new MigrationFailed({
            message: `cannot create the audit partitions: ${causeMessage(error.cause ?? error)}`,
          }),
      ),
    )
})

/**
 * Embedded PGlite in `dataDir` (or `memory://`). PGlite is one session whose user is a superuser,
 * so after migrating, the session switches to the app role for good; the owner path switches back
 * per transaction.
 */
export const pgliteDatabase = (
  options: PgliteClient.PgliteOptions,
): Layer.Layer<SqlClient.SqlClient | PgliteClient.Pglite, DatabaseStartupError> =>
  Layer.effectDiscard(
    Effect.gen(function* () {
      const sql = yield* SqlClient.SqlClient
      yield* prepareSchema
      yield* sql`SET ROLE ${sql(appRole)}`.pipe(
        Effect.mapError(
          (error) =>
            new DatabaseConfigError({
              message: `cannot switch the embedded database to role ${appRole}: ${causeMessage(error.cause ?? error)}`,
            }),
        ),
      )
      yield* assertRowLevelSecurity()
    }),
  ).pipe(Layer.provideMerge(PgliteClient.layer(options)))

/**
 * Real Postgres at `url`. Migrations run first over a short-lived connection as the URL's user;
 * then the application's pool opens with every connection starting as the app role, which fails
 * with a clear message if that user may not take the role.
 */
export const postgresDatabase = (
  options: Omit<Postgres.PostgresOptions, "role">,
): Layer.Layer<SqlClient.SqlClient, DatabaseStartupError> =>
  Layer.unwrapEffect(
    Effect.as(
      Effect.provide(prepareSchema, Postgres.layer({ ...options, maxConnections: 1 })),
      Layer.effectDiscard(assertRowLevelSecurity()).pipe(
        Layer.provideMerge(Postgres.layer({ ...options, role: appRole })),
      ),
    ),
  )

const configError = (error: unknown) =>
  new DatabaseConfigError({ message: `cannot read the database configuration: ${causeMessage(error)}` })

/**
 * The database chosen by {@link DatabaseConfig}: Postgres when `DATABASE_URL` is set (and not
 * blank), else PGlite in `LOOPCTL_DATA_DIR` (default `.loopctl/data`).
 */
export const DatabaseLive: Layer.Layer<SqlClient.SqlClient, DatabaseStartupError> = Layer.unwrapEffect(
  Effect.map(
    Effect.mapError(DatabaseConfig, configError),
    ({ url, dataDir }): Layer.Layer<SqlClient.SqlClient, DatabaseStartupError> =>
      Option.match(
        Option.filter(url, (value) => Redacted.value(value).trim() !== ""),
        {
          onNone: () => pgliteDatabase({ dataDir }),
          onSome: (value) => postgresDatabase({ url: value }),
        },
      ),
  ),
)

/** A one-line description of a start-up failure, for a bin to print before exiting. */
export const describeStartupError = (error: DatabaseStartupError): string =>
  `database not ready: ${error.message}`
