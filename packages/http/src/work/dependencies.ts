import { HttpApiBuilder } from "@effect/platform"
import { LoopctlApi } from "@loopctl/api"
import { EpicDependencyId, EpicId, ProjectId, StoryDependencyId, WorkBreakdown } from "@loopctl/core"
import { Effect } from "effect"
import { pathId } from "../edge/path-id.js"
import { tenantActor } from "../edge/tenant-scope.js"

/** The handlers of the `dependencies` group: the WorkBreakdown use cases on the caller's tenant. */
export const DependenciesLive = HttpApiBuilder.group(LoopctlApi, "dependencies", (handlers) =>
  Effect.map(WorkBreakdown, (work) =>
    handlers
      .handle("createStoryDependency", ({ payload }) =>
        Effect.gen(function* () {
          const actor = yield* tenantActor
          return { story_dependency: yield* work.addStoryDependency(actor, payload) }
        }),
      )
      .handle("deleteStoryDependency", ({ path }) =>
        Effect.gen(function* () {
          const actor = yield* tenantActor
          yield* work.removeStoryDependency(actor, yield* pathId(StoryDependencyId, path.id))
        }),
      )
      .handle("listStoryDependencies", ({ path }) =>
        Effect.gen(function* () {
          const actor = yield* tenantActor
          return yield* work.listEpicStoryDependencies(actor, yield* pathId(EpicId, path.id))
        }),
      )
      .handle("createEpicDependency", ({ payload }) =>
        Effect.gen(function* () {
          const actor = yield* tenantActor
          return { epic_dependency: yield* work.addEpicDependency(actor, payload) }
        }),
      )
      .handle("deleteEpicDependency", ({ path }) =>
        Effect.gen(function* () {
          const actor = yield* tenantActor
          yield* work.removeEpicDependency(actor, yield* pathId(EpicDependencyId, path.id))
        }),
      )
      .handle("listEpicDependencies", ({ path }) =>
        Effect.gen(function* () {
          const actor = yield* tenantActor
          return yield* work.listEpicDependencies(actor, yield* pathId(ProjectId, path.id))
        }),
      )
      .handle("graph", ({ path }) =>
        Effect.gen(function* () {
          const actor = yield* tenantActor
          return { graph: yield* work.dependencyGraph(actor, yield* pathId(ProjectId, path.id)) }
        }),
      ),
  ),
)
