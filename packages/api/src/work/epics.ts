import { HttpApiEndpoint, HttpApiGroup, HttpApiSchema, OpenApi } from "@effect/platform"
import {
  AgentStatus,
  Epic,
  EpicProgress,
  StoryId,
  StoryNumber,
  VerifiedStatus,
  WorkActions,
  EpicCreation as WorkEpicCreation,
  EpicPatch as WorkEpicPatch,
} from "@loopctl/core"
import { Schema } from "effect"
import { TenantScoped, requireAction } from "../contract/access.js"
import { PageMeta, pageQueryFields } from "../contract/list-meta.js"
import { payloadStruct } from "../contract/payload.js"
import { queryField, queryType } from "../contract/query-fields.js"

/** An id in a path. Any text is routed; the handler answers 404 for one that is not a uuid. */
const projectId = HttpApiSchema.param("id", Schema.String)
const epicId = HttpApiSchema.param("id", Schema.String)

const Count = Schema.Int.pipe(Schema.nonNegative())

/** The body of `POST /api/v1/projects/:id/epics`: the domain's limits of each field. */
export const EpicCreation = WorkEpicCreation.annotations({ identifier: "EpicCreation" })

/** The body of `PATCH /api/v1/epics/:id`: the writable fields, each optional; null fields and the number are ignored. */
export const EpicPatch = WorkEpicPatch.annotations({ identifier: "EpicPatch" })

/** `{epic:{…}}`. */
export const EpicBody = Schema.Struct({ epic: Epic }).annotations({ identifier: "EpicBody" })

/** A story as an epic lists it. */
export const EpicStoryRow = Schema.Struct({
  id: StoryId,
  number: StoryNumber,
  title: Schema.String,
  agent_status: AgentStatus,
  verified_status: VerifiedStatus,
}).annotations({ identifier: "EpicStory" })

/** One epic with its stories in sort_key order. */
export const EpicDetailView = Schema.Struct({
  ...Epic.fields,
  stories: Schema.Array(EpicStoryRow),
}).annotations({ identifier: "EpicDetail" })

/** `{epic:{…, stories:[…]}}`. */
export const EpicDetailBody = Schema.Struct({ epic: EpicDetailView }).annotations({
  identifier: "EpicDetailBody",
})

/** A row of the epic list: the epic, its story count and the share of them verified. */
export const EpicListRow = Schema.Struct({
  ...Epic.fields,
  story_count: Count,
  completion_percentage: Schema.Number.annotations({
    description: "Verified stories out of all, in percent with one decimal (0 when there are none)",
  }),
}).annotations({ identifier: "EpicSummary" })

/** A page of a project's epics, by position then number. */
export const EpicList = Schema.Struct({
  data: Schema.Array(EpicListRow),
  meta: PageMeta,
}).annotations({ identifier: "EpicList" })

/** The epic list query. */
export const EpicListQuery = payloadStruct({
  phase: queryField("Only epics of this phase", queryType.text),
  ...pageQueryFields,
})

/** `{progress:{…}}` of an epic: the two breakdowns, no totals. */
export const EpicProgressBody = Schema.Struct({ progress: EpicProgress }).annotations({
  identifier: "EpicProgressBody",
})

/** The `epics` group: the epics of a project, each a group of stories. */
export class EpicsGroup extends HttpApiGroup.make("epics")
  .add(
    HttpApiEndpoint.post("create")`/api/v1/projects/${projectId}/epics`
      .setPayload(EpicCreation)
      .addSuccess(EpicBody, { status: 201 })
      .annotate(OpenApi.Summary, "Create an epic in a project (422 when its number is taken)")
      .pipe(requireAction(WorkActions.createEpic)),
  )
  .add(
    HttpApiEndpoint.get("list")`/api/v1/projects/${projectId}/epics`
      .setUrlParams(EpicListQuery)
      .addSuccess(EpicList)
      .annotate(
        OpenApi.Summary,
        "A project's epics by position then number, with story counts and completion",
      )
      .pipe(requireAction(WorkActions.listEpics)),
  )
  .add(
    HttpApiEndpoint.get("show")`/api/v1/epics/${epicId}`
      .addSuccess(EpicDetailBody)
      .annotate(OpenApi.Summary, "One epic with its stories (id, number, title, statuses) in sort_key order")
      .pipe(requireAction(WorkActions.readEpic)),
  )
  .add(
    HttpApiEndpoint.patch("update")`/api/v1/epics/${epicId}`
      .setPayload(EpicPatch)
      .addSuccess(EpicBody)
      .annotate(OpenApi.Summary, "Change an epic's writable fields (the number is immutable)")
      .pipe(requireAction(WorkActions.updateEpic)),
  )
  .add(
    HttpApiEndpoint.del("delete")`/api/v1/epics/${epicId}`
      .addSuccess(HttpApiSchema.NoContent)
      .annotate(OpenApi.Summary, "Delete an epic with its stories and everything hanging off them")
      .pipe(requireAction(WorkActions.deleteEpic)),
  )
  .add(
    HttpApiEndpoint.get("progress")`/api/v1/epics/${epicId}/progress`
      .addSuccess(EpicProgressBody)
      .annotate(OpenApi.Summary, "The epic's stories per agent status and per verified status")
      .pipe(requireAction(WorkActions.readEpic)),
  )
  .annotate(OpenApi.Description, "Epics of the caller's projects")
  .annotate(TenantScoped, true) {}
