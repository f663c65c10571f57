import { Effect } from "effect"
import type { AuditLog } from "../../audit/ports/audit-log.js"
import { recordChange } from "../../audit/use-cases/recording.js"
import type { Outbox } from "../../events/ports/outbox.js"
import type { Actor } from "../../identity/domain/actor.js"
import { type EpicId, type ProjectId, StoryId } from "../../kernel/domain/ids.js"
import { type PageRequest, pageMeta } from "../../kernel/domain/page.js"
import { now } from "../../kernel/domain/timestamp.js"
import { type Ids, freshId } from "../../kernel/ports/ids.js"
import type { Epic } from "../domain/epic.js"
import type { ProjectStoryCreation, StoryCreation, StoryPatch } from "../domain/story-commands.js"
import type { EpicStoryQuery, StoryListQuery } from "../domain/story-queries.js"
import { newStory } from "../domain/story.js"
import { WorkActions } from "../policy/work-actions.js"
import { Epics } from "../ports/epics.js"
import type { Projects } from "../ports/projects.js"
import { Stories } from "../ports/stories.js"
import { acceptanceCriteriaOf } from "../rules/acceptance-criteria.js"
import { applyStoryChanges, createdStoryFields, storyChanges } from "../rules/story-changes.js"
import { epicNumbered } from "../rules/story-placement.js"
import { epicStoryPage, rangeMeta, statusFilter, storyListWindow } from "../rules/story-query.js"
import { epicById, orNotFound, projectById, storyById, tenantTransaction } from "./work-access.js"
import { changed, created, duplicateNumber, savedChange } from "./work-changes.js"
import { wholeList } from "./work-lists.js"

/** How many artifacts `GET /stories/:id` shows: the first 20. */
const DETAIL_ARTIFACTS: PageRequest = { page: 1, page_size: 20 }

/** A new pending story in `owner` from a decoded create body; a duplicate number is a 422. */
const insertStory = (actor: Actor, owner: Epic, creation: StoryCreation) =>
  Effect.gen(function* () {
    const made = newStory(
      {
        id: yield* freshId(StoryId),
        tenant_id: actor.tenant_id,
        project_id: owner.project_id,
        epic_id: owner.id,
        ...createdStoryFields(creation),
      },
      yield* now,
    )
    yield* Effect.mapError(
      Effect.flatMap(Stories, (s) => s.insert([made])),
      duplicateNumber("Story", made.number),
    )
    yield* recordChange(
      actor,
      made.project_id,
      created("story", made.id, { number: made.number, title: made.title }),
    )
    return made
  })

/**
 * The stories of an epic: creating, reading, listing, changing and deleting them. Story
 * statuses are never written here — only `StoryLifecycle` and `Verification` move them.
 */
export class StoryPlanning extends Effect.Service<StoryPlanning>()("@loopctl/core/StoryPlanning", {
  effect: Effect.gen(function* () {
    const inTenant = yield* tenantTransaction<Projects | Epics | Stories | AuditLog | Outbox | Ids>()

    return {
      createStory: (epicId: EpicId, creation: StoryCreation) =>
        inTenant(WorkActions.createStory)((actor) =>
          Effect.flatMap(epicById(epicId), (owner) => insertStory(actor, owner, creation)),
        ),

      /** Creates a story in the project's epic named by `epic_number` (422 when none is). */
      createStoryInProject: (projectId: ProjectId, creation: ProjectStoryCreation) =>
        inTenant(WorkActions.createStory)((actor) =>
          Effect.gen(function* () {
            yield* projectById(projectId)
            const epics = yield* Effect.flatMap(Epics, (e) => e.listByProject(projectId))
            const owner = yield* epicNumbered(epics, creation.epic_number)
            return yield* insertStory(actor, owner, creation)
          }),
        ),

      getStory: (id: StoryId) => inTenant(WorkActions.readStory)(() => storyById(id)),

      /**
       * A story as `GET /stories/:id` shows it: the story, the edges where it is the dependent,
       * its first 20 artifacts, how many verification outcomes it has had, and its project's
       * mission (null when the project has none) — read by the store at once (`detailOf`).
       */
      storyDetail: (id: StoryId) =>
        inTenant(WorkActions.readStory)(() =>
          Effect.map(
            Effect.flatMap(Stories, (s) =>
              Effect.flatMap(s.detailOf(id, DETAIL_ARTIFACTS), orNotFound("Story")),
            ),
            (detail) => ({
              story: detail.story,
              dependencies: detail.dependencies.map(({ story_id, depends_on_story_id }) => ({
                story_id,
                depends_on_story_id,
              })),
              artifacts: detail.artifacts.items,
              iteration_count: detail.iteration_count,
              project_mission: detail.project_mission,
            }),
          ),
        ),

      /**
       * `GET /stories`: the project's stories by sort_key, filtered, read by limit and offset.
       * `project_id` is required (400); a project of another tenant lists nothing. The meta
       * carries the original's limit/offset beside the page view of the same window (D13).
       */
      listStories: (query: StoryListQuery) =>
        Effect.gen(function* () {
          const { filter, range } = storyListWindow(query)
          const found = yield* inTenant(WorkActions.listStories)(() =>
            Effect.flatMap(Stories, (s) => s.listByProjectRange(query.project_id, filter, range)),
          )
          return { data: found.items, meta: rangeMeta(range, found.total_count) }
        }),

      /**
       * An epic's stories by sort_key, one page, optionally of one agent and/or verified status.
       * The query is read once the epic is known, so an unknown epic is a 404 whatever the query
       * holds (a refused query value is a 400 only for an epic that exists).
       */
      listEpicStories: <E>(epicId: EpicId, query: Effect.Effect<EpicStoryQuery, E>) =>
        inTenant(WorkActions.listStories)(() =>
          Effect.gen(function* () {
            const owner = yield* epicById(epicId)
            const decoded = yield* query
            const filter = statusFilter(decoded)
            const page = epicStoryPage(decoded)
            const found = yield* Effect.flatMap(Stories, (s) =>
              s.listByProject(owner.project_id, { ...filter, epic_id: owner.id }, page),
            )
            return { data: found.items, meta: pageMeta(page, found.total_count) }
          }),
        ),

      /**
       * PATCH: title, description, acceptance criteria, estimate and metadata. The row is held
       * while it is rewritten, so a transition committing meanwhile is never overwritten.
       */
      updateStory: (id: StoryId, patch: StoryPatch) =>
        inTenant(WorkActions.updateStory)((actor) =>
          Effect.gen(function* () {
            const stories = yield* Stories
            const current = yield* Effect.flatMap(stories.findForUpdate(id), orNotFound("Story"))
            const { story, ...diff } = applyStoryChanges(current, storyChanges(patch), yield* now)
            return yield* savedChange(
              actor,
              {
                entity_type: "story",
                action: "updated",
                project_id: current.project_id,
                current,
                next: story,
                diff,
              },
              stories.update,
            )
          }),
        ),

      /** Deletes the story with its edges (both ways) and its review, verification and artifact records. */
      deleteStory: (id: StoryId) =>
        inTenant(WorkActions.deleteStory)((actor) =>
          Effect.gen(function* () {
            const stories = yield* Stories
            const doomed = yield* Effect.flatMap(stories.findForUpdate(id), orNotFound("Story"))
            yield* stories.delete(id)
            yield* recordChange(
              actor,
              doomed.project_id,
              changed("story", doomed.id, "deleted", { number: doomed.number, title: doomed.title }, null),
            )
          }),
        ),

      /** The story's acceptance criteria as first-class rows, derived from its JSON array. */
      acceptanceCriteria: (id: StoryId) =>
        inTenant(WorkActions.readStory)(() =>
          Effect.map(storyById(id), (found) => wholeList(acceptanceCriteriaOf(found))),
        ),
    }
  }),
}) {}
