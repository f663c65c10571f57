import { HttpApiEndpoint, HttpApiGroup, HttpApiSchema, OpenApi } from "@effect/platform"
import {
  ApiKeyId,
  AuditActions,
  AuditActorType,
  AuditEntryId,
  JsonObject,
  ProjectId,
  Timestamp,
} from "@loopctl/core"
import { Schema } from "effect"
import { requireAction, requireRole } from "../contract/access.js"
import { PageMeta, pageQueryFields } from "../contract/list-meta.js"
import { payloadStruct } from "../contract/payload.js"
import {
  choiceQuery,
  countQuery,
  filterTextQuery,
  idQuery,
  queryText,
  sinceQuery,
  timeQuery,
} from "../contract/query-fields.js"

/** A story id in a path. Any text is routed; the handler answers 404 for one that is not a uuid. */
const storyId = HttpApiSchema.param("id", Schema.String)

/** A row of `GET /api/v1/audit`: one audit entry, every field but its tenant. */
export const AuditRowView = Schema.Struct({
  id: AuditEntryId,
  entity_type: Schema.String,
  entity_id: Schema.UUID,
  action: Schema.String,
  actor_type: AuditActorType,
  actor_id: Schema.NullOr(ApiKeyId),
  actor_label: Schema.NullOr(Schema.String),
  old_state: Schema.NullOr(JsonObject),
  new_state: Schema.NullOr(JsonObject),
  project_id: Schema.NullOr(ProjectId),
  metadata: JsonObject,
  inserted_at: Timestamp,
}).annotations({ identifier: "AuditEntry" })

/** A row of `GET /api/v1/changes`: an audit entry without `old_state` and `actor_id`. */
export const ChangeRowView = AuditRowView.pipe(Schema.omit("old_state", "actor_id")).annotations({
  identifier: "ChangeEntry",
})

/** A row of a story's history: the entity id and project are the story's own. */
export const HistoryRowView = AuditRowView.pipe(Schema.omit("entity_id", "project_id")).annotations({
  identifier: "HistoryEntry",
})

/** The original's page object, kept beside `meta` (D13). */
export const Pagination = Schema.Struct({
  total: Schema.Int,
  page: Schema.Int,
  page_size: Schema.Int,
}).annotations({ identifier: "Pagination" })

/** `GET /api/v1/audit`. */
export const AuditList = Schema.Struct({
  data: Schema.Array(AuditRowView),
  pagination: Pagination,
  meta: PageMeta,
}).annotations({ identifier: "AuditList" })

/** `GET /api/v1/changes`: a batch and the cursor of the next one (null when nothing follows). */
export const ChangeFeed = Schema.Struct({
  data: Schema.Array(ChangeRowView),
  has_more: Schema.Boolean,
  next_since: Schema.NullOr(Timestamp),
}).annotations({ identifier: "ChangeFeed" })

/** `GET /api/v1/stories/:id/history`. */
export const StoryHistory = Schema.Struct({
  data: Schema.Array(HistoryRowView),
  pagination: Pagination,
  meta: PageMeta,
}).annotations({ identifier: "StoryHistory" })

/**
 * The filters the tenant's and the superadmin's audit lists share. A malformed uuid filter is a
 * 404, as a malformed id is everywhere (the original's cast error), before any 400 (D26).
 */
export const auditFilterFields = {
  entity_type: filterTextQuery("Entity type, e.g. story, project, agent"),
  entity_id: idQuery("Entity id (a uuid)", Schema.UUID),
  action: filterTextQuery("Action, e.g. created, status_changed"),
  actor_type: choiceQuery("api_key, superadmin, system or human", AuditActorType.literals),
  actor_id: idQuery("The acting API key's id (a uuid)", Schema.UUID),
  from: timeQuery("Earliest inserted_at, inclusive (ISO-8601 with a zone)"),
  to: timeQuery("Latest inserted_at, inclusive (ISO-8601 with a zone)"),
}

/**
 * The audit list query, typed: equality filters (empty ones ignored), an inclusive time range,
 * the page. The use case reads it once the caller may list (a refused role is a 403 whatever the
 * query holds), so the endpoint declares it as text ({@link AuditQueryText}).
 */
export const AuditQuery = payloadStruct({
  ...auditFilterFields,
  project_id: idQuery("Project id (a uuid)", Schema.UUID),
  ...pageQueryFields,
})

/** {@link AuditQuery} as the endpoint declares it. */
export const AuditQueryText = queryText(AuditQuery)

/**
 * The change feed query: `since` answers first (missing: 400 saying it is required; not an
 * instant with a zone: 400 saying so), then a malformed project id (404), then the batch size.
 */
export const ChangesQuery = payloadStruct({
  since: sinceQuery("Required: entries inserted strictly after this instant (ISO-8601 with Z or an offset)"),
  limit: countQuery("Batch size (default 1000; more than 1000 is served as 1000)", 1),
  project_id: idQuery("Project id (a uuid)", Schema.UUID),
  entity_type: filterTextQuery("Entity type"),
  action: filterTextQuery("Action"),
})

/** The story history query, typed: the page (100 by default, at most 100). Read after the caller's scope. */
export const HistoryQuery = payloadStruct({
  page: pageQueryFields.page,
  page_size: countQuery("Entries per page (default 100; more than 100 is served as 100)", 1),
  limit: pageQueryFields.limit,
})

/** {@link HistoryQuery} as the endpoint declares it. */
export const HistoryQueryText = queryText(HistoryQuery)

/** The `audit` group: the tenant's audit trail, its change feed and one story's history. */
export class AuditGroup extends HttpApiGroup.make("audit")
  .add(
    HttpApiEndpoint.get("list", "/api/v1/audit")
      .setUrlParams(AuditQueryText)
      .addSuccess(AuditList)
      .annotate(
        OpenApi.Summary,
        "The tenant's audit trail, newest first; filter by entity, action, actor, time",
      )
      .pipe(requireAction(AuditActions.list)),
  )
  .add(
    HttpApiEndpoint.get("changes", "/api/v1/changes")
      .setUrlParams(ChangesQuery)
      .addSuccess(ChangeFeed)
      .annotate(OpenApi.Summary, "Change feed: audit entries after `since`, oldest first, with a cursor")
      // Its policy's role rule, but no admission by the middleware: `since` is checked before the
      // caller's tenant (a superadmin impersonating nobody hears 400 first), so the handler runs
      // the whole policy after parsing the query.
      .pipe(requireRole(AuditActions.changes.role)),
  )
  .add(
    HttpApiEndpoint.get("storyHistory")`/api/v1/stories/${storyId}/history`
      .setUrlParams(HistoryQueryText)
      .addSuccess(StoryHistory)
      .annotate(OpenApi.Summary, "A story's audit history and token usage reports, oldest first")
      .pipe(requireAction(AuditActions.storyHistory)),
  )
  .annotate(OpenApi.Description, "The append-only audit trail of the caller's tenant") {}
