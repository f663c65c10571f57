import { HttpApiBuilder } from "@effect/platform"
import { EpicStoryQuery, LoopctlApi, ProjectStoryCreation, decodeQuery } from "@loopctl/api"
import { EpicId, ProjectId, StoryId, StoryPlanning, WorkQueues } from "@loopctl/core"
import { Effect } from "effect"
import { pathId } from "../edge/path-id.js"
import { decodedBody } from "../edge/request-payload.js"
import { tenantActor } from "../edge/tenant-scope.js"

/** The handlers of the `stories` group: the StoryPlanning and WorkQueues use cases on the caller's tenant. */
export const StoriesLive = HttpApiBuilder.group(LoopctlApi, "stories", (handlers) =>
  Effect.map(Effect.all({ stories: StoryPlanning, queues: WorkQueues }), ({ stories, queues }) =>
    handlers
      .handle("create", ({ path, payload }) =>
        Effect.gen(function* () {
          const actor = yield* tenantActor
          const epic = yield* pathId(EpicId, path.id)
          return { story: yield* stories.createStory(actor, epic, payload) }
        }),
      )
      // Read here, so that a refusal naming `epic_number` carries its own message.
      .handleRaw("createInProject", ({ path, request }) =>
        Effect.gen(function* () {
          const creation = yield* decodedBody(ProjectStoryCreation, request)
          const actor = yield* tenantActor
          const project = yield* pathId(ProjectId, path.id)
          return { story: yield* stories.createStoryInProject(actor, project, creation) }
        }),
      )
      .handle("listOfEpic", ({ path, urlParams }) =>
        Effect.gen(function* () {
          const actor = yield* tenantActor
          const epic = yield* pathId(EpicId, path.id)
          // Decoded by the use case once the epic is known: an unknown epic is a 404 first.
          return yield* stories.listEpicStories(actor, epic, decodeQuery(EpicStoryQuery, urlParams))
        }),
      )
      .handle("list", ({ urlParams }) =>
        Effect.flatMap(tenantActor, (actor) => stories.listStories(actor, urlParams)),
      )
      .handle("ready", ({ urlParams }) =>
        Effect.flatMap(tenantActor, (actor) => queues.readyQueue(actor, urlParams)),
      )
      .handle("blocked", ({ urlParams }) =>
        Effect.flatMap(tenantActor, (actor) => queues.blockedQueue(actor, urlParams)),
      )
      .handle("show", ({ path }) =>
        Effect.gen(function* () {
          const actor = yield* tenantActor
          const story = yield* pathId(StoryId, path.id)
          const { story: found, project_mission, ...related } = yield* stories.storyDetail(actor, story)
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
          return { story: yield* stories.updateStory(actor, story, payload) }
        }),
      )
      .handle("delete", ({ path }) =>
        Effect.gen(function* () {
          const actor = yield* tenantActor
          yield* stories.deleteStory(actor, yield* pathId(StoryId, path.id))
        }),
      )
      .handle("acceptanceCriteria", ({ path }) =>
        Effect.gen(function* () {
          const actor = yield* tenantActor
          return yield* stories.acceptanceCriteria(actor, yield* pathId(StoryId, path.id))
        }),
      ),
  ),
)
