import { HttpApiBuilder } from "@effect/platform"
import { LoopctlApi } from "@loopctl/api"
import { ProjectId, ProjectPlanning, WorkActions, pageRequest, policyUse } from "@loopctl/core"
import { Effect } from "effect"
import { pathId } from "../edge/path-id.js"

/**
 * The handlers of the `projects` group: the ProjectPlanning use cases, each under its action's
 * policy for the caller (the middleware already admitted its role, so the policy hands the grant).
 */
export const ProjectsLive = HttpApiBuilder.group(LoopctlApi, "projects", (handlers) =>
  Effect.map(ProjectPlanning, (projects) =>
    handlers
      .handle("create", ({ payload }) =>
        Effect.map(projects.createProject(payload), (project) => ({ project })).pipe(
          policyUse(WorkActions.createProject),
        ),
      )
      .handle("list", ({ urlParams }) =>
        projects.listProjects(urlParams, pageRequest(urlParams)).pipe(policyUse(WorkActions.listProjects)),
      )
      .handle("show", ({ path }) =>
        Effect.gen(function* () {
          const id = yield* pathId(ProjectId, path.id)
          const { project, epic_count, story_count } = yield* projects.projectDetail(id)
          return { project: { ...project, epic_count, story_count } }
        }).pipe(policyUse(WorkActions.readProject)),
      )
      .handle("update", ({ path, payload }) =>
        Effect.gen(function* () {
          const id = yield* pathId(ProjectId, path.id)
          return { project: yield* projects.updateProject(id, payload) }
        }).pipe(policyUse(WorkActions.updateProject)),
      )
      .handle("archive", ({ path }) =>
        Effect.gen(function* () {
          const id = yield* pathId(ProjectId, path.id)
          return { project: yield* projects.archiveProject(id) }
        }).pipe(policyUse(WorkActions.archiveProject)),
      )
      .handle("progress", ({ path }) =>
        Effect.gen(function* () {
          const id = yield* pathId(ProjectId, path.id)
          return { progress: yield* projects.projectProgress(id) }
        }).pipe(policyUse(WorkActions.readProject)),
      ),
  ),
)
