import { randomUUID } from "node:crypto"
import { mkdtemp, rm, writeFile } from "node:fs/promises"
import { tmpdir } from "node:os"
import { join } from "node:path"
import * as SqlClient from "@effect/sql/SqlClient"
import { describe, expect, it } from "@effect/vitest"
import { ConfigProvider, Effect, Layer, Redacted } from "effect"
import {
  DatabaseAccess,
  DatabaseLive,
  PgliteClient,
  Postgres,
  UnitOfWorkLive,
  appRole,
  assertRowLevelSecurity,
  migrate,
  pgliteDatabase,
} from "../src/index.js"
import { databaseUrl, freshDatabase, onServer, postgresTitle, uniqueName, withUser } from "./support.js"

/** Builds `layer` under the given environment and returns the failure it stops with. */
const startupFailure = <A, E>(layer: Layer.Layer<A, E>, env: ReadonlyArray<readonly [string, string]>) =>
  Effect.scoped(Layer.build(layer)).pipe(
    Effect.flip,
    Effect.withConfigProvider(ConfigProvider.fromMap(new Map(env))),
  )

const currentRole = Effect.flatMap(SqlClient.SqlClient, (sql) =>
  Effect.map(sql<{ readonly role: string }>`SELECT current_user AS role`, (rows) => rows[0]?.role),
)

describe("start-up errors that need no database", () => {
  it.live("a malformed DATABASE_URL gives a one-line config error that names the fix", () =>
    Effect.gen(function* () {
      const error = yield* startupFailure(DatabaseLive, [["DATABASE_URL", "not a url"]])
      expect(error._tag).toBe("DatabaseConfigError")
      expect(error.message).toBe(
        "DATABASE_URL is not a valid Postgres URL (it does not parse as a URL); expected postgres://user:password@host:5432/database",
      )
      const scheme = yield* startupFailure(DatabaseLive, [
        ["DATABASE_URL", "mysql://app:s3cret@db.example/app"],
      ])
      expect(scheme._tag).toBe("DatabaseConfigError")
      expect(scheme.message).toContain('the scheme is "mysql", not postgres')
      expect(scheme.message).not.toContain("s3cret")
    }),
  )

  it.live("an unreachable server gives a one-line error saying what to check", () =>
    Effect.gen(function* () {
      const error = yield* startupFailure(DatabaseLive, [
        ["DATABASE_URL", "postgres://loopctl:s3cret@127.0.0.1:1/loopctl"],
      ])
      expect(error._tag).toBe("DatabaseUnavailable")
      expect(error.message).toMatch(
        /^cannot connect to Postgres at loopctl@127\.0\.0\.1:1\/loopctl \(.*ECONNREFUSED.*\); check that the server is running/,
      )
      expect(error.message).not.toContain("s3cret")
      expect(error.message).not.toContain("\n")
    }),
  )

  it.live("on PGlite, a session that would query as the superuser is refused", () =>
    Effect.gen(function* () {
      const error = yield* Effect.gen(function* () {
        yield* migrate()
        return yield* assertRowLevelSecurity()
      }).pipe(Effect.provide(PgliteClient.layer({ dataDir: "memory://" })), Effect.flip)
      expect(error._tag).toBe("UnsafeDatabaseRole")
      expect(error.message).toContain('queries would run as role "postgres", which has SUPERUSER')
      expect(error.message).toContain(`grant ${appRole} to the connection user`)
    }),
  )

  it.live(
    "without DATABASE_URL the data lives in PGlite under LOOPCTL_DATA_DIR and survives a restart",
    () =>
      Effect.gen(function* () {
        const root = yield* Effect.acquireRelease(
          Effect.promise(() => mkdtemp(join(tmpdir(), "loopctl-pglite-"))),
          (dir) => Effect.promise(() => rm(dir, { recursive: true, force: true })),
        )
        const dataDir = join(root, "nested", "data")
        const tenant = randomUUID()
        const env = ConfigProvider.fromMap(new Map([["LOOPCTL_DATA_DIR", dataDir]]))
        const withStore = <A, E>(effect: Effect.Effect<A, E, SqlClient.SqlClient | DatabaseAccess>) =>
          effect.pipe(
            Effect.provide(UnitOfWorkLive.pipe(Layer.provideMerge(DatabaseLive))),
            Effect.withConfigProvider(env),
          )
        const first = yield* withStore(
          Effect.gen(function* () {
            const sql = yield* SqlClient.SqlClient
            const access = yield* DatabaseAccess
            yield* access.asOwner(
              sql`INSERT INTO tenants (id, name, slug, email, status, inserted_at, updated_at)
                  VALUES (${tenant}, 'Kept', 'kept', 'kept@example.org', 'active', now(), now())`,
            )
            return yield* currentRole
          }),
        )
        expect(first).toBe(appRole)
        const second = yield* withStore(
          Effect.gen(function* () {
            const sql = yield* SqlClient.SqlClient
            const access = yield* DatabaseAccess
            return {
              migrations: yield* access.asOwner(migrate()),
              tenants: yield* access.asOwner(sql`SELECT slug FROM tenants WHERE id = ${tenant}`),
            }
          }),
        )
        expect(second.migrations.applied).toEqual([])
        expect(second.tenants).toEqual([{ slug: "kept" }])
      }).pipe(Effect.scoped),
    120_000,
  )

  it.live("an unusable data directory gives a one-line error naming LOOPCTL_DATA_DIR", () =>
    Effect.gen(function* () {
      const root = yield* Effect.acquireRelease(
        Effect.promise(() => mkdtemp(join(tmpdir(), "loopctl-pglite-"))),
        (dir) => Effect.promise(() => rm(dir, { recursive: true, force: true })),
      )
      // A regular file where a directory should be.
      const file = join(root, "not-a-directory")
      yield* Effect.promise(() => writeFile(file, "x"))
      const dataDir = join(file, "data")
      const error = yield* Effect.scoped(Layer.build(pgliteDatabase({ dataDir }))).pipe(Effect.flip)
      expect(error._tag).toBe("DatabaseUnavailable")
      expect(error.message).toContain(`cannot open the embedded database in ${dataDir}`)
      expect(error.message).toContain("Check LOOPCTL_DATA_DIR")
      expect(error.message).not.toContain("\n")
    }).pipe(Effect.scoped),
  )
})

describe.skipIf(databaseUrl === undefined)(postgresTitle("start-up on Postgres"), () => {
  const server = databaseUrl ?? ""
  const client = (url: string, role?: string) =>
    Postgres.layer({ url: Redacted.make(url), maxConnections: 2, ...(role === undefined ? {} : { role }) })
  /** A fresh database with the migrations applied. */
  const migrated = Effect.tap(freshDatabase(server), (url) => Effect.provide(migrate(), client(url)))
  it.live("DATABASE_URL selects Postgres, and its queries run as the app role", () =>
    Effect.gen(function* () {
      const url = yield* freshDatabase(server)
      const role = yield* currentRole.pipe(
        Effect.provide(DatabaseLive),
        Effect.withConfigProvider(ConfigProvider.fromMap(new Map([["DATABASE_URL", url]]))),
      )
      expect(role).toBe(appRole)
    }).pipe(Effect.scoped),
  )

  it.live("queries that would run as a BYPASSRLS role are refused with the fix", () =>
    Effect.gen(function* () {
      const url = yield* migrated
      const name = uniqueName("loopctl_test_bypass")
      yield* Effect.acquireRelease(
        Effect.orDie(onServer(server, `CREATE ROLE ${name} NOLOGIN BYPASSRLS`)),
        () => Effect.orDie(onServer(server, `DROP ROLE IF EXISTS ${name}`)),
      )
      const asApp = yield* assertRowLevelSecurity().pipe(Effect.provide(client(url, name)), Effect.flip)
      expect(asApp._tag).toBe("UnsafeDatabaseRole")
      expect(asApp.message).toBe(
        `queries would run as role "${name}", which has BYPASSRLS and so bypasses row-level security; connect as a non-superuser role, or grant ${appRole} to the connection user so loopctl can switch to it`,
      )
      // The same role configured as the app role: the message says how to repair the role.
      const asConfigured = yield* assertRowLevelSecurity(name).pipe(
        Effect.provide(client(url, name)),
        Effect.flip,
      )
      expect(asConfigured.message).toBe(
        `role ${name} has BYPASSRLS, which switches row-level security off; as an administrator run ALTER ROLE ${name} NOSUPERUSER NOBYPASSRLS`,
      )
    }).pipe(Effect.scoped),
  )

  it.live("queries that would run as the superuser connection user are refused", () =>
    Effect.gen(function* () {
      const url = yield* migrated
      const error = yield* assertRowLevelSecurity().pipe(Effect.provide(client(url)), Effect.flip)
      expect(error._tag).toBe("UnsafeDatabaseRole")
      expect(error.message).toMatch(/^queries would run as role "[^"]+", which has SUPERUSER/)
    }).pipe(Effect.scoped),
  )

  it.live("a connection user that may not switch to the app role is told what to grant", () =>
    Effect.gen(function* () {
      const url = yield* migrated
      const user = uniqueName("loopctl_test_login")
      yield* Effect.acquireRelease(Effect.orDie(onServer(server, `CREATE ROLE ${user} LOGIN`)), () =>
        Effect.orDie(onServer(server, `DROP ROLE IF EXISTS ${user}`)),
      )
      const error = yield* Effect.scoped(Layer.build(client(withUser(url, user), appRole))).pipe(Effect.flip)
      expect(error._tag).toBe("UnsafeDatabaseRole")
      expect(error.message).toContain(`the database user "${user}" may not switch to role ${appRole}`)
      expect(error.message).toContain(`GRANT ${appRole} TO "${user}"`)
    }).pipe(Effect.scoped),
  )

  it.live("processes migrating one database at once each apply every migration exactly once", () =>
    Effect.gen(function* () {
      const url = yield* freshDatabase(server)
      const reports = yield* Effect.all(
        Array.from({ length: 4 }, () => Effect.provide(migrate(), client(url))),
        { concurrency: "unbounded" },
      )
      const applied = reports.flatMap((report) => report.applied)
      expect(applied.length).toBe(new Set(applied).size)
      expect(
        reports.every((report) => report.applied.length + report.alreadyApplied.length === applied.length),
      ).toBe(true)
      expect(applied.length).toBeGreaterThanOrEqual(5)
    }).pipe(Effect.scoped),
  )
})
