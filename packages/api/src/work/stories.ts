import { HttpApiEndpoint, HttpApiGroup, HttpApiSchema, OpenApi } from "@effect/platform"
import {
  AcceptanceCriterion,
  AgentStatus,
  ArtifactReport,
  EpicId,
  ProjectId,
  Story,
  VerifiedStatus,
  WorkActions,
  ProjectStoryCreation as WorkProjectStoryCreation,
  StoryCreation as WorkStoryCreation,
  StoryPatch as WorkStoryPatch,
} from "@loopctl/core"
import { Schema } from "effect"
import { TenantScoped, requireAction } from "../contract/access.js"
import { PageMeta } from "../contract/list-meta.js"
import { payloadStruct } from "../contract/payload.js"
import { choiceQuery, countQuery, idQuery, queryText, requiredIdQuery } from "../contract/query-fields.js"

/** An id in a path. Any text is routed; the handler answers 404 for one that is not a uuid. */
const id = HttpApiSchema.param("id", Schema.String)

/** The body of `POST /api/v1/epics/:id/stories`: the domain's limits of each field. */
export const StoryCreation = WorkStoryCreation.annotations({ identifier: "StoryCreation" })

/**
 * The body of `POST /api/v1/projects/:id/stories`: a story and the number of its epic. A body
 * without a usable `epic_number` is refused with a message saying so (its refusal summary), so
 * the server decodes it in the handler.
 */
export const ProjectStoryCreation = WorkProjectStoryCreation.annotations({
  identifier: "ProjectStoryCreation",
})

/** The body of `PATCH /api/v1/stories/:id`. Statuses, number and epic are not writable and are ignored. */
export const StoryChangesBody = WorkStoryPatch.annotations({ identifier: "StoryChanges" })

/** `{story:{…}}`. */
export const SingleStory = Schema.Struct({ story: Story }).annotations({ identifier: "SingleStory" })

/** An edge where the story is the dependent, as the story view lists it. */
export const StoryEdgeView = Schema.Struct({
  story_id: Story.fields.id,
  depends_on_story_id: Story.fields.id,
}).annotations({ identifier: "StoryEdge" })

/** `GET /api/v1/stories/:id`: the story with its edges, first artifacts and verification count. */
export const StoryDetailBody = Schema.Struct({
  story: Schema.Struct({
    ...Story.fields,
    dependencies: Schema.Array(StoryEdgeView),
    artifacts: Schema.Array(ArtifactReport),
    /** Always null; the latest outcome is read from `/stories/:id/verifications`. */
    latest_verification: Schema.Null,
    iteration_count: Schema.Int,
    project_mission: Schema.optional(Schema.String),
  }).annotations({ identifier: "StoryDetail" }),
}).annotations({ identifier: "StoryDetailBody" })

/** The `meta` of `GET /api/v1/stories`: the original's limit/offset beside the page view (D13). */
export const StoryListMeta = Schema.Struct({
  ...PageMeta.fields,
  limit: Schema.Int,
  offset: Schema.Int,
}).annotations({ identifier: "StoryListMeta" })

/** `GET /api/v1/stories`. */
export const StoryList = Schema.Struct({
  data: Schema.Array(Story),
  meta: StoryListMeta,
}).annotations({ identifier: "StoryList" })

/** A page of an epic's stories. */
export const EpicStoryList = Schema.Struct({
  data: Schema.Array(Story),
  meta: PageMeta,
}).annotations({ identifier: "EpicStoryList" })

/** A story as the queues show it: who, where and its two statuses. */
export const QueuedStory = Schema.Struct({
  id: Story.fields.id,
  tenant_id: Story.fields.tenant_id,
  project_id: Story.fields.project_id,
  epic_id: Story.fields.epic_id,
  number: Story.fields.number,
  title: Story.fields.title,
  agent_status: Story.fields.agent_status,
  verified_status: Story.fields.verified_status,
  sort_key: Story.fields.sort_key,
  inserted_at: Story.fields.inserted_at,
  updated_at: Story.fields.updated_at,
}).annotations({ identifier: "QueuedStory" })

/** A story that holds another back. */
export const BlockingStory = Schema.Struct({
  id: Story.fields.id,
  number: Story.fields.number,
  title: Story.fields.title,
  agent_status: Story.fields.agent_status,
  verified_status: Story.fields.verified_status,
}).annotations({ identifier: "BlockingStory" })

/** `GET /api/v1/stories/ready`. */
export const ReadyStoryList = Schema.Struct({
  data: Schema.Array(QueuedStory),
  meta: PageMeta,
}).annotations({ identifier: "ReadyStoryList" })

/** `GET /api/v1/stories/blocked`. */
export const BlockedStoryList = Schema.Struct({
  data: Schema.Array(
    Schema.Struct({ story: QueuedStory, blocking_dependencies: Schema.Array(BlockingStory) }),
  ),
  meta: PageMeta,
}).annotations({ identifier: "BlockedStoryList" })

/** `GET /api/v1/stories/:id/acceptance_criteria`: every criterion, one page (D13). */
export const AcceptanceCriterionList = Schema.Struct({
  data: Schema.Array(AcceptanceCriterion),
  meta: PageMeta,
}).annotations({ identifier: "AcceptanceCriterionList" })

const statusFilters = {
  agent_status: choiceQuery(
    "pending, contracted, assigned, implementing or reported_done",
    AgentStatus.literals,
  ),
  verified_status: choiceQuery("unverified, verified or rejected", VerifiedStatus.literals),
}

/**
 * The query of `GET /api/v1/stories`. The first refusal of an id answers on its own, in order:
 * a malformed `project_id` is a 404, a missing one a 400 saying it is required, a malformed
 * `epic_id` a 404; only then are bad statuses and numbers a 400 naming each (D26).
 */
export const StoryListQuery = payloadStruct({
  project_id: requiredIdQuery(
    "Required: the project whose stories to list",
    ProjectId,
    "project_id_required",
  ),
  epic_id: idQuery("Only this epic's stories", EpicId),
  ...statusFilters,
  limit: countQuery("Stories to return (default 100; more than 500 is served as 500)", 1),
  page_size: countQuery("Alias of limit (limit wins)", 1),
  offset: countQuery("Stories to skip (default 0)", 0),
})

const epicStoryFields = {
  page: countQuery("1-based page number (default 1)", 1),
  page_size: countQuery("Stories per page (default 20; more than 100 is served as 100)", 1),
  limit: countQuery("Alias of page_size (page_size wins)", 1),
}

/**
 * The query of an epic's story list, typed. The server decodes it with `decodeQuery` once the
 * epic is known (an unknown epic is a 404 whatever the query holds), so the endpoint declares
 * it as text ({@link EpicStoryQueryText}); both describe the same parameters.
 */
export const EpicStoryQuery = payloadStruct({ ...statusFilters, ...epicStoryFields })

/** {@link EpicStoryQuery} as the endpoint declares it: the same parameters, as text. */
export const EpicStoryQueryText = queryText(EpicStoryQuery)

const queuePage = {
  page: countQuery("1-based page number (default 1)", 1),
  page_size: countQuery("Stories per page (default 100; more than 500 is served as 500)", 1),
  limit: countQuery("Alias of page_size", 1),
}

/** The query of `GET /api/v1/stories/ready`. A malformed id is a 404 before any page refusal. */
export const ReadyQuery = payloadStruct({
  project_id: idQuery("One project's stories (default: every project of the tenant)", ProjectId),
  epic_id: idQuery("Only this epic's stories", EpicId),
  ...queuePage,
})

/** The query of `GET /api/v1/stories/blocked`. */
export const BlockedQuery = payloadStruct({
  project_id: idQuery("One project's stories (default: every project of the tenant)", ProjectId),
  ...queuePage,
})

/**
 * The `stories` group: stories under their epics and projects, the story list with its filters,
 * the ready and blocked queues, one story, its changes and its acceptance criteria. Statuses are
 * never written here; the lifecycle endpoints move them.
 */
export class StoriesGroup extends HttpApiGroup.make("stories")
  .add(
    HttpApiEndpoint.post("create")`/api/v1/epics/${id}/stories`
      .setPayload(StoryCreation)
      .addSuccess(SingleStory, { status: 201 })
      .annotate(OpenApi.Summary, "Create a story in the epic (pending, unverified)")
      .pipe(requireAction(WorkActions.createStory)),
  )
  .add(
    HttpApiEndpoint.post("createInProject")`/api/v1/projects/${id}/stories`
      .setPayload(ProjectStoryCreation)
      .addSuccess(SingleStory, { status: 201 })
      .annotate(OpenApi.Summary, "Create a story in the project's epic named by epic_number")
      .pipe(requireAction(WorkActions.createStory)),
  )
  .add(
    HttpApiEndpoint.get("listOfEpic")`/api/v1/epics/${id}/stories`
      .setUrlParams(EpicStoryQueryText)
      .addSuccess(EpicStoryList)
      .annotate(OpenApi.Summary, "The epic's stories by number; filter by agent and verified status")
      .pipe(requireAction(WorkActions.listStories)),
  )
  .add(
    HttpApiEndpoint.get("list", "/api/v1/stories")
      .setUrlParams(StoryListQuery)
      .addSuccess(StoryList)
      .annotate(
        OpenApi.Summary,
        "A project's stories by number; filter by epic and status, read by limit/offset",
      )
      .pipe(requireAction(WorkActions.listStories)),
  )
  .add(
    HttpApiEndpoint.get("ready", "/api/v1/stories/ready")
      .setUrlParams(ReadyQuery)
      .addSuccess(ReadyStoryList)
      .annotate(OpenApi.Summary, "Stories an agent may pick up: pending, every prerequisite verified")
      .pipe(requireAction(WorkActions.readQueue)),
  )
  .add(
    HttpApiEndpoint.get("blocked", "/api/v1/stories/blocked")
      .setUrlParams(BlockedQuery)
      .addSuccess(BlockedStoryList)
      .annotate(OpenApi.Summary, "Stories waiting for an unverified prerequisite, with what blocks them")
      .pipe(requireAction(WorkActions.readQueue)),
  )
  .add(
    HttpApiEndpoint.get("show")`/api/v1/stories/${id}`
      .addSuccess(StoryDetailBody)
      .annotate(OpenApi.Summary, "One story with its dependencies, artifacts and verification count")
      .pipe(requireAction(WorkActions.readStory)),
  )
  .add(
    HttpApiEndpoint.patch("update")`/api/v1/stories/${id}`
      .setPayload(StoryChangesBody)
      .addSuccess(SingleStory)
      .annotate(OpenApi.Summary, "Change a story's title, description, criteria, estimate or metadata")
      .pipe(requireAction(WorkActions.updateStory)),
  )
  .add(
    HttpApiEndpoint.del("delete")`/api/v1/stories/${id}`
      .addSuccess(HttpApiSchema.NoContent)
      .annotate(OpenApi.Summary, "Delete a story with its dependencies and records")
      .pipe(requireAction(WorkActions.deleteStory)),
  )
  .add(
    HttpApiEndpoint.get("acceptanceCriteria")`/api/v1/stories/${id}/acceptance_criteria`
      .addSuccess(AcceptanceCriterionList)
      .annotate(OpenApi.Summary, "The story's acceptance criteria as rows, ordered by ac_id")
      .pipe(requireAction(WorkActions.readStory)),
  )
  .annotate(OpenApi.Description, "Stories of the caller's tenant and the queues derived from them")
  .annotate(TenantScoped, true) {}
