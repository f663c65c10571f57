import type { SqlClient, Statement } from "@effect/sql"
import type { Story } from "@loopctl/core"
import { Effect } from "effect"

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

/** What a blocked page's statement answers: the page, and each of its stories' blockers. */
export interface BlockedPageRows {
  readonly page: ReadonlyArray<Readonly<Record<string, unknown>>>
  /** Story rows of blockers with the id of the story they block, in the rule's order per story. */
  readonly blockers: ReadonlyArray<Readonly<Record<string, unknown>>>
}

/**
 * One page of blocked stories and their blockers, in one statement. `page` is the page's
 * statement (paging.ts `pageStatement`, over stories aliased `s`, columns `s.*`); the blockers,
 * as the rule's `blockersAmong` lists them — unverified direct prerequisites in link order (edge
 * inserted_at, id), then the unverified stories of each prerequisite epic (epic edge
 * inserted_at, id; each epic's by sort_key, id), each story once where it first appears — are
 * read for the page's stories only, and returned beneath them as story rows tagged with the id
 * of the story they block (`blocked_id`; null on the page's own rows, which come first in page
 * order). The page's rows carry the window total like any page.
 */
export const blockedPageRows = (
  sql: SqlClient.SqlClient,
  page: Statement.Statement<Readonly<Record<string, unknown>>>,
): Effect.Effect<BlockedPageRows> =>
  Effect.orDie(
    Effect.map(
      sql`
        WITH page AS (${page}),
        appearances AS (
          SELECT DISTINCT ON (blocked_id, blocker_id) * FROM (
            SELECT d.story_id AS blocked_id, p.id AS blocker_id, 0 AS via,
                   d.inserted_at AS link_at, d.id AS link_id
            FROM page b
            JOIN story_dependencies d ON d.tenant_id = b.tenant_id AND d.story_id = b.id
            JOIN stories p ON p.tenant_id = d.tenant_id AND p.id = d.depends_on_story_id
            WHERE p.verified_status <> 'verified'
            UNION ALL
            SELECT b.id, p.id, 1, e.inserted_at, e.id
            FROM page b
            JOIN epic_dependencies e ON e.tenant_id = b.tenant_id AND e.epic_id = b.epic_id
            JOIN stories p ON p.tenant_id = e.tenant_id AND p.epic_id = e.depends_on_epic_id
            WHERE p.verified_status <> 'verified'
          ) found
          ORDER BY blocked_id, blocker_id, via, link_at, link_id
        )
        SELECT NULL::uuid AS blocked_id, 0 AS via, NULL::timestamptz AS link_at, NULL::uuid AS link_id,
               page.*
        FROM page
        UNION ALL
        SELECT w.blocked_id, w.via, w.link_at, w.link_id, p.*, NULL::bigint
        FROM appearances w JOIN stories p ON p.id = w.blocker_id
        ORDER BY blocked_id NULLS FIRST, via, link_at, link_id, sort_key, id`,
      (rows) => ({
        page: rows.filter((row) => row.blocked_id === null),
        blockers: rows.filter((row) => row.blocked_id !== null),
      }),
    ),
  )

/** Groups decoded blocker rows by the story they block, keeping their order. */
export const blockersByStory = (
  rows: ReadonlyArray<Readonly<Record<string, unknown>>>,
  blockers: ReadonlyArray<Story>,
): ReadonlyMap<string, ReadonlyArray<Story>> => {
  const byStory = new Map<string, Array<Story>>()
  rows.forEach((row, at) => {
    const blocker = blockers[at]
    if (blocker === undefined) return
    const blockedId = String(row.blocked_id)
    const list = byStory.get(blockedId)
    if (list === undefined) byStory.set(blockedId, [blocker])
    else list.push(blocker)
  })
  return byStory
}
