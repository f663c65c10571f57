import { HttpApiBuilder } from "@effect/platform"
import { EpicStoryQuery, LoopctlApi, ProjectStoryCreation, decodeQuery } from "@loopctl/api"
import { EpicId, ProjectId, StoryId, StoryPlanning, WorkActions, WorkQueues, policyUse } from "@loopctl/core"
import { Effect } from "effect"
import { pathId } from "../edge/path-id.js"
import { decodedBody } from "../edge/request-payload.js"

/**
 * The handlers of the `stories` group: the StoryPlanning and WorkQueues use cases, each under its
 * action's policy.
 */
export const StoriesLive = HttpApiBuilder.group(LoopctlApi, "stories", (handlers) =>
  Effect.map(Effect.all({ stories: StoryPlanning, queues: WorkQueues }), ({ stories, queues }) =>
    handlers
      .handle("create", ({ path, payload }) =>
        Effect.gen(function* () {
          const epic = yield* pathId(EpicId, path.id)
          return { story: yield* stories.createStory(epic, payload) }
        }).pipe(policyUse(WorkActions.createStory)),
      )
      // Read here, so that a refusal naming `epic_number` carries its own message.
      .handleRaw("createInProject", ({ path, request }) =>
        Effect.gen(function* () {
          const creation = yield* decodedBody(ProjectStoryCreation, request)
          const project = yield* pathId(ProjectId, path.id)
          return { story: yield* stories.createStoryInProject(project, creation) }
        }).pipe(policyUse(WorkActions.createStory)),
      )
      .handle("listOfEpic", ({ path, urlParams }) =>
        Effect.gen(function* () {
          const epic = yield* pathId(EpicId, path.id)
          // Decoded by the use case once the epic is known: an unknown epic is a 404 first.
          return yield* stories.listEpicStories(epic, decodeQuery(EpicStoryQuery, urlParams))
        }).pipe(policyUse(WorkActions.listStories)),
      )
      .handle("list", ({ urlParams }) =>
        stories.listStories(urlParams).pipe(policyUse(WorkActions.listStories)),
      )
      .handle("ready", ({ urlParams }) => queues.readyQueue(urlParams).pipe(policyUse(WorkActions.readQueue)))
      .handle("blocked", ({ urlParams }) =>
        queues.blockedQueue(urlParams).pipe(policyUse(WorkActions.readQueue)),
      )
      .handle("show", ({ path }) =>
        Effect.gen(function* () {
          const story = yield* pathId(StoryId, path.id)
          const { story: found, project_mission, ...related } = yield* stories.storyDetail(story)
          // The mission appears only when the project has one.
          return {
            story: {
              ...found,
              ...related,
              latest_verification: null,
              ...(project_mission === null ? {} : { project_mission }),
            },
          }
        }).pipe(policyUse(WorkActions.readStory)),
      )
      .handle("update", ({ path, payload }) =>
        Effect.gen(function* () {
          const story = yield* pathId(StoryId, path.id)
          return { story: yield* stories.updateStory(story, payload) }
        }).pipe(policyUse(WorkActions.updateStory)),
      )
      .handle("delete", ({ path }) =>
        Effect.flatMap(pathId(StoryId, path.id), stories.deleteStory).pipe(
          policyUse(WorkActions.deleteStory),
        ),
      )
      .handle("acceptanceCriteria", ({ path }) =>
        Effect.flatMap(pathId(StoryId, path.id), stories.acceptanceCriteria).pipe(
          policyUse(WorkActions.readStory),
        ),
      ),
  ),
)
