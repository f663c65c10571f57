import { mkdir } from "node:fs/promises"
import { dirname } from "node:path"
import * as Reactivity from "@effect/experimental/Reactivity"
import * as PgClient from "@effect/sql-pg/PgClient"
import * as SqlClient from "@effect/sql/SqlClient"
import type { Connection } from "@effect/sql/SqlConnection"
import { SqlError } from "@effect/sql/SqlError"
import { PGlite } from "@electric-sql/pglite"
import { Context, Effect, Layer, type Scope, Stream } from "effect"
import { lockDataDirectory } from "./data-directory-lock.js"
import { type DataDirectoryInUse, DatabaseUnavailable, causeMessage } from "./errors.js"
import { TypeOid, int8FromPg, timestampFromPg } from "./values.js"

/**
 * An `@effect/sql` client over embedded PGlite, in process (the "Option B" of STACK.md).
 *
 * PGlite is one Postgres session. The client turns that into an explicit lock: a statement outside
 * a transaction takes the lock for itself, a transaction takes it from BEGIN to COMMIT/ROLLBACK, so
 * no statement of another fiber can slip into someone else's transaction or see its session state
 * (`SET LOCAL ROLE`, `app.tenant_id`). Statements compile with `@effect/sql-pg`'s compiler, so
 * queries written for real Postgres run unchanged.
 */

/** Where PGlite keeps its files: a directory, or `memory://` for a database that lives in memory. */
export interface PgliteOptions {
  readonly dataDir: string
}

/** The raw PGlite instance behind the client, for what SQL cannot do (dumps, closing early in tests). */
export class Pglite extends Context.Tag("@loopctl/adapters-pg/Pglite")<Pglite, PGlite>() {}

type Row = Record<string, unknown>

const sqlError = (cause: unknown) =>
  new SqlError({ cause, message: `Failed to execute statement: ${causeMessage(cause)}` })

/** Whether `dataDir` names a directory on disk (not `memory://` or another PGlite scheme). */
const onDisk = (dataDir: string): boolean => !dataDir.includes("://")

/**
 * Postgres settings for the embedded session. initdb writes `shared_buffers = 128MB`, and PGlite
 * touches all of it at start-up: about 130 MB of resident memory and half a second before the
 * first query. One session serving one process needs far less (measured: idle RSS of the bare
 * PGlite instance 306 MB → 173 MB; see bench/footprint.ts); pages beyond it are still read from
 * the data directory through the OS cache.
 */
const embeddedSettings: ReadonlyArray<string> = ["-c", "shared_buffers=16MB"]

const openDatabase = (options: PgliteOptions) =>
  Effect.acquireRelease(
    Effect.tryPromise({
      try: async () => {
        // PGlite creates its directory but not the parents (`.loopctl/` for `.loopctl/data`).
        if (onDisk(options.dataDir)) await mkdir(dirname(options.dataDir), { recursive: true })
        return await PGlite.create(options.dataDir, {
          parsers: { [TypeOid.int8]: int8FromPg, [TypeOid.timestamptz]: timestampFromPg },
          startParams: [...PGlite.defaultStartParams, ...embeddedSettings],
        })
      },
      catch: (cause) =>
        new DatabaseUnavailable({
          message: `cannot open the embedded database in ${options.dataDir}: ${causeMessage(cause)}. Check LOOPCTL_DATA_DIR (a writable directory, created by this version of loopctl) or set DATABASE_URL to use Postgres.`,
        }),
    }),
    (db) => Effect.promise(() => db.close()),
  )

/**
 * Opens PGlite on `dataDir`. A directory on disk is locked for this process first (D31) and
 * unlocked only after the database is closed.
 */
const open = (options: PgliteOptions) =>
  Effect.zipRight(
    onDisk(options.dataDir) ? lockDataDirectory(options.dataDir) : Effect.void,
    openDatabase(options),
  )

/** A connection whose every statement runs under `guard` (the lock, or nothing inside a transaction). */
const connection = (db: PGlite, guard: <A, E>(effect: Effect.Effect<A, E>) => Effect.Effect<A, E>) => {
  const query = (sql: string, params: ReadonlyArray<unknown>) =>
    guard(Effect.tryPromise({ try: () => db.query<Row>(sql, Array.from(params)), catch: sqlError }))
  const rows = (
    sql: string,
    params: ReadonlyArray<unknown>,
    transformRows: (<A extends object>(rows: ReadonlyArray<A>) => ReadonlyArray<A>) | undefined,
  ) =>
    Effect.map(query(sql, params), (result) =>
      transformRows === undefined ? result.rows : transformRows(result.rows),
    )
  const self: Connection = {
    execute: rows,
    executeRaw: query,
    executeStream: (sql, params, transformRows) =>
      Stream.fromIterableEffect(rows(sql, params, transformRows)),
    executeValues: (sql, params) =>
      guard(
        Effect.tryPromise({
          try: () => db.query<Array<unknown>>(sql, Array.from(params), { rowMode: "array" }),
          catch: sqlError,
        }),
      ).pipe(Effect.map((result) => result.rows)),
    // The simple-query protocol runs several statements in one go (migrations, BEGIN/COMMIT);
    // with parameters only the extended protocol can be used.
    executeUnprepared: (sql, params, transformRows) =>
      params.length > 0
        ? rows(sql, params, transformRows)
        : guard(Effect.tryPromise({ try: () => db.exec(sql), catch: sqlError })).pipe(
            Effect.map((results) => {
              const last: ReadonlyArray<Row> = results.at(-1)?.rows ?? []
              return transformRows === undefined ? last : transformRows(last)
            }),
          ),
  }
  return self
}

/** Builds the client over an open PGlite instance (closed with the scope). */
export const make = (
  options: PgliteOptions,
): Effect.Effect<
  { readonly client: SqlClient.SqlClient; readonly db: PGlite },
  DatabaseUnavailable | DataDirectoryInUse,
  Reactivity.Reactivity | Scope.Scope
> =>
  Effect.gen(function* () {
    const db = yield* open(options)
    const lock = yield* Effect.makeSemaphore(1)
    const autoCommit = connection(db, lock.withPermits(1))
    const inTransaction = connection(db, (effect) => effect)
    const client = yield* SqlClient.make({
      acquirer: Effect.succeed(autoCommit),
      transactionAcquirer: Effect.as(
        Effect.acquireRelease(lock.take(1), () => lock.release(1)),
        inTransaction,
      ),
      compiler: PgClient.makeCompiler(),
      spanAttributes: [
        ["db.system.name", "postgresql"],
        ["db.namespace", options.dataDir],
      ],
    })
    return { client, db }
  })

/** The SqlClient (and the raw instance) over PGlite in `dataDir`. */
export const layer = (
  options: PgliteOptions,
): Layer.Layer<SqlClient.SqlClient | Pglite, DatabaseUnavailable | DataDirectoryInUse> =>
  Layer.scopedContext(
    Effect.map(make(options), ({ client, db }) =>
      Context.make(SqlClient.SqlClient, client).pipe(Context.add(Pglite, db)),
    ),
  ).pipe(Layer.provide(Reactivity.layer))
