import * as SqlClient from "@effect/sql/SqlClient"
import type { Connection } from "@effect/sql/SqlConnection"
import { SqlError } from "@effect/sql/SqlError"
import { type TenantId, Unavailable, UnitOfWork } from "@loopctl/core"
import { Cause, Chunk, Context, Effect, Scope as EffectScope, FiberRef, Layer, Option } from "effect"
import { appRole } from "./guard.js"
import { isConnectionLost, isTransactionConflict } from "./sql-errors.js"
import { BatchingConnection, lastStatementRows } from "./statement-batching.js"

/**
 * Transactions and the database scope they run in.
 *
 * - `UnitOfWork.transact(tenant, work)`: one transaction that first sets `app.tenant_id` and
 *   switches to the app role (both transaction-local), so every statement of `work` sees only
 *   `tenant`'s rows whatever its WHERE clause says. Nested calls for the same tenant join it.
 * - `DatabaseAccess.asOwner(work)` (also the port's `transactPlatform`): one transaction as the
 *   connection user, with no tenant — the explicit path for migrations, creating tenants,
 *   superadmin reads and cross-tenant jobs (outbox dispatch, partition upkeep). Nothing reaches
 *   it by accident: the connections' default role is the app role, so a query outside every
 *   scope sees no tenant rows at all.
 * - `DatabaseAccess.asApiKeyLookup(hash, work)`: one transaction as the app role with no tenant,
 *   in which the api_keys row with that hash (and only it) is readable, and with it its tenant
 *   row and its agent row — authentication. The transaction does not wait for its commit to be
 *   flushed (`synchronous_commit = off`): the only writes it makes are best-effort use times.
 *   `DatabaseAccess.apiKeyLookupStatement(hash, statement)` is the same scope for one statement,
 *   sent with its settings as one simple query (an implicit transaction): one round trip. Its
 *   rate counts are written without waiting for the flush too: a crash loses at most the last
 *   few counts of a minute's window.
 *
 * The settings are made in one statement (`set_config('role', ...)` is what `SET LOCAL ROLE`
 * does, with the same membership check), sent with BEGIN as one simple query, so entering a scope
 * costs no round trip of its own: a transaction is BEGIN-and-scope, its statements, COMMIT.
 * Database failures of the scope itself (BEGIN, COMMIT, the settings) are defects: the port's
 * signature has no error channel for them.
 *
 * A transaction the server aborts because of concurrent ones (a deadlock's victim, a
 * serialization failure) is run again from its start, up to `maxAttempts` times in all, here and
 * only here, so every use case gets it. Nothing of an aborted attempt survives it — its rows,
 * audit entries and outbox events were in the rolled-back transaction. When every attempt is
 * aborted, the unit of work dies with the core's `Unavailable` (a 503 at the HTTP edge).
 *
 * A database that cannot be reached, or that drops the connection midway, is `Unavailable` too:
 * the request did nothing wrong and may be sent again once the database is back. It is not
 * retried here; the pool connects afresh for the next request.
 */

/** The explicit ways into the database that are not one tenant's unit of work. */
export class DatabaseAccess extends Context.Tag("@loopctl/adapters-pg/DatabaseAccess")<
  DatabaseAccess,
  {
    /** Runs `work` in a transaction as the connection user (the tables' owner), with no tenant set. */
    readonly asOwner: <A, E, R>(work: Effect.Effect<A, E, R>) => Effect.Effect<A, E, R>
    /** Runs `work` in a transaction as the app role that can read only the API key with `keyHash`. */
    readonly asApiKeyLookup: <A, E, R>(
      keyHash: string,
      work: Effect.Effect<A, E, R>,
    ) => Effect.Effect<A, E, R>
    /**
     * Runs one `statement` (no parameters: its values written with {@link sqlLiteral}) as the app
     * role that can read only the API key with `keyHash`, in ONE round trip: the scope's settings
     * and the statement go as one simple query, an implicit transaction without BEGIN or COMMIT
     * (transaction-local settings last until its end). The statement's rows.
     */
    readonly apiKeyLookupStatement: (
      keyHash: string,
      statement: string,
    ) => Effect.Effect<ReadonlyArray<Readonly<Record<string, unknown>>>>
    /**
     * Runs `work` in the current scope when there is one, else on the owner path: for the few
     * global rows (tenants) that are read both inside a tenant's unit of work and outside any.
     */
    readonly ownerIfUnscoped: <A, E, R>(work: Effect.Effect<A, E, R>) => Effect.Effect<A, E, R>
  }
>() {}

/** Which scope the current fiber's statements run in. */
type Scope =
  | { readonly _tag: "None" }
  | { readonly _tag: "Tenant"; readonly tenant: TenantId }
  | { readonly _tag: "Owner" }
  | { readonly _tag: "ApiKeyLookup" }

const none: Scope = { _tag: "None" }
const owner: Scope = { _tag: "Owner" }
const apiKeyLookup: Scope = { _tag: "ApiKeyLookup" }

/** Carries a failure of the work through the transaction, apart from the transaction's own SqlError. */
class WorkFailed<E> {
  constructor(readonly error: E) {}
}

/** How many times one transaction runs at most while the server keeps aborting it for conflicts. */
const maxAttempts = 5

/** Whether a failed attempt was aborted by the server for a deadlock or a serialization failure. */
const abortedByConflict = (cause: Cause.Cause<unknown>): boolean =>
  Chunk.some(Cause.defects(cause), (defect) => defect instanceof SqlError && isTransactionConflict(defect))

/** Whether a failed attempt lost its database: unreachable, or the connection dropped. */
const lostDatabase = (cause: Cause.Cause<unknown>): boolean =>
  Chunk.some(Cause.defects(cause), (defect) => defect instanceof SqlError && isConnectionLost(defect))

const databaseUnavailable = new Unavailable({
  message: "The database is unavailable. Retry the request later.",
})

/**
 * Runs `transaction` again while the server aborts it for a conflict with concurrent
 * transactions; a lost database ends it with `Unavailable`. No pause is needed: the server resolves the deadlock by aborting this attempt,
 * so the next one simply queues behind the winner's locks.
 */
const retryingConflicts = <A, E, R>(transaction: Effect.Effect<A, E, R>): Effect.Effect<A, E, R> => {
  const attempt = (number: number): Effect.Effect<A, E, R> =>
    Effect.catchSomeCause(transaction, (cause) => {
      if (lostDatabase(cause))
        return Option.some(
          Effect.zipRight(
            Effect.logWarning("the database is unreachable or dropped the connection", cause),
            Effect.die(databaseUnavailable),
          ),
        )
      if (!abortedByConflict(cause)) return Option.none()
      if (number >= maxAttempts)
        return Option.some(
          Effect.die(
            new Unavailable({
              message: "The request kept conflicting with concurrent requests and was not applied. Retry it.",
            }),
          ),
        )
      return Option.some(
        Effect.zipRight(
          Effect.logWarning(
            "transaction aborted by a deadlock or serialization failure; running it again",
          ).pipe(Effect.annotateLogs({ attempt: number + 1, of: maxAttempts })),
          attempt(number + 1),
        ),
      )
    })
  return attempt(1)
}

/**
 * A SQL string literal for the simple-query protocol, which has no parameters: backslashes and
 * quotes doubled in the `E''` form, so the text means the same whatever
 * `standard_conforming_strings` says. Only the scope's own values (uuids, a key hash, role names)
 * are written this way.
 */
export const sqlLiteral = (text: string): string =>
  text.includes("\\")
    ? ` E'${text.replaceAll("\\", "\\\\").replaceAll("'", "''")}'`
    : `'${text.replaceAll("'", "''")}'`

/**
 * `use` on the transaction's connection, which this module acquired as a batching one (the
 * transaction tag only types it as a plain connection).
 */
const batching = <A>(
  connection: Connection,
  use: (connection: BatchingConnection) => Effect.Effect<A, SqlError>,
): Effect.Effect<A, SqlError> =>
  connection instanceof BatchingConnection
    ? use(connection)
    : Effect.dieMessage("a loopctl transaction runs on a connection it did not acquire")

const make = Effect.gen(function* () {
  const sql = yield* SqlClient.SqlClient
  const current = yield* FiberRef.make<Scope>(none)
  /** The BEGIN (with the scope's settings) of the transaction being entered. */
  const beginning = yield* FiberRef.make("BEGIN")

  /**
   * `@effect/sql`'s transaction over a {@link BatchingConnection}: the BEGIN with the scope's
   * settings rides on the first statement, held writes on the next statement or the COMMIT.
   * Nested calls become savepoints as in `sql.withTransaction`. Built once: the settings of each
   * transaction are given to its connection at BEGIN.
   */
  const transactionEntering = SqlClient.makeWithTransaction({
    transactionTag: SqlClient.TransactionConnection,
    spanAttributes: [],
    acquireConnection: Effect.flatMap(EffectScope.make(), (scope) =>
      Effect.map(
        EffectScope.extend(sql.reserve, scope),
        (connection) => [scope, new BatchingConnection(connection)] as const,
      ),
    ),
    begin: (connection) =>
      Effect.flatMap(FiberRef.get(beginning), (begin) => batching(connection, (c) => c.begin(begin))),
    savepoint: (connection, id) => batching(connection, (c) => c.savepoint(`loopctl_${id}`)),
    commit: (connection) => batching(connection, (c) => c.commit()),
    rollback: (connection) => batching(connection, (c) => c.rollback()),
    rollbackSavepoint: (connection, id) => batching(connection, (c) => c.rollbackSavepoint(`loopctl_${id}`)),
  })

  /**
   * Runs `work` in a new transaction that begins with the statement `settings` (again, when the
   * server aborts it for a conflict); a database failure of the scope is a defect.
   */
  const inTransaction = <A, E, R>(settings: string, scope: Scope, work: Effect.Effect<A, E, R>) =>
    retryingConflicts(
      Effect.locally(
        transactionEntering(
          Effect.locally(
            Effect.mapError(work, (error) => new WorkFailed(error)),
            current,
            scope,
          ),
        ),
        beginning,
        `BEGIN; ${settings}`,
      ).pipe(
        Effect.catchAll((failure) =>
          failure instanceof WorkFailed ? Effect.fail(failure.error) : Effect.die(failure),
        ),
      ),
    )

  const tenantSettings = (tenant: TenantId) =>
    `SELECT set_config('app.tenant_id', ${sqlLiteral(tenant)}, true), set_config('role', ${sqlLiteral(appRole)}, true)`
  const enterTenant = (tenant: TenantId) => sql.unsafe(tenantSettings(tenant))
  const leaveTenant = sql`SELECT set_config('app.tenant_id', '', true), set_config('role', 'none', true)`

  const transact = <A, E, R>(tenant: TenantId, work: Effect.Effect<A, E, R>): Effect.Effect<A, E, R> =>
    Effect.flatMap(FiberRef.get(current), (scope): Effect.Effect<A, E, R> => {
      switch (scope._tag) {
        case "None":
          return inTransaction(tenantSettings(tenant), { _tag: "Tenant", tenant }, work)
        case "Tenant":
          return scope.tenant === tenant
            ? work
            : Effect.dieMessage(
                `unit of work for tenant ${tenant} nested in the unit of work of tenant ${scope.tenant}`,
              )
        case "Owner":
          // Inside the owner's transaction (e.g. signup creating a tenant and its first key), the
          // tenant's work runs scoped and the owner's scope is restored afterwards. If the work
          // failed in SQL the transaction is aborted anyway, so a failed restore changes nothing.
          return Effect.ensuring(
            Effect.zipRight(
              Effect.orDie(enterTenant(tenant)),
              Effect.locally(work, current, { _tag: "Tenant", tenant }),
            ),
            Effect.ignore(leaveTenant),
          )
        case "ApiKeyLookup":
          return Effect.dieMessage("unit of work nested in an API key lookup")
      }
    })

  const asOwner = <A, E, R>(work: Effect.Effect<A, E, R>): Effect.Effect<A, E, R> =>
    Effect.flatMap(FiberRef.get(current), (scope): Effect.Effect<A, E, R> => {
      switch (scope._tag) {
        case "None":
          return inTransaction("SELECT set_config('role', 'none', true)", owner, work)
        case "Owner":
          return work
        case "Tenant":
        case "ApiKeyLookup":
          // Widening a tenant's scope midway would hand its work every tenant's rows.
          return Effect.dieMessage(`the owner path cannot be entered from a ${scope._tag} scope`)
      }
    })

  const apiKeyLookupSettings = (keyHash: string) =>
    `SELECT set_config('app.api_key_hash', ${sqlLiteral(keyHash)}, true), set_config('role', ${sqlLiteral(appRole)}, true), set_config('synchronous_commit', 'off', true)`

  const asApiKeyLookup = <A, E, R>(keyHash: string, work: Effect.Effect<A, E, R>): Effect.Effect<A, E, R> =>
    Effect.flatMap(
      FiberRef.get(current),
      (scope): Effect.Effect<A, E, R> =>
        scope._tag === "None"
          ? inTransaction(apiKeyLookupSettings(keyHash), apiKeyLookup, work)
          : Effect.dieMessage(`an API key lookup cannot run inside a ${scope._tag} scope`),
    )

  const apiKeyLookupStatement = (keyHash: string, statement: string) =>
    Effect.flatMap(FiberRef.get(current), (scope) =>
      scope._tag === "None"
        ? retryingConflicts(
            Effect.orDie(
              Effect.map(
                sql.unsafe(`${apiKeyLookupSettings(keyHash)}; ${statement}`).unprepared,
                lastStatementRows,
              ),
            ),
          )
        : Effect.dieMessage(`an API key lookup cannot run inside a ${scope._tag} scope`),
    )

  const ownerIfUnscoped = <A, E, R>(work: Effect.Effect<A, E, R>): Effect.Effect<A, E, R> =>
    Effect.flatMap(FiberRef.get(current), (scope) => (scope._tag === "None" ? asOwner(work) : work))

  return Context.make(UnitOfWork, UnitOfWork.of({ transact, transactPlatform: asOwner })).pipe(
    Context.add(
      DatabaseAccess,
      DatabaseAccess.of({ asOwner, asApiKeyLookup, apiKeyLookupStatement, ownerIfUnscoped }),
    ),
  )
})

/** The UnitOfWork port and the explicit owner/lookup paths, over the SqlClient in context. */
export const UnitOfWorkLive: Layer.Layer<UnitOfWork | DatabaseAccess, never, SqlClient.SqlClient> =
  Layer.scopedContext(make)
