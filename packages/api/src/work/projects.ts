import { HttpApiEndpoint, HttpApiGroup, HttpApiSchema, OpenApi } from "@effect/platform"
import {
  Project,
  ProjectProgress,
  WorkActions,
  ProjectCreation as WorkProjectCreation,
  ProjectPatch as WorkProjectPatch,
} from "@loopctl/core"
import { Schema } from "effect"
import { TenantScoped, requireAction } from "../contract/access.js"
import { PageMeta, pageQueryFields } from "../contract/list-meta.js"
import { payloadStruct } from "../contract/payload.js"
import { queryField, queryType } from "../contract/query-fields.js"

/** A project id in a path. Any text is routed; the handler answers 404 for one that is not a uuid. */
const projectId = HttpApiSchema.param("id", Schema.String)

const Count = Schema.Int.pipe(Schema.nonNegative())

/** The body of `POST /api/v1/projects`: the domain's limits of each field. */
export const ProjectCreation = WorkProjectCreation.annotations({ identifier: "ProjectCreation" })

/** The body of `PATCH /api/v1/projects/:id`: the writable fields, each optional; null fields and the slug are ignored. */
export const ProjectPatch = WorkProjectPatch.annotations({ identifier: "ProjectPatch" })

/** `{project:{…}}`. */
export const ProjectBody = Schema.Struct({ project: Project }).annotations({ identifier: "ProjectBody" })

/** One project with how much it holds. */
export const ProjectDetailView = Schema.Struct({
  ...Project.fields,
  epic_count: Count,
  story_count: Count,
}).annotations({ identifier: "ProjectDetail" })

/** `{project:{…, epic_count, story_count}}`. */
export const ProjectDetailBody = Schema.Struct({ project: ProjectDetailView }).annotations({
  identifier: "ProjectDetailBody",
})

/** A page of projects, by name. */
export const ProjectList = Schema.Struct({
  data: Schema.Array(Project),
  meta: PageMeta,
}).annotations({ identifier: "ProjectList" })

/** The project list query. */
export const ProjectListQuery = payloadStruct({
  status: queryField("active, archived, or any for both", queryType.oneOf("active", "archived", "any")),
  include_archived: queryField(
    "true or 1 lists archived projects too (default: active only)",
    queryType.flag,
  ),
  ...pageQueryFields,
})

/** `{progress:{…}}` of a project. */
export const ProjectProgressBody = Schema.Struct({ progress: ProjectProgress }).annotations({
  identifier: "ProjectProgressBody",
})

/** The `projects` group: the tenant's projects, the top of the work breakdown. */
export class ProjectsGroup extends HttpApiGroup.make("projects")
  .add(
    HttpApiEndpoint.post("create", "/api/v1/projects")
      .setPayload(ProjectCreation)
      .addSuccess(ProjectBody, { status: 201 })
      .annotate(OpenApi.Summary, "Create a project (422 once the tenant's max_projects are active)")
      .pipe(requireAction(WorkActions.createProject)),
  )
  .add(
    HttpApiEndpoint.get("list", "/api/v1/projects")
      .setUrlParams(ProjectListQuery)
      .addSuccess(ProjectList)
      .annotate(OpenApi.Summary, "The tenant's projects by name; active ones unless asked otherwise")
      .pipe(requireAction(WorkActions.listProjects)),
  )
  .add(
    HttpApiEndpoint.get("show")`/api/v1/projects/${projectId}`
      .addSuccess(ProjectDetailBody)
      .annotate(OpenApi.Summary, "One project with its epic and story counts (archived ones too)")
      .pipe(requireAction(WorkActions.readProject)),
  )
  .add(
    HttpApiEndpoint.patch("update")`/api/v1/projects/${projectId}`
      .setPayload(ProjectPatch)
      .addSuccess(ProjectBody)
      .annotate(OpenApi.Summary, "Change a project's writable fields (the slug is immutable)")
      .pipe(requireAction(WorkActions.updateProject)),
  )
  .add(
    HttpApiEndpoint.del("archive")`/api/v1/projects/${projectId}`
      .addSuccess(ProjectBody)
      .annotate(OpenApi.Summary, "Archive a project: it stays readable and leaves the default list")
      .pipe(requireAction(WorkActions.archiveProject)),
  )
  .add(
    HttpApiEndpoint.get("progress")`/api/v1/projects/${projectId}/progress`
      .addSuccess(ProjectProgressBody)
      .annotate(
        OpenApi.Summary,
        "Stories per agent and verified status, completed epics, verified share and estimated hours",
      )
      .pipe(requireAction(WorkActions.readProject)),
  )
  .annotate(OpenApi.Description, "Projects of the caller's tenant")
  .annotate(TenantScoped, true) {}
