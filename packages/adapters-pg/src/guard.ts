import * as SqlClient from "@effect/sql/SqlClient"
import type { SqlError } from "@effect/sql/SqlError"
import { Effect } from "effect"
import { UnsafeDatabaseRole, causeMessage } from "./errors.js"

/**
 * The start-up check that row-level security actually holds the app's queries: they run as a role
 * that is neither a superuser nor BYPASSRLS (either one silently switches RLS off — the default
 * Docker `POSTGRES_USER` is a superuser), and every table outside the explicit allow-list is under
 * forced RLS with a policy.
 */

/** The role every tenant query runs as. Created by the migrations. */
export const appRole = "loopctl_app"

/**
 * Tables deliberately without row-level security: the migrator's bookkeeping (no privilege for
 * the app role), the rate-limit counters (named buckets holding counts only, consulted before
 * a tenant is known, e.g. per IP at signup) and the signup challenges (random values handed out
 * before their tenant exists). Tenants and API keys are NOT here: a
 * tenant sees only its own tenant row, and a key is found before the tenant is known through the
 * hash-only `api_key_lookup` policy (see migrations/0002).
 */
export const globalTables: ReadonlyArray<string> = [
  "schema_migrations",
  "rate_limit_counters",
  "signup_challenges",
]

/** How a table of the current schema stands with respect to row-level security. */
export interface TableProtection {
  readonly table: string
  readonly rls_enabled: boolean
  readonly rls_forced: boolean
  readonly policies: number
}

/** Every table (plain or partitioned, partitions included) of the current schema and its RLS state. */
export const tableProtection: Effect.Effect<
  ReadonlyArray<TableProtection>,
  SqlError,
  SqlClient.SqlClient
> = Effect.flatMap(
  SqlClient.SqlClient,
  (sql) => sql<TableProtection>`
      SELECT c.relname AS "table",
             c.relrowsecurity AS rls_enabled,
             c.relforcerowsecurity AS rls_forced,
             (SELECT count(*)::integer FROM pg_policy p WHERE p.polrelid = c.oid) AS policies
      FROM pg_class c
      JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE n.nspname = current_schema() AND c.relkind IN ('r', 'p')
      ORDER BY c.relname`,
)

/** The tables outside {@link globalTables} that lack enabled RLS, forced RLS or a policy. */
export const unprotectedTables: Effect.Effect<
  ReadonlyArray<TableProtection>,
  SqlError,
  SqlClient.SqlClient
> = Effect.map(tableProtection, (tables) =>
  tables.filter((t) => !globalTables.includes(t.table) && !(t.rls_enabled && t.rls_forced && t.policies > 0)),
)

interface RoleRow {
  readonly role: string
  readonly rolsuper: boolean
  readonly rolbypassrls: boolean
}

const unsafe = (message: string) => new UnsafeDatabaseRole({ message })

/**
 * Fails unless the connection's statements run as `expectedRole` and that role cannot bypass RLS,
 * and unless every non-global table is protected. Run it on the client the application uses,
 * after the migrations.
 */
export const assertRowLevelSecurity = (
  expectedRole: string = appRole,
): Effect.Effect<void, UnsafeDatabaseRole, SqlClient.SqlClient> =>
  Effect.gen(function* () {
    const sql = yield* SqlClient.SqlClient
    const checkFailed = (error: SqlError) =>
      unsafe(`cannot check the database role: ${causeMessage(error.cause ?? error)}`)
    const rows = yield* sql<RoleRow>`
      SELECT current_user AS role, r.rolsuper, r.rolbypassrls
      FROM pg_roles r WHERE r.rolname = current_user`.pipe(Effect.mapError(checkFailed))
    const current = rows[0]
    if (current === undefined) return yield* unsafe("cannot find the role the queries run as in pg_roles")
    const bypasses = [current.rolsuper ? "SUPERUSER" : null, current.rolbypassrls ? "BYPASSRLS" : null]
      .filter((attribute) => attribute !== null)
      .join(" and ")
    if (bypasses !== "")
      return yield* unsafe(
        current.role === expectedRole
          ? `role ${current.role} has ${bypasses}, which switches row-level security off; as an administrator run ALTER ROLE ${current.role} NOSUPERUSER NOBYPASSRLS`
          : `queries would run as role "${current.role}", which has ${bypasses} and so bypasses row-level security; connect as a non-superuser role, or grant ${expectedRole} to the connection user so loopctl can switch to it`,
      )
    if (current.role !== expectedRole)
      return yield* unsafe(
        `queries run as role "${current.role}" instead of ${expectedRole}; grant ${expectedRole} to the connection user (GRANT ${expectedRole} TO <user>)`,
      )
    const gaps = yield* unprotectedTables.pipe(Effect.mapError(checkFailed))
    if (gaps.length > 0)
      return yield* unsafe(
        `tables without forced row-level security and a policy: ${gaps.map((t) => t.table).join(", ")}; protect them in a migration (SELECT loopctl_protect_tenant_table('<table>')) or list them as global`,
      )
  })
