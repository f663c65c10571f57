import { createHash } from "node:crypto"
import { readFile, readdir } from "node:fs/promises"
import { fileURLToPath } from "node:url"
import * as SqlClient from "@effect/sql/SqlClient"
import type { SqlError } from "@effect/sql/SqlError"
import { Effect } from "effect"
import { MigrationFailed, causeMessage } from "./errors.js"

/**
 * Applies the package's plain SQL migrations (`migrations/NNNN_name.sql`) in order and records
 * each in `schema_migrations`. The same files serve Postgres 15+ and PGlite.
 *
 * The whole run is one transaction holding a transaction-level advisory lock, so processes that
 * start together apply each migration once: the first takes the lock and migrates, the others wait
 * and then find nothing left to do. A failed migration rolls everything back. The run resets the
 * role for its transaction, so it works as the connection user even on a connection whose
 * default role is the app role.
 */

/** The directory shipped with the package (one level above both `src/` and `dist/`). */
export const migrationsDirectory: string = fileURLToPath(new URL("../migrations/", import.meta.url))

/** One migration file. */
export interface Migration {
  readonly version: string
  readonly name: string
  readonly sql: string
  readonly checksum: string
}

/** What a run did. */
export interface MigrationReport {
  readonly applied: ReadonlyArray<string>
  readonly alreadyApplied: ReadonlyArray<string>
}

const fileName = /^(\d{4})_([a-z0-9_]+)\.sql$/

// Any constant will do as long as nothing else in the database uses it for another purpose.
const migrationLockKey = 7203114015650000

/** Reads the migration files of `directory`, ordered by version. */
export const readMigrations = (directory: string = migrationsDirectory) =>
  Effect.tryPromise({
    try: async () => {
      const files = (await readdir(directory)).filter((file) => fileName.test(file)).sort()
      const migrations: Array<Migration> = []
      for (const file of files) {
        const match = fileName.exec(file)
        if (match === null) continue
        const sql = await readFile(`${directory.replace(/\/$/, "")}/${file}`, "utf8")
        migrations.push({
          version: match[1] ?? file,
          name: file,
          sql,
          checksum: createHash("sha256").update(sql).digest("hex"),
        })
      }
      return migrations
    },
    catch: (cause) =>
      new MigrationFailed({ message: `cannot read the migrations in ${directory}: ${causeMessage(cause)}` }),
  })

const failed = (what: string) => (error: SqlError) =>
  new MigrationFailed({ message: `${what}: ${causeMessage(error.cause ?? error)}` })

/** Applies every migration of `directory` not yet recorded in `schema_migrations`. */
export const migrate = (
  directory: string = migrationsDirectory,
): Effect.Effect<MigrationReport, MigrationFailed, SqlClient.SqlClient> =>
  Effect.gen(function* () {
    const sql = yield* SqlClient.SqlClient
    const migrations = yield* readMigrations(directory)
    const run = Effect.gen(function* () {
      yield* sql`SELECT set_config('role', 'none', true), pg_advisory_xact_lock(${migrationLockKey})`.pipe(
        Effect.mapError(failed("cannot take the migration lock")),
      )
      yield* sql`CREATE TABLE IF NOT EXISTS schema_migrations (
        version text PRIMARY KEY,
        name text NOT NULL,
        checksum text NOT NULL,
        applied_at timestamptz NOT NULL DEFAULT now()
      )`.pipe(Effect.mapError(failed("cannot create schema_migrations")))
      const recorded = yield* sql<{ readonly version: string; readonly checksum: string }>`
        SELECT version, checksum FROM schema_migrations`.pipe(
        Effect.mapError(failed("cannot read schema_migrations")),
      )
      const checksums = new Map(recorded.map((row) => [row.version, row.checksum]))
      const applied: Array<string> = []
      const alreadyApplied: Array<string> = []
      for (const migration of migrations) {
        const checksum = checksums.get(migration.version)
        if (checksum !== undefined) {
          if (checksum !== migration.checksum)
            return yield* new MigrationFailed({
              message: `migration ${migration.name} was changed after it was applied; add a new migration instead of editing an applied one`,
            })
          alreadyApplied.push(migration.name)
          continue
        }
        yield* sql
          .unsafe(migration.sql)
          .unprepared.pipe(Effect.mapError(failed(`migration ${migration.name} failed`)))
        yield* sql`INSERT INTO schema_migrations (version, name, checksum)
          VALUES (${migration.version}, ${migration.name}, ${migration.checksum})`.pipe(
          Effect.mapError(failed(`cannot record migration ${migration.name}`)),
        )
        yield* Effect.logInfo(`applied migration ${migration.name}`)
        applied.push(migration.name)
      }
      return { applied, alreadyApplied }
    })
    return yield* sql
      .withTransaction(run)
      .pipe(
        Effect.catchTag("SqlError", (error) =>
          Effect.fail(failed("the migration transaction failed")(error)),
        ),
      )
  })
