import { HttpApiBuilder } from "@effect/platform"
import { LoopctlApi } from "@loopctl/api"
import {
  DependencyPlanning,
  EpicDependencyId,
  EpicId,
  ProjectId,
  StoryDependencyId,
  epicEdges,
  storyEdges,
} from "@loopctl/core"
import { Effect } from "effect"
import { pathId } from "../edge/path-id.js"
import { tenantActor } from "../edge/tenant-scope.js"

/** The handlers of the `dependencies` group: the DependencyPlanning use cases on the caller's tenant. */
export const DependenciesLive = HttpApiBuilder.group(LoopctlApi, "dependencies", (handlers) =>
  Effect.map(DependencyPlanning, (dependencies) =>
    handlers
      .handle("createStoryDependency", ({ payload }) =>
        Effect.gen(function* () {
          const actor = yield* tenantActor
          return { story_dependency: yield* dependencies.addDependency(storyEdges, actor, payload) }
        }),
      )
      .handle("deleteStoryDependency", ({ path }) =>
        Effect.gen(function* () {
          const actor = yield* tenantActor
          yield* dependencies.removeDependency(storyEdges, actor, yield* pathId(StoryDependencyId, path.id))
        }),
      )
      .handle("listStoryDependencies", ({ path }) =>
        Effect.gen(function* () {
          const actor = yield* tenantActor
          return yield* dependencies.listEpicStoryDependencies(actor, yield* pathId(EpicId, path.id))
        }),
      )
      .handle("createEpicDependency", ({ payload }) =>
        Effect.gen(function* () {
          const actor = yield* tenantActor
          return { epic_dependency: yield* dependencies.addDependency(epicEdges, actor, payload) }
        }),
      )
      .handle("deleteEpicDependency", ({ path }) =>
        Effect.gen(function* () {
          const actor = yield* tenantActor
          yield* dependencies.removeDependency(epicEdges, actor, yield* pathId(EpicDependencyId, path.id))
        }),
      )
      .handle("listEpicDependencies", ({ path }) =>
        Effect.gen(function* () {
          const actor = yield* tenantActor
          return yield* dependencies.listEpicDependencies(actor, yield* pathId(ProjectId, path.id))
        }),
      )
      .handle("graph", ({ path }) =>
        Effect.gen(function* () {
          const actor = yield* tenantActor
          return { graph: yield* dependencies.dependencyGraph(actor, yield* pathId(ProjectId, path.id)) }
        }),
      ),
  ),
)
