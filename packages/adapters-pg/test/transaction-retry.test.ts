import { randomUUID } from "node:crypto"
import * as SqlClient from "@effect/sql/SqlClient"
import { SqlError } from "@effect/sql/SqlError"
import { type Vitest, describe, expect, layer } from "@effect/vitest"
import { TenantId, Unavailable, UnitOfWork } from "@loopctl/core"
import { Cause, Deferred, Effect, Exit, Option, Ref } from "effect"
import { DatabaseAccess, appRole } from "../src/index.js"
import {
  type BackendServices,
  databaseUrl,
  pgliteBackend,
  postgresBackend,
  postgresTitle,
} from "./support.js"

/**
 * The unit of work runs a transaction again when the server aborts it for a conflict with
 * concurrent ones (SQLSTATE 40P01, a deadlock's victim; 40001, a serialization failure), and
 * keeps nothing of the aborted attempt. Probes write rows of a scratch table on each attempt, so
 * what survives shows which attempts committed. Aborts are raised on purpose on both backends;
 * on Postgres two transactions also deadlock for real, round after round.
 */

const probeTable = "transaction_retry_probe"

/** The scratch table, writable by the app role (it holds no tenant data, so it has no policy). */
const createProbe = Effect.gen(function* () {
  const sql = yield* SqlClient.SqlClient
  yield* (yield* DatabaseAccess).asOwner(
    Effect.all([
      sql.unsafe(
        `CREATE TABLE IF NOT EXISTS ${probeTable} (run text NOT NULL, attempt int NOT NULL, label text)`,
      ),
      sql.unsafe(`CREATE TABLE IF NOT EXISTS ${probeTable}_rows (id int PRIMARY KEY, n int NOT NULL)`),
      sql.unsafe(`GRANT SELECT, INSERT, UPDATE ON ${probeTable}, ${probeTable}_rows TO ${appRole}`),
    ]),
  )
}).pipe(Effect.orDie)

/** Fails the current statement with `sqlstate`, as the server does when it aborts a transaction. */
const raise = (sqlstate: string) =>
  Effect.flatMap(SqlClient.SqlClient, (sql) =>
    sql.unsafe(`DO $$ BEGIN RAISE EXCEPTION 'probe abort' USING ERRCODE = '${sqlstate}'; END $$`),
  )

const insertProbe = (run: string, attempt: number, label = "") =>
  Effect.flatMap(
    SqlClient.SqlClient,
    (sql) =>
      sql`INSERT INTO transaction_retry_probe (run, attempt, label) VALUES (${run}, ${attempt}, ${label})`,
  )

/** The rows a run left, as `attempt:label`, read on the owner path. */
const survivors = (run: string) =>
  Effect.gen(function* () {
    const sql = yield* SqlClient.SqlClient
    const rows = yield* (yield* DatabaseAccess).asOwner(
      sql<{ readonly attempt: number; readonly label: string }>`
        SELECT attempt, label FROM transaction_retry_probe WHERE run = ${run} ORDER BY attempt, label`,
    )
    return rows.map((row) => `${row.attempt}:${row.label}`)
  }).pipe(Effect.orDie)

/**
 * A unit of work of one tenant that counts its attempts, writes a probe row on each and then
 * raises `sqlstateOf(attempt)` (if any). Answers the run's id, the counter and the exit.
 */
const probeRun = (sqlstateOf: (attempt: number) => string | undefined) =>
  Effect.gen(function* () {
    const uow = yield* UnitOfWork
    const run = randomUUID()
    const attempts = yield* Ref.make(0)
    const exit = yield* Effect.exit(
      uow.transact(
        TenantId.make(randomUUID()),
        Effect.gen(function* () {
          const attempt = yield* Ref.updateAndGet(attempts, (n) => n + 1)
          yield* Effect.orDie(insertProbe(run, attempt))
          const sqlstate = sqlstateOf(attempt)
          if (sqlstate !== undefined) yield* Effect.orDie(raise(sqlstate))
          return attempt
        }),
      ),
    )
    return { run, attempts: yield* Ref.get(attempts), exit }
  })

const defectOf = <A, E>(exit: Exit.Exit<A, E>): unknown =>
  Exit.isFailure(exit) ? Option.getOrUndefined(Cause.dieOption(exit.cause)) : undefined

const retrySuite = (it: Vitest.MethodsNonLive<BackendServices>) => {
  it.effect("a transaction aborted by a serialization failure runs again; only the last attempt stays", () =>
    Effect.gen(function* () {
      yield* createProbe
      for (const sqlstate of ["40001", "40P01"]) {
        const { run, attempts, exit } = yield* probeRun((attempt) => (attempt < 3 ? sqlstate : undefined))
        expect(Exit.isSuccess(exit), `${sqlstate}: ${String(defectOf(exit))}`).toBe(true)
        expect(attempts).toBe(3)
        expect(yield* survivors(run)).toEqual(["3:"])
      }
    }),
  )

  it.effect("a transaction aborted on every attempt dies with Unavailable and keeps nothing", () =>
    Effect.gen(function* () {
      yield* createProbe
      const { run, attempts, exit } = yield* probeRun(() => "40001")
      expect(attempts).toBe(5)
      const defect = defectOf(exit)
      expect(defect).toBeInstanceOf(Unavailable)
      expect(defect).toMatchObject({
        message: "The request kept conflicting with concurrent requests and was not applied. Retry it.",
      })
      expect(yield* survivors(run)).toEqual([])
    }),
  )

  it.effect("other database failures are not run again", () =>
    Effect.gen(function* () {
      yield* createProbe
      // 23505: a unique violation; P0001: a plain raised exception.
      for (const sqlstate of ["23505", "P0001"]) {
        const { run, attempts, exit } = yield* probeRun(() => sqlstate)
        expect(attempts).toBe(1)
        expect(defectOf(exit)).toBeInstanceOf(SqlError)
        expect(yield* survivors(run)).toEqual([])
      }
    }),
  )
}

layer(pgliteBackend, { timeout: 60_000 })("retried transactions on PGlite", retrySuite)

describe.skipIf(databaseUrl === undefined)(postgresTitle("retried transactions on Postgres"), () => {
  if (databaseUrl === undefined) return
  layer(postgresBackend(databaseUrl), { timeout: 120_000 })("Postgres", (it) => {
    retrySuite(it)

    it.effect("two transactions that deadlock both commit, each exactly once (10 rounds)", () =>
      Effect.gen(function* () {
        yield* createProbe
        const sql = yield* SqlClient.SqlClient
        const owner = yield* DatabaseAccess
        yield* owner.asOwner(
          sql.unsafe(
            `INSERT INTO ${probeTable}_rows (id, n) VALUES (1, 0), (2, 0) ON CONFLICT (id) DO NOTHING`,
          ),
        )
        const bump = (id: number) => sql`UPDATE transaction_retry_probe_rows SET n = n + 1 WHERE id = ${id}`
        for (let round = 0; round < 10; round++) {
          const run = randomUUID()
          const attempts = yield* Ref.make(0)
          // Each holds its first row before either asks for its second: a deadlock, every round.
          const heldA = yield* Deferred.make<void>()
          const heldB = yield* Deferred.make<void>()
          const transaction = (
            label: string,
            [mine, theirs]: readonly [Deferred.Deferred<void>, Deferred.Deferred<void>],
            [firstRow, secondRow]: readonly [number, number],
          ) =>
            // The owner path, so that the server may be told to look for deadlocks sooner than
            // its default second (the tenants' path runs the same retrying transaction).
            owner.asOwner(
              Effect.orDie(
                Effect.gen(function* () {
                  const attempt = yield* Ref.updateAndGet(attempts, (n) => n + 1)
                  yield* sql`SET LOCAL deadlock_timeout = '20ms'`
                  yield* bump(firstRow)
                  yield* Deferred.succeed(mine, undefined)
                  yield* Deferred.await(theirs)
                  yield* bump(secondRow)
                  yield* insertProbe(run, attempt, label)
                }),
              ),
            )
          const exits = yield* Effect.all(
            [
              Effect.exit(transaction("a", [heldA, heldB], [1, 2])),
              Effect.exit(transaction("b", [heldB, heldA], [2, 1])),
            ],
            { concurrency: "unbounded" },
          )
          expect(exits.map((exit) => (Exit.isSuccess(exit) ? "committed" : String(defectOf(exit))))).toEqual([
            "committed",
            "committed",
          ])
          // The victim ran twice; its first attempt left nothing.
          expect(yield* Ref.get(attempts)).toBe(3)
          expect((yield* survivors(run)).map((row) => row.split(":")[1]).sort()).toEqual(["a", "b"])
        }
        const counts = yield* owner.asOwner(
          sql<{ readonly n: number }>`SELECT n FROM transaction_retry_probe_rows ORDER BY id`,
        )
        expect(counts.map((row) => row.n)).toEqual([20, 20])
      }).pipe(Effect.orDie),
    )
  })
})
