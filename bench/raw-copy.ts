/**
 * The raw-SQL baseline of the import benchmarks: a project's rows copied through the driver.
 */
import { randomUUID } from "node:crypto"
import * as SqlClient from "@effect/sql/SqlClient"
import { DatabaseAccess } from "@loopctl/adapters-pg"
import { Effect } from "effect"

/**
 * The import baseline: the project's epics, stories and story dependencies as stored, copied with
 * fresh ids into a new project through the driver — one transaction, one statement per table
 * (`json_populate_recordset`), no validation. A lower bound for writing those rows.
 */
export const baselineCopy = (tenantId: string, projectId: string) =>
  Effect.gen(function* () {
    const sql = yield* SqlClient.SqlClient
    const database = yield* DatabaseAccess
    return yield* database.asOwner(
      Effect.gen(function* () {
        const read = (table: string) =>
          sql.unsafe<{ readonly rows: string | null }>(
            `SELECT json_agg(t)::text AS rows FROM "${table}" t WHERE tenant_id = $1 AND ${
              table === "story_dependencies"
                ? "story_id IN (SELECT id FROM stories WHERE project_id = $2)"
                : "project_id = $2"
            }`,
            [tenantId, projectId],
          )
        const projects = yield* sql.unsafe<{ readonly rows: string | null }>(
          "SELECT json_agg(t)::text AS rows FROM projects t WHERE id = $1",
          [projectId],
        )
        const texts = {
          projects: projects[0]?.rows ?? "[]",
          epics: (yield* read("epics"))[0]?.rows ?? "[]",
          stories: (yield* read("stories"))[0]?.rows ?? "[]",
          story_dependencies: (yield* read("story_dependencies"))[0]?.rows ?? "[]",
        }
        // Fresh ids for every row (the tenant's id is kept), and a slug of its own for the project.
        const fresh = new Map<string, string>()
        const remap = (text: string) =>
          text.replace(/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g, (id) => {
            if (id === tenantId) return id
            const known = fresh.get(id)
            if (known !== undefined) return known
            const made = randomUUID()
            fresh.set(id, made)
            return made
          })
        const copies = {
          projects: remap(texts.projects).replace(/"slug":"([^"]*)"/, '"slug":"$1-copy"'),
          epics: remap(texts.epics),
          stories: remap(texts.stories),
          story_dependencies: remap(texts.story_dependencies),
        }
        const started = performance.now()
        yield* sql.withTransaction(
          Effect.forEach(
            ["projects", "epics", "stories", "story_dependencies"] as const,
            (table) =>
              sql.unsafe(
                `INSERT INTO "${table}" SELECT * FROM json_populate_recordset(null::"${table}", $1::json)`,
                [copies[table]],
              ),
            { discard: true },
          ),
        )
        return (performance.now() - started) / 1000
      }),
    )
  })
