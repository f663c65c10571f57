import { randomUUID } from "node:crypto"
import { copyFile, mkdtemp, readdir, rm } from "node:fs/promises"
import { tmpdir } from "node:os"
import { join } from "node:path"
import * as SqlClient from "@effect/sql/SqlClient"
import { describe, expect, it } from "@effect/vitest"
import { Effect, type Layer, Redacted, type Scope } from "effect"
import { PgliteClient, Postgres, migrate, migrationsDirectory } from "../src/index.js"
import { databaseUrl, freshDatabase } from "./support.js"

/**
 * Migration 0008 adds the stories' claim history (D22) and fills it for stories claimed before
 * it existed: from the claims in the audit trail and from the current assignee.
 */

/** A directory holding the shipped migrations before 0008, removed with the scope. */
const migrationsBefore0008 = Effect.acquireRelease(
  Effect.promise(async () => {
    const directory = await mkdtemp(join(tmpdir(), "loopctl-migrations-"))
    for (const file of await readdir(migrationsDirectory)) {
      if (/^\d{4}_.*\.sql$/.test(file) && file < "0008") {
        await copyFile(join(migrationsDirectory, file), join(directory, file))
      }
    }
    return directory
  }),
  (directory) => Effect.promise(() => rm(directory, { recursive: true, force: true })),
)

const at = (second: number) => `2026-02-01T00:00:${String(second).padStart(2, "0")}.000000Z`

const scenario = Effect.gen(function* () {
  const sql = yield* SqlClient.SqlClient
  yield* migrate(yield* migrationsBefore0008)
  const tenant = randomUUID()
  const project = randomUUID()
  const epic = randomUUID()
  const [released, reassigned, untouched] = [randomUUID(), randomUUID(), randomUUID()]
  const [agentA, agentB, agentC] = [randomUUID(), randomUUID(), randomUUID()]
  yield* sql`INSERT INTO tenants (id, name, slug, email, status, inserted_at, updated_at)
    VALUES (${tenant}, 'T', ${`t-${tenant.slice(0, 8)}`}, ${`${tenant}@example.org`}, 'active', ${at(0)}, ${at(0)})`
  yield* sql`INSERT INTO projects (tenant_id, id, name, slug, status, inserted_at, updated_at)
    VALUES (${tenant}, ${project}, 'P', 'shop', 'active', ${at(0)}, ${at(0)})`
  yield* sql`INSERT INTO epics (tenant_id, id, project_id, number, title, position, inserted_at, updated_at)
    VALUES (${tenant}, ${epic}, ${project}, 1, 'E', 0, ${at(0)}, ${at(0)})`
  const story = (id: string, number: string, status: string, assignee: string | null) =>
    sql`INSERT INTO stories (tenant_id, id, project_id, epic_id, number, sort_key, title, agent_status,
                             verified_status, assigned_agent_id, assigned_at, inserted_at, updated_at)
      VALUES (${tenant}, ${id}, ${project}, ${epic}, ${number}, 10000, 'S', ${status}, 'unverified',
              ${assignee}, ${assignee === null ? null : at(9)}, ${at(0)}, ${at(9)})`
  yield* story(released, "1.1", "pending", null)
  yield* story(reassigned, "1.2", "implementing", agentB)
  yield* story(untouched, "1.3", "contracted", null)
  const entry = (story: string, second: number, agent_status: string, agent: string) =>
    sql`INSERT INTO audit_log (id, tenant_id, project_id, entity_type, entity_id, action, actor_type,
                               new_state, metadata, inserted_at)
      VALUES (${randomUUID()}, ${tenant}, ${project}, 'story', ${story}, 'status_changed', 'api_key',
              ${JSON.stringify({ agent_status, agent_id: agent })}, '{}', ${at(second)})`
  // 1.1: A claimed, then unclaimed (the unclaim entry is a move to pending, not a claim).
  yield* entry(released, 1, "contracted", agentC)
  yield* entry(released, 2, "assigned", agentA)
  yield* entry(released, 3, "pending", agentA)
  // 1.2: A claimed first and let go; B holds it now (B's claim entry is older than retention).
  yield* entry(reassigned, 4, "assigned", agentA)
  yield* entry(reassigned, 5, "pending", agentA)
  // 1.3: only contracted, by C.
  yield* entry(untouched, 6, "contracted", agentC)

  const report = yield* migrate()
  // Later migrations apply after it too; 0008 is the one whose backfill is checked here.
  expect(report.applied[0]).toBe("0008_story_claim_history.sql")
  const rows = yield* sql<{ readonly id: string; readonly claimed_by_agent_ids: unknown }>`
    SELECT id, claimed_by_agent_ids FROM stories`
  const history = Object.fromEntries(rows.map((row) => [row.id, row.claimed_by_agent_ids]))
  expect(history).toEqual({
    [released]: [agentA],
    [reassigned]: [agentA, agentB],
    [untouched]: [],
  })
})

const backends: ReadonlyArray<{
  readonly name: string
  /** A client on a database no migration has touched. */
  readonly client: Effect.Effect<Layer.Layer<SqlClient.SqlClient, unknown>, never, Scope.Scope>
}> = [
  { name: "PGlite", client: Effect.succeed(PgliteClient.layer({ dataDir: "memory://" })) },
  ...(databaseUrl === undefined
    ? []
    : [
        {
          name: "Postgres",
          client: Effect.map(freshDatabase(databaseUrl), (url) =>
            Postgres.layer({ url: Redacted.make(url), maxConnections: 1 }),
          ),
        },
      ]),
]

describe("migration 0008: the stories' claim history", () => {
  for (const { name, client } of backends) {
    it.live(`fills the history of existing stories from the audit trail and the assignee on ${name}`, () =>
      Effect.flatMap(client, (layer) => Effect.provide(scenario, layer)).pipe(Effect.scoped),
    )
  }
})
