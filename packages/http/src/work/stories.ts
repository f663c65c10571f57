import { HttpApiBuilder } from "@effect/platform"
import { LoopctlApi } from "@loopctl/api"
import { EpicId, ProjectId, StoryId, WorkBreakdown } from "@loopctl/core"
import { Effect } from "effect"
import { pathId } from "../edge/path-id.js"
import { tenantActor } from "../edge/tenant-scope.js"

/** The handlers of the `stories` group: the WorkBreakdown use cases on the caller's tenant. */
export const StoriesLive = HttpApiBuilder.group(LoopctlApi, "stories", (handlers) =>
  Effect.map(WorkBreakdown, (work) =>
    handlers
      .handle("create", ({ path, payload }) =>
        Effect.gen(function* () {
          const actor = yield* tenantActor
          const epic = yield* pathId(EpicId, path.id)
          return { story: yield* work.createStory(actor, epic, payload) }
        }),
      )
      .handle("createInProject", ({ path, payload }) =>
        Effect.gen(function* () {
          const actor = yield* tenantActor
          const project = yield* pathId(ProjectId, path.id)
          return { story: yield* work.createStoryInProject(actor, project, payload) }
        }),
      )
      .handle("listOfEpic", ({ path, urlParams }) =>
        Effect.gen(function* () {
          const actor = yield* tenantActor
          const epic = yield* pathId(EpicId, path.id)
          return yield* work.listEpicStories(actor, epic, urlParams)
        }),
      )
      .handle("list", ({ urlParams }) =>
        Effect.flatMap(tenantActor, (actor) => work.listStories(actor, urlParams)),
      )
      .handle("ready", ({ urlParams }) =>
        Effect.flatMap(tenantActor, (actor) => work.readyQueue(actor, urlParams)),
      )
      .handle("blocked", ({ urlParams }) =>
        Effect.flatMap(tenantActor, (actor) => work.blockedQueue(actor, urlParams)),
      )
      .handle("show", ({ path }) =>
        Effect.gen(function* () {
          const actor = yield* tenantActor
          const story = yield* pathId(StoryId, path.id)
          const { story: found, project_mission, ...related } = yield* work.storyDetail(actor, story)
          // The mission appears only when the project has one.
          return {
            story: {
              ...found,
              ...related,
              latest_verification: null,
              ...(project_mission === null ? {} : { project_mission }),
            },
          }
        }),
      )
      .handle("update", ({ path, payload }) =>
        Effect.gen(function* () {
          const actor = yield* tenantActor
          const story = yield* pathId(StoryId, path.id)
          return { story: yield* work.updateStory(actor, story, payload) }
        }),
      )
      .handle("delete", ({ path }) =>
        Effect.gen(function* () {
          const actor = yield* tenantActor
          yield* work.deleteStory(actor, yield* pathId(StoryId, path.id))
        }),
      )
      .handle("acceptanceCriteria", ({ path }) =>
        Effect.gen(function* () {
          const actor = yield* tenantActor
          return yield* work.acceptanceCriteria(actor, yield* pathId(StoryId, path.id))
        }),
      ),
  ),
)
