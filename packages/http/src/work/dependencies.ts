import { HttpApiBuilder } from "@effect/platform"
import { LoopctlApi } from "@loopctl/api"
import {
  DependencyPlanning,
  EpicDependencyId,
  EpicId,
  ProjectId,
  StoryDependencyId,
  WorkActions,
  epicEdges,
  policyUse,
  storyEdges,
} from "@loopctl/core"
import { Effect } from "effect"
import { pathId } from "../edge/path-id.js"

/** The handlers of the `dependencies` group: the DependencyPlanning use cases, each under its action's policy. */
export const DependenciesLive = HttpApiBuilder.group(LoopctlApi, "dependencies", (handlers) =>
  Effect.map(DependencyPlanning, (dependencies) =>
    handlers
      .handle("createStoryDependency", ({ payload }) =>
        Effect.map(dependencies.addDependency(storyEdges, payload), (story_dependency) => ({
          story_dependency,
        })).pipe(policyUse(WorkActions.addDependency)),
      )
      .handle("deleteStoryDependency", ({ path }) =>
        Effect.flatMap(pathId(StoryDependencyId, path.id), (id) =>
          dependencies.removeDependency(storyEdges, id),
        ).pipe(policyUse(WorkActions.removeDependency)),
      )
      .handle("listStoryDependencies", ({ path }) =>
        Effect.flatMap(pathId(EpicId, path.id), dependencies.listEpicStoryDependencies).pipe(
          policyUse(WorkActions.listDependencies),
        ),
      )
      .handle("createEpicDependency", ({ payload }) =>
        Effect.map(dependencies.addDependency(epicEdges, payload), (epic_dependency) => ({
          epic_dependency,
        })).pipe(policyUse(WorkActions.addDependency)),
      )
      .handle("deleteEpicDependency", ({ path }) =>
        Effect.flatMap(pathId(EpicDependencyId, path.id), (id) =>
          dependencies.removeDependency(epicEdges, id),
        ).pipe(policyUse(WorkActions.removeDependency)),
      )
      .handle("listEpicDependencies", ({ path }) =>
        Effect.flatMap(pathId(ProjectId, path.id), dependencies.listEpicDependencies).pipe(
          policyUse(WorkActions.listDependencies),
        ),
      )
      .handle("graph", ({ path }) =>
        Effect.map(Effect.flatMap(pathId(ProjectId, path.id), dependencies.dependencyGraph), (graph) => ({
          graph,
        })).pipe(policyUse(WorkActions.readGraph)),
      ),
  ),
)
