import type { SqlClient, Statement } from "@effect/sql"
import type { Story, StoryId } from "@loopctl/core"
import { Effect } from "effect"
import * as T from "./shapes.js"

/**
 * The core's readiness rule (rules/readiness.ts) in SQL, over a story aliased `s`: the two ways
 * a story can be held back. Ready is "pending and neither"; blocked is "either". Both go through
 * the edge tables' pair keys (tenant, dependent, prerequisite) and the stories' epic index.
 */
export const readinessConditions = (
  sql: SqlClient.SqlClient,
): { readonly waitsForStory: Statement.Fragment; readonly waitsForEpic: Statement.Fragment } => ({
  // An unverified direct prerequisite.
  waitsForStory: sql`EXISTS (
    SELECT 1 FROM story_dependencies d
    JOIN stories p ON p.tenant_id = d.tenant_id AND p.id = d.depends_on_story_id
    WHERE d.tenant_id = s.tenant_id AND d.story_id = s.id AND p.verified_status <> 'verified')`,
  // An unverified story of an epic the story's epic depends on (an empty epic holds nothing back).
  waitsForEpic: sql`EXISTS (
    SELECT 1 FROM epic_dependencies e
    JOIN stories p ON p.tenant_id = e.tenant_id AND p.epic_id = e.depends_on_epic_id
    WHERE e.tenant_id = s.tenant_id AND e.epic_id = s.epic_id AND p.verified_status <> 'verified')`,
})

/**
 * The blockers of each of `ids`, as the rule's `blockersAmong` lists them: unverified direct
 * prerequisites in link order (edge inserted_at, id), then the unverified stories of each
 * prerequisite epic (epic edge inserted_at, id; each epic's by sort_key, id), each story once
 * where it first appears. One statement for the whole page.
 */
export const blockersOfStories = (
  sql: SqlClient.SqlClient,
  ids: ReadonlyArray<StoryId>,
): Effect.Effect<ReadonlyMap<StoryId, ReadonlyArray<Story>>> =>
  ids.length === 0
    ? Effect.succeed(new Map())
    : Effect.gen(function* () {
        const rows = yield* Effect.orDie(sql`
          SELECT w.blocked_id, p.* FROM (
            SELECT DISTINCT ON (blocked_id, blocker_id) * FROM (
              SELECT d.story_id AS blocked_id, p.id AS blocker_id, 0 AS via,
                     d.inserted_at AS link_at, d.id AS link_id
              FROM story_dependencies d
              JOIN stories p ON p.tenant_id = d.tenant_id AND p.id = d.depends_on_story_id
              WHERE ${sql.in("d.story_id", ids)} AND p.verified_status <> 'verified'
              UNION ALL
              SELECT s.id, p.id, 1, e.inserted_at, e.id
              FROM stories s
              JOIN epic_dependencies e ON e.tenant_id = s.tenant_id AND e.epic_id = s.epic_id
              JOIN stories p ON p.tenant_id = e.tenant_id AND p.epic_id = e.depends_on_epic_id
              WHERE ${sql.in("s.id", ids)} AND p.verified_status <> 'verified'
            ) appearances
            ORDER BY blocked_id, blocker_id, via, link_at, link_id
          ) w
          JOIN stories p ON p.id = w.blocker_id
          ORDER BY w.blocked_id, w.via, w.link_at, w.link_id, p.sort_key, p.id`)
        const blockers = yield* T.stories.decode(rows.map(({ blocked_id: _blocked, ...story }) => story))
        const asked = new Map<string, StoryId>(ids.map((id) => [id, id]))
        const byStory = new Map<StoryId, Array<Story>>()
        rows.forEach((row, at) => {
          const blocker = blockers[at]
          const blockedId = asked.get(String(row.blocked_id))
          if (blocker === undefined || blockedId === undefined) return
          const list = byStory.get(blockedId)
          if (list === undefined) byStory.set(blockedId, [blocker])
          else list.push(blocker)
        })
        return byStory
      })
