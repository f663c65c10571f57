import type { SqlClient } from "@effect/sql"
import type { PageRequest, StoryDetail, StoryId } from "@loopctl/core"
import { Effect, Option, Schema } from "effect"
import { pageWindow } from "./paging.js"
import * as T from "./shapes.js"

/**
 * The columns the detail statement selects beside the story's own. The edges and artifacts come
 * as JSON arrays of whole rows (`to_jsonb`), decoded with the tables' own row codecs; jsonb keeps
 * a timestamptz as ISO text with its offset, which those codecs read like the driver's text.
 */
const DetailColumns = Schema.Struct({
  detail_dependencies: Schema.Array(Schema.Record({ key: Schema.String, value: Schema.Unknown })),
  detail_artifacts: Schema.Array(Schema.Record({ key: Schema.String, value: Schema.Unknown })),
  detail_artifact_count: Schema.Number,
  detail_iteration_count: Schema.Number,
  detail_project_mission: Schema.NullOr(Schema.String),
})
// Built once, not per read.
const decodeDetailColumns = Schema.decodeUnknown(DetailColumns)

/**
 * `Stories.detailOf` in one statement: the story row, and beside it one subquery per part —
 * its own edges, one page of its artifacts and their count, its last iteration and its
 * project's mission — each through its table's (tenant, story) index. `GET /stories/:id` costs
 * one round trip inside its transaction instead of six.
 */
export const storyDetailOf =
  (sql: SqlClient.SqlClient) =>
  (id: StoryId, artifacts: PageRequest): Effect.Effect<Option.Option<StoryDetail>> =>
    Effect.orDie(
      Effect.gen(function* () {
        const window = pageWindow(artifacts)
        const rows = yield* sql`
          SELECT s.*,
            (SELECT coalesce(jsonb_agg(to_jsonb(d) ORDER BY d.inserted_at, d.id), '[]'::jsonb)
               FROM story_dependencies d
               WHERE d.tenant_id = s.tenant_id AND d.story_id = s.id) AS detail_dependencies,
            (SELECT coalesce(jsonb_agg(to_jsonb(a) ORDER BY a.inserted_at, a.id), '[]'::jsonb)
               FROM (SELECT * FROM artifact_reports r
                     WHERE r.tenant_id = s.tenant_id AND r.story_id = s.id
                     ORDER BY r.inserted_at, r.id LIMIT ${window.limit} OFFSET ${window.offset}) a
            ) AS detail_artifacts,
            (SELECT count(*)::integer FROM artifact_reports r
               WHERE r.tenant_id = s.tenant_id AND r.story_id = s.id) AS detail_artifact_count,
            (SELECT coalesce(max(v.iteration), 0)::integer FROM verification_results v
               WHERE v.tenant_id = s.tenant_id AND v.story_id = s.id) AS detail_iteration_count,
            (SELECT p.mission FROM projects p
               WHERE p.tenant_id = s.tenant_id AND p.id = s.project_id) AS detail_project_mission
          FROM stories s WHERE s.id = ${id}`
        const row = rows[0]
        if (row === undefined) return Option.none()
        const {
          detail_dependencies,
          detail_artifacts,
          detail_artifact_count,
          detail_iteration_count,
          detail_project_mission,
          ...storyRow
        } = row
        const parts = yield* decodeDetailColumns({
          detail_dependencies,
          detail_artifacts,
          detail_artifact_count,
          detail_iteration_count,
          detail_project_mission,
        })
        const [story] = yield* T.stories.decode([storyRow])
        if (story === undefined) return Option.none()
        return Option.some({
          story,
          dependencies: yield* T.storyDependencies.decode(parts.detail_dependencies),
          artifacts: {
            items: yield* T.artifactReports.decode(parts.detail_artifacts),
            total_count: parts.detail_artifact_count,
          },
          iteration_count: parts.detail_iteration_count,
          project_mission: parts.detail_project_mission,
        })
      }),
    )
