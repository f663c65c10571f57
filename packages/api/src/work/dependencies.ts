import { HttpApiEndpoint, HttpApiGroup, HttpApiSchema, OpenApi } from "@effect/platform"
import {
  Epic,
  EpicDependency,
  Story,
  StoryDependency,
  WorkActions,
  EpicDependencyCreation as WorkEpicDependencyCreation,
  StoryDependencyCreation as WorkStoryDependencyCreation,
} from "@loopctl/core"
import { Schema } from "effect"
import { TenantScoped, requireAction } from "../contract/access.js"
import { Enveloped } from "../contract/errors.js"
import { PageMeta } from "../contract/list-meta.js"

/** An id in a path. Any text is routed; the handler answers 404 for one that is not a uuid. */
const id = HttpApiSchema.param("id", Schema.String)

/** The body of `POST /api/v1/story_dependencies`. */
export const StoryDependencyCreation = WorkStoryDependencyCreation.annotations({
  identifier: "StoryDependencyCreation",
})

/** The body of `POST /api/v1/epic_dependencies`. */
export const EpicDependencyCreation = WorkEpicDependencyCreation.annotations({
  identifier: "EpicDependencyCreation",
})

/** `{story_dependency:{…}}`. */
export const StoryDependencyBody = Schema.Struct({ story_dependency: StoryDependency }).annotations({
  identifier: "StoryDependencyBody",
})

/** `{epic_dependency:{…}}`. */
export const EpicDependencyBody = Schema.Struct({ epic_dependency: EpicDependency }).annotations({
  identifier: "EpicDependencyBody",
})

/** Every story edge touching an epic, as one page (D13). */
export const StoryDependencyList = Schema.Struct({
  data: Schema.Array(StoryDependency),
  meta: PageMeta,
}).annotations({ identifier: "StoryDependencyList" })

/** Every epic edge of a project, as one page (D13). */
export const EpicDependencyList = Schema.Struct({
  data: Schema.Array(EpicDependency),
  meta: PageMeta,
}).annotations({ identifier: "EpicDependencyList" })

/** An edge of the graph view: `from` waits for `to`. */
const GraphEdge = <A, I>(end: Schema.Schema<A, I>) => Schema.Struct({ from: end, to: end })

/** `GET /api/v1/projects/:id/dependency_graph`. */
export const DependencyGraphBody = Schema.Struct({
  graph: Schema.Struct({
    epics: Schema.Array(
      Schema.Struct({
        id: Epic.fields.id,
        number: Epic.fields.number,
        title: Epic.fields.title,
        phase: Epic.fields.phase,
        position: Epic.fields.position,
        stories: Schema.Array(
          Schema.Struct({
            id: Story.fields.id,
            number: Story.fields.number,
            title: Story.fields.title,
            agent_status: Story.fields.agent_status,
            verified_status: Story.fields.verified_status,
            sort_key: Story.fields.sort_key,
          }),
        ),
      }),
    ),
    epic_dependencies: Schema.Array(GraphEdge(Epic.fields.id)),
    story_dependencies: Schema.Array(GraphEdge(Story.fields.id)),
  }),
}).annotations({ identifier: "DependencyGraph" })

/**
 * The `dependencies` group: story and epic edges (a dependent waits until its prerequisites are
 * verified) and the project's whole graph. A new edge is refused when it would depend on itself,
 * cross projects, close a cycle or deadlock the two levels; a repeated edge is a 409.
 */
export class DependenciesGroup extends HttpApiGroup.make("dependencies")
  .add(
    HttpApiEndpoint.post("createStoryDependency", "/api/v1/story_dependencies")
      .setPayload(StoryDependencyCreation)
      .addSuccess(StoryDependencyBody, { status: 201 })
      .addError(Enveloped.Conflict)
      .annotate(OpenApi.Summary, "Make a story wait for another story of its project")
      .pipe(requireAction(WorkActions.addDependency)),
  )
  .add(
    HttpApiEndpoint.del("deleteStoryDependency")`/api/v1/story_dependencies/${id}`
      .addSuccess(HttpApiSchema.NoContent)
      .annotate(OpenApi.Summary, "Remove a story dependency")
      .pipe(requireAction(WorkActions.removeDependency)),
  )
  .add(
    HttpApiEndpoint.get("listStoryDependencies")`/api/v1/epics/${id}/story_dependencies`
      .addSuccess(StoryDependencyList)
      .annotate(OpenApi.Summary, "Story dependencies with either end in the epic, oldest first")
      .pipe(requireAction(WorkActions.listDependencies)),
  )
  .add(
    HttpApiEndpoint.post("createEpicDependency", "/api/v1/epic_dependencies")
      .setPayload(EpicDependencyCreation)
      .addSuccess(EpicDependencyBody, { status: 201 })
      .addError(Enveloped.Conflict)
      .annotate(OpenApi.Summary, "Make an epic's stories wait for every story of another epic")
      .pipe(requireAction(WorkActions.addDependency)),
  )
  .add(
    HttpApiEndpoint.del("deleteEpicDependency")`/api/v1/epic_dependencies/${id}`
      .addSuccess(HttpApiSchema.NoContent)
      .annotate(OpenApi.Summary, "Remove an epic dependency")
      .pipe(requireAction(WorkActions.removeDependency)),
  )
  .add(
    HttpApiEndpoint.get("listEpicDependencies")`/api/v1/projects/${id}/epic_dependencies`
      .addSuccess(EpicDependencyList)
      .annotate(OpenApi.Summary, "The project's epic dependencies, oldest first")
      .pipe(requireAction(WorkActions.listDependencies)),
  )
  .add(
    HttpApiEndpoint.get("graph")`/api/v1/projects/${id}/dependency_graph`
      .addSuccess(DependencyGraphBody)
      .annotate(OpenApi.Summary, "The project's epics and stories with both sets of edges")
      .pipe(requireAction(WorkActions.readGraph)),
  )
  .annotate(OpenApi.Description, "Dependencies between stories and between epics")
  .annotate(TenantScoped, true) {}
