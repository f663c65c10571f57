import { randomUUID } from "node:crypto"
import * as SqlClient from "@effect/sql/SqlClient"
import { TenantId, type UnitOfWork } from "@loopctl/core"
import { Context, Effect, Layer, Option, Redacted } from "effect"
import { DatabaseAccess, Postgres, UnitOfWorkLive, pgliteDatabase, postgresDatabase } from "../src/index.js"

/** The server the Postgres suites run on (CI sets it); unset → those suites are skipped. */
export const databaseUrl: string | undefined = process.env.DATABASE_URL?.trim() || undefined

/** Why a Postgres suite did not run, for its title. */
export const postgresSkipReason = "skipped: DATABASE_URL is not set (PGlite suites still run)"

/** Which backend a suite runs on, and for Postgres the URL of its private database. */
export class TestDatabase extends Context.Tag("test/TestDatabase")<
  TestDatabase,
  { readonly kind: "pglite" | "postgres"; readonly url: Option.Option<string> }
>() {}

/** A URL naming another database on the same server as `url`. */
export const withDatabase = (url: string, database: string): string => {
  const next = new URL(url)
  next.pathname = `/${database}`
  return next.toString()
}

/** A URL for the same server and database as another user. */
export const withUser = (url: string, user: string): string => {
  const next = new URL(url)
  next.username = user
  next.password = ""
  return next.toString()
}

/** A name no other test run uses. */
export const uniqueName = (prefix: string): string =>
  `${prefix}_${Date.now().toString(36)}_${randomUUID().slice(0, 8)}`

/** Runs `statement` on the server of `url` as its user, on a connection of its own. */
export const onServer = (url: string, statement: string) =>
  Effect.flatMap(SqlClient.SqlClient, (sql) => sql.unsafe(statement)).pipe(
    Effect.provide(Postgres.layer({ url: Redacted.make(url), maxConnections: 1 })),
  )

/**
 * A fresh database on the DATABASE_URL server for one test file, dropped (connections and all)
 * when the scope closes, so parallel runs never share tables.
 */
export const freshDatabase = (serverUrl: string) =>
  Effect.acquireRelease(
    Effect.gen(function* () {
      const name = uniqueName("loopctl_test")
      yield* Effect.orDie(onServer(serverUrl, `CREATE DATABASE ${name}`))
      return withDatabase(serverUrl, name)
    }),
    (url) =>
      Effect.orDie(
        onServer(serverUrl, `DROP DATABASE IF EXISTS ${new URL(url).pathname.slice(1)} WITH (FORCE)`),
      ),
  )

/** Everything a suite needs from one backend. */
export type BackendServices = SqlClient.SqlClient | TestDatabase | DatabaseAccess | UnitOfWork

/** An in-memory PGlite database, migrated and checked, with the unit of work over it. */
export const pgliteBackend = UnitOfWorkLive.pipe(
  Layer.provideMerge(pgliteDatabase({ dataDir: "memory://" })),
  Layer.provideMerge(Layer.succeed(TestDatabase, { kind: "pglite", url: Option.none() })),
)

/** A private Postgres database on the DATABASE_URL server, migrated and checked, with the unit of work. */
export const postgresBackend = (serverUrl: string, options: { readonly maxConnections?: number } = {}) =>
  Layer.unwrapScoped(
    Effect.map(freshDatabase(serverUrl), (url) =>
      UnitOfWorkLive.pipe(
        Layer.provideMerge(
          postgresDatabase({ url: Redacted.make(url), maxConnections: options.maxConnections ?? 4 }),
        ),
        Layer.provideMerge(Layer.succeed(TestDatabase, { kind: "postgres", url: Option.some(url) })),
      ),
    ),
  )

/** Ids of one tenant's seeded rows. */
export interface SeededTenant {
  readonly tenant: TenantId
  readonly project: string
  readonly epic: string
  readonly story: string
  readonly apiKey: string
  readonly keyHash: string
}

const at = "2026-03-27T12:00:00.123456Z"

/** A tenant with one project, epic, story and API key, written on the owner path. */
export const seedTenant = Effect.gen(function* () {
  const sql = yield* SqlClient.SqlClient
  const access = yield* DatabaseAccess
  const seeded: SeededTenant = {
    tenant: TenantId.make(randomUUID()),
    project: randomUUID(),
    epic: randomUUID(),
    story: randomUUID(),
    apiKey: randomUUID(),
    keyHash: randomUUID().replace(/-/g, "").repeat(2),
  }
  const slug = `t-${seeded.tenant.slice(0, 8)}`
  yield* access.asOwner(
    Effect.all(
      [
        sql`INSERT INTO tenants (id, name, slug, email, status, inserted_at, updated_at)
          VALUES (${seeded.tenant}, ${slug}, ${slug}, ${`${slug}@example.org`}, 'active', ${at}, ${at})`,
        sql`INSERT INTO api_keys (id, tenant_id, name, key_prefix, key_hash, role, inserted_at, updated_at)
          VALUES (${seeded.apiKey}, ${seeded.tenant}, 'default', 'lc_abcde', ${seeded.keyHash}, 'user', ${at}, ${at})`,
        sql`INSERT INTO projects (tenant_id, id, name, slug, status, inserted_at, updated_at)
          VALUES (${seeded.tenant}, ${seeded.project}, 'Project', 'project', 'active', ${at}, ${at})`,
        sql`INSERT INTO epics (tenant_id, id, project_id, number, title, position, inserted_at, updated_at)
          VALUES (${seeded.tenant}, ${seeded.epic}, ${seeded.project}, 1, 'Epic', 0, ${at}, ${at})`,
        sql`INSERT INTO stories (tenant_id, id, project_id, epic_id, number, sort_key, title,
                               agent_status, verified_status, inserted_at, updated_at)
          VALUES (${seeded.tenant}, ${seeded.story}, ${seeded.project}, ${seeded.epic}, '1.1', 10010, 'Story',
                  'pending', 'unverified', ${at}, ${at})`,
      ],
      { discard: true },
    ),
  )
  return seeded
})

/** An audit entry of `tenant` at `insertedAt`, as the unit of work of that tenant would write it. */
export const auditEntry = (tenant: TenantId, insertedAt: string = at) =>
  Effect.flatMap(SqlClient.SqlClient, (sql) => {
    const id = randomUUID()
    return Effect.as(
      sql`INSERT INTO audit_log (id, tenant_id, entity_type, entity_id, action, actor_type, metadata, inserted_at)
          VALUES (${id}, ${tenant}, 'story', ${randomUUID()}, 'created', 'system', '{}', ${insertedAt})`,
      id,
    )
  })

/** The title of a Postgres-only suite: says why it is skipped when it is. */
export const postgresTitle = (name: string): string =>
  databaseUrl === undefined ? `${name} — ${postgresSkipReason}` : name
