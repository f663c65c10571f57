import { SqlClient } from "@effect/sql"
import {
  EpicDependencies,
  Epics,
  type ProjectId,
  Projects,
  type RowRange,
  Stories,
  StoryDependencies,
  type StoryDependency,
  type StoryFilter,
} from "@loopctl/core"
import { Effect, Layer, Option } from "effect"
import { duplicateAs, optional } from "../rows.js"
import { deferredWrite } from "../statement-batching.js"
import { insertAsRecordset } from "./batches.js"
import { countOf, pageStatement, pageWindow, selectPage, totalOf } from "./paging.js"
import { blockedPageRows, blockersByStory, readinessConditions } from "./readiness.js"
import * as T from "./shapes.js"
import { decodeStatusCounts } from "./status-counts.js"
import { storyDetailOf } from "./story-detail.js"

/**
 * SQL implementations of the work-breakdown repositories. They never filter by tenant
 * themselves: every statement runs inside a unit of work whose row-level security limits it to
 * the tenant's rows.
 */

export const ProjectsSql = Layer.effect(
  Projects,
  Effect.map(SqlClient.SqlClient, (sql) =>
    Projects.of({
      insert: (project) =>
        duplicateAs(T.duplicate("project", "slug"))(
          sql`INSERT INTO projects ${sql.insert(T.projects.encode(project))}`,
        ),
      update: (project) =>
        Effect.orDie(
          sql`UPDATE projects SET ${sql.update(T.projects.encode(project), ["id", "tenant_id"])} WHERE id = ${project.id}`,
        ),
      findById: (id) =>
        optional(
          Effect.flatMap(Effect.orDie(sql`SELECT * FROM projects WHERE id = ${id}`), T.projects.decode),
        ),
      // FOR NO KEY UPDATE, not FOR UPDATE: it excludes the other graph writers of the project, but
      // not the key-share locks that inserting an epic, a story or anything else under the
      // project takes on its row.
      findForGraphChange: (id) =>
        optional(
          Effect.flatMap(
            Effect.orDie(sql`SELECT * FROM projects WHERE id = ${id} FOR NO KEY UPDATE`),
            T.projects.decode,
          ),
        ),
      list: (filter, page) => {
        const where = filter.status === "any" ? sql`TRUE` : sql`status = ${filter.status ?? "active"}`
        return selectPage(sql, {
          from: sql`projects`,
          where,
          orderBy: sql`name, id`,
          window: pageWindow(page),
          decode: T.projects.decode,
        })
      },
      countActive: Effect.orDie(
        Effect.map(sql`SELECT count(*) FROM projects WHERE status = 'active'`, countOf),
      ),
    }),
  ),
)

export const EpicsSql = Layer.effect(
  Epics,
  Effect.map(SqlClient.SqlClient, (sql) =>
    Epics.of({
      insert: (epics) =>
        epics.length === 0
          ? Effect.void
          : duplicateAs(T.duplicate("epic", "number"))(
              insertAsRecordset(sql, "epics", epics.map(T.epics.record)),
            ),
      update: (epic) =>
        Effect.orDie(
          sql`UPDATE epics SET ${sql.update(T.epics.encode(epic), ["id", "tenant_id"])} WHERE id = ${epic.id}`,
        ),
      delete: (id) => Effect.orDie(Effect.asVoid(sql`DELETE FROM epics WHERE id = ${id}`)),
      findById: (id) =>
        optional(Effect.flatMap(Effect.orDie(sql`SELECT * FROM epics WHERE id = ${id}`), T.epics.decode)),
      findForUpdate: (id) =>
        optional(
          Effect.flatMap(Effect.orDie(sql`SELECT * FROM epics WHERE id = ${id} FOR UPDATE`), T.epics.decode),
        ),
      // The lock is its own statement, sent in front of the read in the same round trip: in READ
      // COMMITTED each statement takes a new snapshot, so a verify that waited for the epic counts
      // the stories its predecessor committed (one statement locking and counting would count
      // from the snapshot it took before waiting).
      holdWithTally: (id) =>
        Effect.flatMap(
          Effect.orDie(
            Effect.zipRight(
              deferredWrite(sql`SELECT 1 FROM epics WHERE id = ${id} FOR UPDATE`),
              sql`SELECT e.*,
                  (SELECT count(*) FROM stories s WHERE s.epic_id = e.id) AS tally_total,
                  (SELECT count(*) FROM stories s WHERE s.epic_id = e.id AND s.verified_status = 'verified')
                    AS tally_verified,
                  EXISTS (SELECT 1 FROM audit_log a WHERE a.entity_type = 'epic' AND a.entity_id = e.id
                    AND a.action = 'completed') AS completion_recorded
                FROM epics e WHERE e.id = ${id}`,
            ),
          ),
          (rows) => {
            const row = rows[0]
            if (row === undefined) return Effect.succeed(Option.none())
            const { tally_total, tally_verified, completion_recorded, ...epic } = row
            return Effect.map(T.epics.decode([epic]), (decoded) =>
              Option.map(Option.fromNullable(decoded[0]), (found) => ({
                epic: found,
                tally: { total: Number(tally_total ?? 0), verified: Number(tally_verified ?? 0) },
                completion_recorded: completion_recorded === true,
              })),
            )
          },
        ),
      listByProject: (project) =>
        Effect.flatMap(
          Effect.orDie(sql`SELECT * FROM epics WHERE project_id = ${project} ORDER BY position, number`),
          T.epics.decode,
        ),
      pageByProject: (project, filter, page) => {
        const where = sql.and([
          sql`project_id = ${project}`,
          ...(filter.phase === undefined ? [] : [sql`phase = ${filter.phase}`]),
        ])
        return selectPage(sql, {
          from: sql`epics`,
          where,
          orderBy: sql`position, number`,
          window: pageWindow(page),
          decode: T.epics.decode,
        })
      },
      countByProject: (project) =>
        Effect.orDie(Effect.map(sql`SELECT count(*) FROM epics WHERE project_id = ${project}`, countOf)),
    }),
  ),
)

export const StoriesSql = Layer.effect(
  Stories,
  Effect.map(SqlClient.SqlClient, (sql) => {
    const { waitsForStory, waitsForEpic } = readinessConditions(sql)
    const many = (statement: Effect.Effect<ReadonlyArray<Readonly<Record<string, unknown>>>, unknown>) =>
      Effect.flatMap(Effect.orDie(statement), T.stories.decode)
    const listRange = (project: ProjectId, filter: StoryFilter, range: RowRange) => {
      const where = sql.and([
        sql`project_id = ${project}`,
        ...(filter.epic_id === undefined ? [] : [sql`epic_id = ${filter.epic_id}`]),
        ...(filter.agent_status === undefined ? [] : [sql`agent_status = ${filter.agent_status}`]),
        ...(filter.verified_status === undefined ? [] : [sql`verified_status = ${filter.verified_status}`]),
      ])
      return selectPage(sql, {
        from: sql`stories`,
        where,
        orderBy: sql`sort_key, id`,
        window: range,
        decode: T.stories.decode,
      })
    }
    return Stories.of({
      insert: (stories) =>
        stories.length === 0
          ? Effect.void
          : duplicateAs(T.duplicate("story", "number"))(
              insertAsRecordset(sql, "stories", stories.map(T.stories.record)),
            ),
      update: (story) =>
        Effect.orDie(
          deferredWrite(
            sql`UPDATE stories SET ${sql.update(T.stories.encode(story), ["id", "tenant_id"])} WHERE id = ${story.id}`,
          ),
        ),
      delete: (id) => Effect.orDie(Effect.asVoid(sql`DELETE FROM stories WHERE id = ${id}`)),
      findById: (id) => optional(many(sql`SELECT * FROM stories WHERE id = ${id}`)),
      // The row lock makes concurrent transitions of one story queue up; each sees the last result.
      findForUpdate: (id) => optional(many(sql`SELECT * FROM stories WHERE id = ${id} FOR UPDATE`)),
      detailOf: storyDetailOf(sql),
      listByProject: (project, filter, page) =>
        listRange(project, filter, { offset: (page.page - 1) * page.page_size, limit: page.page_size }),
      listByProjectRange: listRange,
      listByEpic: (epic) => many(sql`SELECT * FROM stories WHERE epic_id = ${epic} ORDER BY sort_key, id`),
      listAllByProject: (project) =>
        many(sql`SELECT * FROM stories WHERE project_id = ${project} ORDER BY sort_key, id`),
      tallyByEpic: (epic) =>
        Effect.orDie(
          Effect.map(
            sql`SELECT count(*) AS total, count(*) FILTER (WHERE verified_status = 'verified') AS verified
                FROM stories WHERE epic_id = ${epic}`,
            (rows) => ({ total: Number(rows[0]?.total ?? 0), verified: Number(rows[0]?.verified ?? 0) }),
          ),
        ),
      // One grouped scan of the project's (or epic's) stories through their index; no story is loaded.
      countByStatus: (scope) =>
        Effect.flatMap(
          Effect.orDie(sql`
            SELECT epic_id, agent_status, verified_status, count(*) AS stories,
                   coalesce(sum(estimated_hours), 0) AS estimated_hours
            FROM stories
            WHERE ${"project_id" in scope ? sql`project_id = ${scope.project_id}` : sql`epic_id = ${scope.epic_id}`}
            GROUP BY epic_id, agent_status, verified_status`),
          decodeStatusCounts,
        ),
      // Readiness (core rules/readiness.ts) as two anti-joins through the edge indexes: pending,
      // no unverified direct prerequisite, no unverified story in a prerequisite epic.
      readyPage: (scope, page) =>
        selectPage(sql, {
          columns: sql`s.*`,
          from: sql`stories s`,
          where: sql.and([
            sql`s.agent_status = 'pending'`,
            ...(scope.project_id === undefined ? [] : [sql`s.project_id = ${scope.project_id}`]),
            ...(scope.epic_id === undefined ? [] : [sql`s.epic_id = ${scope.epic_id}`]),
            sql`NOT ${waitsForStory}`,
            sql`NOT ${waitsForEpic}`,
          ]),
          orderBy: sql`s.sort_key, s.id`,
          window: pageWindow(page),
          decode: T.stories.decode,
        }),
      // The same two conditions the other way round (any status), and the page's blockers, in
      // one statement (a page past the end adds a count).
      blockedPage: (scope, page) =>
        Effect.gen(function* () {
          const query = {
            columns: sql`s.*`,
            from: sql`stories s`,
            where: sql.and([
              ...(scope.project_id === undefined ? [] : [sql`s.project_id = ${scope.project_id}`]),
              sql`(${waitsForStory} OR ${waitsForEpic})`,
            ]),
            orderBy: sql`s.sort_key, s.id`,
            window: pageWindow(page),
          }
          const found = yield* blockedPageRows(sql, pageStatement(sql, query))
          const total_count = yield* Effect.orDie(totalOf(sql, query, found.page))
          const stories = yield* T.stories.decode(found.page)
          const blockers = blockersByStory(found.blockers, yield* T.stories.decode(found.blockers))
          return {
            items: stories.map((story) => ({
              story,
              blocking_dependencies: blockers.get(story.id) ?? [],
            })),
            total_count,
          }
        }),
      prerequisitesOf: (story) =>
        Effect.gen(function* () {
          const rows = yield* Effect.orDie(sql`
            SELECT s.*, 'story' AS via FROM story_dependencies d JOIN stories s ON s.id = d.depends_on_story_id
              WHERE d.story_id = ${story.id}
            UNION ALL
            SELECT s.*, 'epic' AS via FROM epic_dependencies e JOIN stories s ON s.epic_id = e.depends_on_epic_id
              WHERE e.epic_id = ${story.epic_id}
            ORDER BY sort_key, id`)
          const strip = (via: string) =>
            rows.filter((row) => row.via === via).map(({ via: _via, ...rest }) => rest)
          return {
            stories: yield* T.stories.decode(strip("story")),
            epic_stories: yield* T.stories.decode(strip("epic")),
          }
        }),
    })
  }),
)

/**
 * The repository of one kind of dependency edge. Story and epic edges differ only in their
 * table, their codec and the parent whose project an edge belongs to.
 */
const edgeRepository = <Edge extends { readonly id: string }>(
  sql: SqlClient.SqlClient,
  edge: {
    readonly entity: string
    readonly table: string
    /** The table of the dependent end and the edge column naming it. */
    readonly parent: { readonly table: string; readonly column: string }
    readonly codec: {
      readonly record: (edge: Edge) => Record<string, unknown>
      readonly decode: (
        rows: ReadonlyArray<Readonly<Record<string, unknown>>>,
      ) => Effect.Effect<ReadonlyArray<Edge>>
    }
  },
) => {
  const table = sql(edge.table)
  return {
    insert: (edges: ReadonlyArray<Edge>) =>
      edges.length === 0
        ? Effect.void
        : duplicateAs(T.duplicate(edge.entity, "pair"))(
            insertAsRecordset(sql, edge.table, edges.map(edge.codec.record)),
          ),
    delete: (id: string) =>
      Effect.orDie(
        Effect.map(sql`DELETE FROM ${table} WHERE id = ${id} RETURNING id`, (rows) => rows.length > 0),
      ),
    findById: (id: string) =>
      optional(Effect.flatMap(Effect.orDie(sql`SELECT * FROM ${table} WHERE id = ${id}`), edge.codec.decode)),
    listByProject: (project: string) =>
      Effect.flatMap(
        Effect.orDie(sql`
          SELECT d.* FROM ${table} d JOIN ${sql(edge.parent.table)} p ON p.id = d.${sql(edge.parent.column)}
          WHERE p.project_id = ${project} ORDER BY d.inserted_at, d.id`),
        edge.codec.decode,
      ),
  }
}

export const StoryDependenciesSql = Layer.effect(
  StoryDependencies,
  Effect.map(SqlClient.SqlClient, (sql) =>
    StoryDependencies.of({
      ...edgeRepository<StoryDependency>(sql, {
        entity: "story_dependency",
        table: "story_dependencies",
        parent: { table: "stories", column: "story_id" },
        codec: T.storyDependencies,
      }),
      // Two index lookups (by dependent, by prerequisite) over the epic's stories.
      listByEpic: (epic) =>
        Effect.flatMap(
          Effect.orDie(sql`
            SELECT d.* FROM story_dependencies d
            WHERE d.story_id IN (SELECT id FROM stories WHERE epic_id = ${epic})
               OR d.depends_on_story_id IN (SELECT id FROM stories WHERE epic_id = ${epic})
            ORDER BY d.inserted_at, d.id`),
          T.storyDependencies.decode,
        ),
    }),
  ),
)

export const EpicDependenciesSql = Layer.effect(
  EpicDependencies,
  Effect.map(SqlClient.SqlClient, (sql) =>
    EpicDependencies.of(
      edgeRepository(sql, {
        entity: "epic_dependency",
        table: "epic_dependencies",
        parent: { table: "epics", column: "epic_id" },
        codec: T.epicDependencies,
      }),
    ),
  ),
)
