import { SqlClient } from "@effect/sql"
import type { SqlError } from "@effect/sql/SqlError"
import {
  DuplicateKey,
  type PlatformStats,
  type TenantCounts,
  type TenantFilter,
  Tenants,
} from "@loopctl/core"
import { Effect, Layer } from "effect"
import { optional } from "../rows.js"
import { isUniqueViolation } from "../sql-errors.js"
import { DatabaseAccess } from "../unit-of-work.js"
import { pageWindow, selectPage } from "./paging.js"
import * as T from "./shapes.js"

/**
 * Tenants are global rows. Inside a unit of work a statement sees the scoped tenant only (RLS);
 * outside every unit of work it runs on the owner path, which sees every tenant and every
 * tenant's rows — the superadmin's lists, counts and figures.
 */

type Row = Readonly<Record<string, unknown>>

const number = (row: Row | undefined, column: string): number => Number(row?.[column] ?? 0)

const countsOf = (row: Row | undefined): TenantCounts => ({
  project_count: number(row, "project_count"),
  epic_count: number(row, "epic_count"),
  story_count: number(row, "story_count"),
  agent_count: number(row, "agent_count"),
  api_key_count: number(row, "api_key_count"),
})

/** Which unique rule a tenant write broke: the email index, else the slug (or id); other failures are defects. */
const tenantRefusal = (error: SqlError) =>
  isUniqueViolation(error)
    ? Effect.fail(
        new DuplicateKey({
          entity: "tenant",
          key: isUniqueViolation(error, "tenants_email_key") ? "email" : "slug",
        }),
      )
    : Effect.die(error)

/** A LIKE pattern that matches `text` literally anywhere. */
const containing = (text: string): string => `%${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`

export const TenantsSql = Layer.effect(
  Tenants,
  Effect.gen(function* () {
    const sql = yield* SqlClient.SqlClient
    const access = yield* DatabaseAccess
    const counts = sql`
      (SELECT count(*) FROM projects p WHERE p.tenant_id = t.id) AS project_count,
      (SELECT count(*) FROM epics e WHERE e.tenant_id = t.id) AS epic_count,
      (SELECT count(*) FROM stories s WHERE s.tenant_id = t.id) AS story_count,
      (SELECT count(*) FROM agents a WHERE a.tenant_id = t.id) AS agent_count,
      (SELECT count(*) FROM api_keys k WHERE k.tenant_id = t.id AND k.revoked_at IS NULL) AS api_key_count`
    const one = (column: "id" | "slug", value: string) =>
      access.ownerIfUnscoped(
        optional(
          Effect.flatMap(
            Effect.orDie(sql`SELECT * FROM tenants WHERE ${sql(column)} = ${value}`),
            T.tenants.decode,
          ),
        ),
      )
    return Tenants.of({
      insert: (tenant) =>
        access.ownerIfUnscoped(
          Effect.catchAll(
            Effect.asVoid(sql`INSERT INTO tenants ${sql.insert(T.tenants.encode(tenant))}`),
            tenantRefusal,
          ),
        ),
      update: (tenant) =>
        access.ownerIfUnscoped(
          Effect.catchAll(
            Effect.asVoid(
              sql`UPDATE tenants SET ${sql.update(T.tenants.encode(tenant), ["id"])} WHERE id = ${tenant.id}`,
            ),
            tenantRefusal,
          ),
        ),
      findById: (id) => one("id", id),
      findBySlug: (slug) => one("slug", slug),
      list: (filter: TenantFilter, page) => {
        const where = sql.and([
          sql`TRUE`,
          ...(filter.status === undefined ? [] : [sql`t.status = ${filter.status}`]),
          ...(filter.search === undefined
            ? []
            : [
                sql`(t.name ILIKE ${containing(filter.search)} ESCAPE '\\' OR t.slug ILIKE ${containing(filter.search)} ESCAPE '\\')`,
              ]),
        ])
        return access.ownerIfUnscoped(
          selectPage(sql, {
            columns: sql`t.*, ${counts}`,
            from: sql`tenants t`,
            where,
            orderBy: sql`t.name, t.id`,
            window: pageWindow(page),
            decode: (found) =>
              Effect.map(T.tenants.decode(found), (tenants) =>
                tenants.map((tenant, i) => ({ tenant, counts: countsOf(found[i]) })),
              ),
          }),
        )
      },
      counts: (id) =>
        access.ownerIfUnscoped(
          Effect.orDie(
            Effect.map(sql<Row>`SELECT ${counts} FROM (SELECT ${id}::uuid AS id) t`, (rows) =>
              countsOf(rows[0]),
            ),
          ),
        ),
      stats: (activeSince) =>
        access.ownerIfUnscoped(
          Effect.orDie(
            Effect.map(
              sql<Row>`
                SELECT
                  (SELECT count(*) FROM tenants) AS total_tenants,
                  (SELECT count(*) FROM tenants WHERE status = 'active') AS tenants_active,
                  (SELECT count(*) FROM tenants WHERE status = 'suspended') AS tenants_suspended,
                  (SELECT count(*) FROM tenants WHERE status = 'deactivated') AS tenants_deactivated,
                  (SELECT count(*) FROM projects) AS total_projects,
                  (SELECT count(*) FROM epics) AS total_epics,
                  (SELECT count(*) FROM agents) AS total_agents,
                  (SELECT count(*) FROM api_keys WHERE revoked_at IS NULL) AS total_api_keys,
                  (SELECT count(*) FROM agents WHERE status = 'active' AND last_seen_at >= ${activeSince})
                    AS active_agents,
                  s.*
                FROM (
                  SELECT count(*) AS total_stories,
                    count(*) FILTER (WHERE agent_status = 'pending') AS pending,
                    count(*) FILTER (WHERE agent_status = 'contracted') AS contracted,
                    count(*) FILTER (WHERE agent_status = 'assigned') AS assigned,
                    count(*) FILTER (WHERE agent_status = 'implementing') AS implementing,
                    count(*) FILTER (WHERE agent_status = 'reported_done') AS reported_done,
                    count(*) FILTER (WHERE verified_status = 'unverified') AS unverified,
                    count(*) FILTER (WHERE verified_status = 'verified') AS verified,
                    count(*) FILTER (WHERE verified_status = 'rejected') AS rejected
                  FROM stories
                ) s`,
              (rows): PlatformStats => {
                const row = rows[0]
                return {
                  total_tenants: number(row, "total_tenants"),
                  tenants_active: number(row, "tenants_active"),
                  tenants_suspended: number(row, "tenants_suspended"),
                  tenants_deactivated: number(row, "tenants_deactivated"),
                  total_projects: number(row, "total_projects"),
                  total_epics: number(row, "total_epics"),
                  total_stories: number(row, "total_stories"),
                  total_agents: number(row, "total_agents"),
                  total_api_keys: number(row, "total_api_keys"),
                  stories_by_agent_status: {
                    pending: number(row, "pending"),
                    contracted: number(row, "contracted"),
                    assigned: number(row, "assigned"),
                    implementing: number(row, "implementing"),
                    reported_done: number(row, "reported_done"),
                  },
                  stories_by_verified_status: {
                    unverified: number(row, "unverified"),
                    verified: number(row, "verified"),
                    rejected: number(row, "rejected"),
                  },
                  active_stories: number(row, "implementing"),
                  active_agents: number(row, "active_agents"),
                }
              },
            ),
          ),
        ),
    })
  }),
)
