import { HttpApiBuilder } from "@effect/platform"
import { LoopctlApi } from "@loopctl/api"
import { ProjectId, ProjectPlanning, pageRequest } from "@loopctl/core"
import { Effect } from "effect"
import { pathId } from "../edge/path-id.js"
import { tenantActor } from "../edge/tenant-scope.js"

/** The handlers of the `projects` group: the ProjectPlanning use cases on the caller's tenant. */
export const ProjectsLive = HttpApiBuilder.group(LoopctlApi, "projects", (handlers) =>
  Effect.map(ProjectPlanning, (projects) =>
    handlers
      .handle("create", ({ payload }) =>
        Effect.map(
          Effect.flatMap(tenantActor, (actor) => projects.createProject(actor, payload)),
          (project) => ({ project }),
        ),
      )
      .handle("list", ({ urlParams }) =>
        Effect.gen(function* () {
          const actor = yield* tenantActor
          return yield* projects.listProjects(actor, urlParams, pageRequest(urlParams))
        }),
      )
      .handle("show", ({ path }) =>
        Effect.gen(function* () {
          const actor = yield* tenantActor
          const id = yield* pathId(ProjectId, path.id)
          const { project, epic_count, story_count } = yield* projects.projectDetail(actor, id)
          return { project: { ...project, epic_count, story_count } }
        }),
      )
      .handle("update", ({ path, payload }) =>
        Effect.gen(function* () {
          const actor = yield* tenantActor
          const id = yield* pathId(ProjectId, path.id)
          return { project: yield* projects.updateProject(actor, id, payload) }
        }),
      )
      .handle("archive", ({ path }) =>
        Effect.gen(function* () {
          const actor = yield* tenantActor
          const id = yield* pathId(ProjectId, path.id)
          return { project: yield* projects.archiveProject(actor, id) }
        }),
      )
      .handle("progress", ({ path }) =>
        Effect.gen(function* () {
          const actor = yield* tenantActor
          const id = yield* pathId(ProjectId, path.id)
          return { progress: yield* projects.projectProgress(actor, id) }
        }),
      ),
  ),
)
