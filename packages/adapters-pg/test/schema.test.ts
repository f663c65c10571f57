import { randomUUID } from "node:crypto"
import * as SqlClient from "@effect/sql/SqlClient"
import type { SqlError } from "@effect/sql/SqlError"
import { describe, expect, layer } from "@effect/vitest"
import { TenantId, UnitOfWork } from "@loopctl/core"
import { Cause, Effect, Exit, type Layer } from "effect"
import {
  DatabaseAccess,
  causeMessage,
  ensureAuditPartitions,
  globalTables,
  maintainAuditPartitions,
  migrate,
  sqlState,
  unprotectedTables,
} from "../src/index.js"
import {
  type BackendServices,
  auditEntry,
  databaseUrl,
  pgliteBackend,
  postgresBackend,
  postgresTitle,
  seedTenant,
} from "./support.js"

/** Every entity table of the core's domain: the catalogue test must see each of them. */
const entityTables = [
  "tenants",
  "api_keys",
  "agents",
  "projects",
  "epics",
  "stories",
  "story_dependencies",
  "epic_dependencies",
  "review_records",
  "verification_results",
  "artifact_reports",
  "audit_log",
  "outbox",
  "webhooks",
  "webhook_events",
  "orchestrator_states",
  "token_usage_reports",
  "token_budgets",
  "cost_anomalies",
  "skills",
  "skill_versions",
  "skill_results",
  "articles",
  "article_links",
  "ui_test_runs",
  "tenant_root_authenticators",
]

interface CatalogueRow {
  readonly table: string
  readonly relrowsecurity: boolean
  readonly relforcerowsecurity: boolean
  readonly policies: number
}

/** Straight from the catalogue, independent of the adapter's own check. */
const catalogue = Effect.flatMap(
  SqlClient.SqlClient,
  (sql) => sql<CatalogueRow>`
    SELECT c.relname AS "table", c.relrowsecurity, c.relforcerowsecurity,
           (SELECT count(*)::integer FROM pg_policies p
             WHERE p.schemaname = n.nspname AND p.tablename = c.relname) AS policies
    FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
    WHERE n.nspname = current_schema() AND c.relkind IN ('r', 'p')
    ORDER BY c.relname`,
)

const count = (statement: Effect.Effect<ReadonlyArray<{ readonly n: number }>, SqlError>) =>
  Effect.map(statement, (rows) => rows[0]?.n ?? -1)

/** The SQLSTATE a failing effect failed with. */
const failureState = <A, R>(effect: Effect.Effect<A, SqlError, R>) =>
  Effect.map(Effect.flip(effect), sqlState)

const backends: ReadonlyArray<{
  readonly title: string
  readonly skip: boolean
  readonly layer: Layer.Layer<BackendServices, unknown>
}> = [
  { title: "schema on PGlite", skip: false, layer: pgliteBackend },
  {
    title: postgresTitle("schema on Postgres"),
    skip: databaseUrl === undefined,
    layer: databaseUrl === undefined ? pgliteBackend : postgresBackend(databaseUrl),
  },
]

for (const backend of backends) {
  describe.skipIf(backend.skip)(backend.title, () => {
    layer(backend.layer, { timeout: "120 seconds", excludeTestServices: true })((it) => {
      describe("row-level security catalogue", () => {
        it.effect("every table outside the allow-list has RLS enabled, forced and a policy", () =>
          Effect.gen(function* () {
            const tables = yield* catalogue
            const names = tables.map((t) => t.table)
            // The check must not pass vacuously: every entity table is there, audit partitions too.
            expect(names).toEqual(expect.arrayContaining(entityTables))
            expect(names.some((name) => /^audit_log_y\d{4}m\d{2}$/.test(name))).toBe(true)
            const gaps = tables
              .filter((t) => !globalTables.includes(t.table))
              .filter((t) => !(t.relrowsecurity && t.relforcerowsecurity && t.policies > 0))
              .map((t) => t.table)
            expect(gaps).toEqual([])
            expect(globalTables).toEqual(["schema_migrations", "rate_limit_counters", "signup_challenges"])
          }),
        )

        it.effect("the start-up check notices a table whose FORCE was dropped", () =>
          Effect.gen(function* () {
            const sql = yield* SqlClient.SqlClient
            const access = yield* DatabaseAccess
            // DDL is transactional: the change is seen inside and rolled back by the failure.
            const seen = yield* access
              .asOwner(
                Effect.gen(function* () {
                  yield* sql`ALTER TABLE stories NO FORCE ROW LEVEL SECURITY`
                  const gaps = yield* unprotectedTables
                  return yield* Effect.fail(gaps.map((t) => t.table))
                }),
              )
              .pipe(Effect.flip)
            expect(seen).toEqual(["stories"])
            expect(yield* unprotectedTables).toEqual([])
          }),
        )
      })

      describe("tenant isolation", () => {
        it.effect("with no tenant set, tenant tables return zero rows as the app role", () =>
          Effect.gen(function* () {
            const sql = yield* SqlClient.SqlClient
            yield* seedTenant
            // Outside every scope the connection runs as loopctl_app with no tenant.
            expect(yield* sql<{ readonly role: string }>`SELECT current_user AS role`).toEqual([
              { role: "loopctl_app" },
            ])
            for (const table of ["tenants", "api_keys", "projects", "epics", "stories", "audit_log"]) {
              expect(yield* count(sql`SELECT count(*)::integer AS n FROM ${sql(table)}`)).toBe(0)
            }
            // Inside a transaction as the app role, with the setting absent or blank.
            const inTransaction = (tenantSetting: string | null) =>
              sql.withTransaction(
                Effect.zipRight(
                  tenantSetting === null
                    ? sql`SELECT set_config('role', 'loopctl_app', true)`
                    : sql`SELECT set_config('role', 'loopctl_app', true), set_config('app.tenant_id', ${tenantSetting}, true)`,
                  count(sql`SELECT count(*)::integer AS n FROM stories`),
                ),
              )
            expect(yield* inTransaction(null)).toBe(0)
            expect(yield* inTransaction("")).toBe(0)
            // The owner sees them: the rows are there, the policy hides them.
            const access = yield* DatabaseAccess
            expect(
              yield* access.asOwner(count(sql`SELECT count(*)::integer AS n FROM stories`)),
            ).toBeGreaterThan(0)
          }),
        )

        it.effect("a raw SELECT * FROM stories in tenant B's scope returns none of tenant A's rows", () =>
          Effect.gen(function* () {
            const sql = yield* SqlClient.SqlClient
            const uow = yield* UnitOfWork
            const a = yield* seedTenant
            const b = yield* seedTenant
            const seenByB = yield* uow.transact(
              b.tenant,
              sql<{ readonly id: string; readonly tenant_id: string }>`SELECT * FROM stories`,
            )
            expect(seenByB.map((row) => row.id)).toEqual([b.story])
            expect(seenByB.every((row) => row.tenant_id === b.tenant)).toBe(true)
            const seenByA = yield* uow.transact(
              a.tenant,
              sql<{ readonly id: string }>`SELECT id FROM stories`,
            )
            expect(seenByA.map((row) => row.id)).toEqual([a.story])
            // Tenant rows too: a tenant sees its own row only.
            const tenants = yield* uow.transact(
              b.tenant,
              sql<{ readonly id: string }>`SELECT id FROM tenants`,
            )
            expect(tenants.map((row) => row.id)).toEqual([b.tenant])
          }),
        )

        it.effect("tenant B can neither change, delete nor create tenant A's rows", () =>
          Effect.gen(function* () {
            const sql = yield* SqlClient.SqlClient
            const uow = yield* UnitOfWork
            const a = yield* seedTenant
            const b = yield* seedTenant
            const updated = yield* uow.transact(
              b.tenant,
              sql`UPDATE stories SET title = 'taken' WHERE id = ${a.story} RETURNING id`,
            )
            expect(updated).toEqual([])
            const deleted = yield* uow.transact(
              b.tenant,
              sql`DELETE FROM stories WHERE id = ${a.story} RETURNING id`,
            )
            expect(deleted).toEqual([])
            const inserted = yield* failureState(
              uow.transact(
                b.tenant,
                sql`INSERT INTO projects (tenant_id, id, name, slug, status, inserted_at, updated_at)
                    VALUES (${a.tenant}, ${randomUUID()}, 'x', 'smuggled', 'active', now(), now())`,
              ),
            )
            expect(inserted).toBe("42501")
            const titles = yield* uow.transact(
              a.tenant,
              sql<{ readonly title: string }>`SELECT title FROM stories`,
            )
            expect(titles).toEqual([{ title: "Story" }])
          }),
        )

        it.effect("an API key lookup sees exactly the key with the presented hash", () =>
          Effect.gen(function* () {
            const sql = yield* SqlClient.SqlClient
            const access = yield* DatabaseAccess
            const a = yield* seedTenant
            yield* seedTenant
            const found = yield* access.asApiKeyLookup(
              a.keyHash,
              Effect.all({
                keys: sql<{ readonly id: string }>`SELECT id FROM api_keys`,
                stories: count(sql`SELECT count(*)::integer AS n FROM stories`),
                role: sql<{ readonly role: string }>`SELECT current_user AS role`,
              }),
            )
            expect(found.keys.map((row) => row.id)).toEqual([a.apiKey])
            expect(found.stories).toBe(0)
            expect(found.role).toEqual([{ role: "loopctl_app" }])
            const unknown = yield* access.asApiKeyLookup("0".repeat(64), sql`SELECT id FROM api_keys`)
            expect(unknown).toEqual([])
          }),
        )
      })

      describe("audit log", () => {
        it.effect("the app role can append and read but neither UPDATE nor DELETE", () =>
          Effect.gen(function* () {
            const sql = yield* SqlClient.SqlClient
            const uow = yield* UnitOfWork
            const a = yield* seedTenant
            const id = yield* uow.transact(a.tenant, auditEntry(a.tenant))
            const read = yield* uow.transact(a.tenant, sql`SELECT id FROM audit_log WHERE id = ${id}`)
            expect(read).toEqual([{ id }])
            expect(
              yield* failureState(
                uow.transact(a.tenant, sql`UPDATE audit_log SET action = 'forged' WHERE id = ${id}`),
              ),
            ).toBe("42501")
            expect(
              yield* failureState(uow.transact(a.tenant, sql`DELETE FROM audit_log WHERE id = ${id}`)),
            ).toBe("42501")
          }),
        )

        it.effect("even the owner cannot UPDATE or DELETE an entry (append-only triggers)", () =>
          Effect.gen(function* () {
            const sql = yield* SqlClient.SqlClient
            const uow = yield* UnitOfWork
            const access = yield* DatabaseAccess
            const a = yield* seedTenant
            const id = yield* uow.transact(a.tenant, auditEntry(a.tenant))
            const update = yield* access
              .asOwner(sql`UPDATE audit_log SET action = 'forged' WHERE id = ${id}`)
              .pipe(Effect.flip)
            expect(causeMessage(update.cause)).toContain(
              "UPDATE on audit_log is not allowed — audit log is append-only",
            )
            const remove = yield* access
              .asOwner(sql`DELETE FROM audit_log WHERE id = ${id}`)
              .pipe(Effect.flip)
            expect(causeMessage(remove.cause)).toContain(
              "DELETE on audit_log is not allowed — audit log is append-only",
            )
            expect(yield* access.asOwner(sql`SELECT action FROM audit_log WHERE id = ${id}`)).toEqual([
              { action: "created" },
            ])
          }),
        )
      })

      describe("migrations", () => {
        it.effect("running them again applies nothing and changes nothing", () =>
          Effect.gen(function* () {
            const before = yield* catalogue
            const again = yield* migrate()
            expect(again.applied).toEqual([])
            expect(again.alreadyApplied.length).toBeGreaterThanOrEqual(5)
            const access = yield* DatabaseAccess
            expect((yield* access.asOwner(migrate())).applied).toEqual([])
            expect(yield* catalogue).toEqual(before)
          }),
        )
      })

      describe("audit partitions", () => {
        interface PartitionRow {
          readonly name: string
          readonly forced: boolean
          readonly policies: number
        }
        const partitions = Effect.flatMap(SqlClient.SqlClient, (sql) =>
          Effect.map(
            sql<PartitionRow>`
              SELECT c.relname AS name, c.relforcerowsecurity AS forced,
                     (SELECT count(*)::integer FROM pg_policy p WHERE p.polrelid = c.oid) AS policies
              FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
              WHERE i.inhparent = 'audit_log'::regclass ORDER BY c.relname`,
            (rows) => rows,
          ),
        )
        const names = (rows: ReadonlyArray<PartitionRow>) => rows.map((row) => row.name)

        it.effect("the function creates monthly partitions ahead and drops those past retention", () =>
          Effect.gen(function* () {
            const sql = yield* SqlClient.SqlClient
            const uow = yield* UnitOfWork
            const access = yield* DatabaseAccess
            const a = yield* seedTenant
            const created = yield* access.asOwner(maintainAuditPartitions(90, "2020-01-15T10:00:00Z"))
            expect(created.filter((c) => c.outcome === "created").map((c) => c.partition_name)).toEqual([
              "audit_log_y2020m01",
              "audit_log_y2020m02",
              "audit_log_y2020m03",
              "audit_log_y2020m04",
            ])
            const made = (yield* partitions).filter((p) => p.name.startsWith("audit_log_y2020"))
            expect(made.every((p) => p.forced && p.policies > 0)).toBe(true)
            // Idempotent: a second run has nothing to do.
            expect(yield* access.asOwner(ensureAuditPartitions("2020-01-15T10:00:00Z"))).toEqual([])

            const id = yield* uow.transact(a.tenant, auditEntry(a.tenant, "2020-02-10T08:00:00.000001Z"))
            const home = yield* access.asOwner(
              sql<{
                readonly home: string
              }>`SELECT tableoid::regclass::text AS home FROM audit_log WHERE id = ${id}`,
            )
            expect(home).toEqual([{ home: "audit_log_y2020m02" }])

            // 90 days before 2020-09-15 falls in June: every month strictly before June goes.
            const later = yield* access.asOwner(maintainAuditPartitions(90, "2020-09-15T10:00:00Z"))
            expect(later.filter((c) => c.outcome === "dropped").map((c) => c.partition_name)).toEqual([
              "audit_log_y2020m01",
              "audit_log_y2020m02",
              "audit_log_y2020m03",
              "audit_log_y2020m04",
            ])
            expect(later.filter((c) => c.outcome === "created").map((c) => c.partition_name)).toEqual([
              "audit_log_y2020m09",
              "audit_log_y2020m10",
              "audit_log_y2020m11",
              "audit_log_y2020m12",
            ])
            const left = names(yield* partitions)
            expect(left).not.toContain("audit_log_y2020m02")
            expect(left).toContain("audit_log_default")
            expect(yield* access.asOwner(sql`SELECT id FROM audit_log WHERE id = ${id}`)).toEqual([])
          }),
        )

        it.effect("entries outside every partition land in the default one and age out there too", () =>
          Effect.gen(function* () {
            const sql = yield* SqlClient.SqlClient
            const uow = yield* UnitOfWork
            const access = yield* DatabaseAccess
            const a = yield* seedTenant
            const old = yield* uow.transact(a.tenant, auditEntry(a.tenant, "1970-01-01T00:00:00.000000Z"))
            const future = yield* uow.transact(a.tenant, auditEntry(a.tenant, "2031-05-10T00:00:00.000000Z"))
            const homes = yield* access.asOwner(
              sql<{ readonly home: string }>`SELECT tableoid::regclass::text AS home FROM audit_log
                WHERE id IN (${old}, ${future}) ORDER BY inserted_at`,
            )
            expect(homes).toEqual([{ home: "audit_log_default" }, { home: "audit_log_default" }])
            // May 2031 has a row in the default partition: that month is skipped, not an error.
            const ahead = yield* access.asOwner(ensureAuditPartitions("2031-05-01T00:00:00Z"))
            expect(ahead.map((c) => `${c.outcome} ${c.partition_name}`)).toEqual([
              "skipped audit_log_y2031m05",
              "created audit_log_y2031m06",
              "created audit_log_y2031m07",
              "created audit_log_y2031m08",
            ])
            const swept = yield* access.asOwner(maintainAuditPartitions(90, "2031-05-01T00:00:00Z"))
            expect(
              swept.some((c) => c.partition_name === "audit_log_default" && c.outcome.startsWith("purged")),
            ).toBe(true)
            const remaining = yield* access.asOwner(
              sql<{ readonly id: string }>`SELECT id FROM audit_log WHERE id IN (${old}, ${future})`,
            )
            expect(remaining).toEqual([{ id: future }])
            const refused = yield* access.asOwner(maintainAuditPartitions(0)).pipe(Effect.flip)
            expect(causeMessage(refused.cause)).toContain("retention_days must be at least 1")
          }),
        )
      })

      describe("unit of work", () => {
        it.effect("sets the tenant and the app role, and a nested call joins the same transaction", () =>
          Effect.gen(function* () {
            const sql = yield* SqlClient.SqlClient
            const uow = yield* UnitOfWork
            const a = yield* seedTenant
            const state = sql<{ readonly role: string; readonly tenant: string; readonly tx: string }>`
              SELECT current_user AS role, current_setting('app.tenant_id') AS tenant, txid_current()::text AS tx`
            const [outer, inner] = yield* uow.transact(
              a.tenant,
              Effect.zip(state, uow.transact(a.tenant, state)),
            )
            expect(outer).toEqual([{ role: "loopctl_app", tenant: a.tenant, tx: expect.any(String) }])
            expect(inner).toEqual(outer)
          }),
        )

        it.effect("a failing unit of work leaves nothing behind", () =>
          Effect.gen(function* () {
            const sql = yield* SqlClient.SqlClient
            const uow = yield* UnitOfWork
            const a = yield* seedTenant
            const project = randomUUID()
            const failed = yield* uow
              .transact(
                a.tenant,
                Effect.zipRight(
                  sql`INSERT INTO projects (tenant_id, id, name, slug, status, inserted_at, updated_at)
                      VALUES (${a.tenant}, ${project}, 'Doomed', 'doomed', 'active', now(), now())`,
                  Effect.fail("boom" as const),
                ),
              )
              .pipe(Effect.flip)
            expect(failed).toBe("boom")
            expect(yield* uow.transact(a.tenant, sql`SELECT id FROM projects WHERE id = ${project}`)).toEqual(
              [],
            )
          }),
        )

        it.effect("scopes cannot be mixed by accident", () =>
          Effect.gen(function* () {
            const sql = yield* SqlClient.SqlClient
            const uow = yield* UnitOfWork
            const access = yield* DatabaseAccess
            const a = yield* seedTenant
            const other = TenantId.make(randomUUID())
            const nested = yield* Effect.exit(uow.transact(a.tenant, uow.transact(other, Effect.void)))
            expect(Exit.isFailure(nested) && Cause.isDie(nested.cause)).toBe(true)
            const widened = yield* Effect.exit(uow.transact(a.tenant, access.asOwner(Effect.void)))
            expect(Exit.isFailure(widened) && Cause.isDie(widened.cause)).toBe(true)
            // A tenant's work inside the owner's transaction runs scoped, and the owner is restored.
            const role = sql<{ readonly role: string }>`SELECT current_user AS role`
            const roles = yield* access.asOwner(
              Effect.all([
                role,
                uow.transact(a.tenant, role),
                role,
                uow.transact(a.tenant, sql`SELECT id FROM stories`),
              ]),
            )
            expect(roles[1]).toEqual([{ role: "loopctl_app" }])
            expect(roles[0]).toEqual(roles[2])
            expect(roles[0]).not.toEqual(roles[1])
            expect(roles[3]).toEqual([{ id: a.story }])
          }),
        )

        it.effect("timestamps keep their microseconds and int8 reads as a number", () =>
          Effect.gen(function* () {
            const sql = yield* SqlClient.SqlClient
            const uow = yield* UnitOfWork
            const a = yield* seedTenant
            const rows = yield* uow.transact(
              a.tenant,
              sql<{ readonly inserted_at: string; readonly whole: string; readonly n: number }>`
                SELECT inserted_at, '2026-03-27T12:00:00Z'::timestamptz AS whole, 9007199254740991::int8 AS n
                FROM tenants`,
            )
            expect(rows).toEqual([
              {
                inserted_at: "2026-03-27T12:00:00.123456Z",
                whole: "2026-03-27T12:00:00.000000Z",
                n: 9007199254740991,
              },
            ])
          }),
        )
      })
    })
  })
}
