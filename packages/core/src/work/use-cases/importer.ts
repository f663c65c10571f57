import { Effect, Option } from "effect"
import type { AuditLog } from "../../audit/ports/audit-log.js"
import { recordChange } from "../../audit/use-cases/recording.js"
import type { Outbox } from "../../events/ports/outbox.js"
import type { Actor } from "../../identity/domain/actor.js"
import { Conflict, NotFound } from "../../kernel/domain/errors.js"
import {
  EpicDependencyId,
  EpicId,
  type ProjectId,
  StoryDependencyId,
  StoryId,
} from "../../kernel/domain/ids.js"
import { type Timestamp, now } from "../../kernel/domain/timestamp.js"
import { policyRequire } from "../../kernel/policy/policy.js"
import { type Ids, freshIds } from "../../kernel/ports/ids.js"
import { UnitOfWork } from "../../kernel/ports/unit-of-work.js"
import { EpicDependency, StoryDependency } from "../domain/dependency.js"
import { Epic } from "../domain/epic.js"
import { ImportOutcome } from "../domain/import-outcome.js"
import { Story, newStory } from "../domain/story.js"
import { WorkActions } from "../policy/work-actions.js"
import { EpicDependencies, StoryDependencies } from "../ports/dependencies.js"
import { Epics } from "../ports/epics.js"
import { Projects } from "../ports/projects.js"
import { Stories } from "../ports/stories.js"
import { exportProject } from "../rules/export.js"
import {
  type ImportPlan,
  type PlannedStory,
  concurrentCreateConflict,
  validateImport,
} from "../rules/import.js"

/** The version written into export documents. */
export const loopctlVersion = "0.1.0"

/**
 * How the import builds its entities: without re-checking them, since every field was decoded
 * by the import's rule (or is a fresh id, a timestamp or a constant). Re-validating 10,000
 * stories and 20,000 edges field by field was the import's largest CPU cost.
 */
const decoded = { disableValidation: true } as const

/** Ids are made beforehand, one per planned entity, so a missing one is a defect. */
const missingId = () => Effect.dieMessage("import: an entity of the plan has no id")

const storyFromPlan = (
  actor: Actor,
  projectId: ProjectId,
  epicId: EpicId,
  planned: PlannedStory,
  at: Timestamp,
  id: StoryId,
): Story => {
  const initial = planned.initial
  const story = newStory(
    {
      id,
      tenant_id: actor.tenant_id,
      project_id: projectId,
      epic_id: epicId,
      number: planned.number,
      sort_key: planned.sort_key,
      title: planned.title,
      description: planned.description,
      acceptance_criteria: planned.acceptance_criteria,
      estimated_hours: planned.estimated_hours,
      metadata: planned.metadata,
    },
    at,
    decoded,
  )
  // D7: an import may start a story as already reported done, and possibly verified.
  return initial === null
    ? story
    : new Story(
        {
          ...story,
          agent_status: initial.agent_status,
          verified_status: initial.verified_status,
          reported_done_at: at,
          verified_at: initial.verified_status === "verified" ? at : null,
        },
        decoded,
      )
}

/**
 * Import and export of a project's whole breakdown. An import is one transaction: epics,
 * stories and dependencies are inserted in batches, and any error leaves the project as it was.
 */
export class Importer extends Effect.Service<Importer>()("@loopctl/core/Importer", {
  effect: Effect.gen(function* () {
    const ports = yield* Effect.context<
      UnitOfWork | Projects | Epics | Stories | StoryDependencies | EpicDependencies | AuditLog | Outbox | Ids
    >()
    const uow = yield* UnitOfWork

    /** The project's breakdown; `forImport` holds its graph first (D27), so imports run one at a time. */
    const loadProject = (projectId: ProjectId, forImport: boolean) =>
      Effect.gen(function* () {
        const project = yield* Effect.flatMap(Projects, (p) =>
          forImport ? p.findForGraphChange(projectId) : p.findById(projectId),
        )
        if (Option.isNone(project)) return yield* Effect.fail(NotFound.of("Project"))
        const epics = yield* Effect.flatMap(Epics, (e) => e.listByProject(projectId))
        const stories = yield* Effect.flatMap(Stories, (s) => s.listAllByProject(projectId))
        const storyDependencies = yield* Effect.flatMap(StoryDependencies, (d) => d.listByProject(projectId))
        const epicDependencies = yield* Effect.flatMap(EpicDependencies, (d) => d.listByProject(projectId))
        return { project: project.value, epics, stories, storyDependencies, epicDependencies }
      })

    /** The plan's new edges as entities; the ones the project already has are only counted. */
    const buildEdges = (
      actor: Actor,
      plan: ImportPlan,
      epicIds: ReadonlyMap<number, EpicId>,
      storyIds: ReadonlyMap<string, StoryId>,
      existing: ReadonlySet<string>,
      existingEpicEdges: ReadonlySet<string>,
    ) =>
      Effect.gen(function* () {
        const at = yield* now
        const storyEdgeIds = yield* freshIds(StoryDependencyId, plan.story_dependencies.length)
        const epicEdgeIds = yield* freshIds(EpicDependencyId, plan.epic_dependencies.length)
        const storyEdges: Array<StoryDependency> = []
        let already = 0
        for (const [index, ref] of plan.story_dependencies.entries()) {
          const from = storyIds.get(ref.story)
          const to = storyIds.get(ref.depends_on)
          if (from === undefined || to === undefined) continue
          if (existing.has(`${from}>${to}`)) {
            already += 1
            continue
          }
          storyEdges.push(
            new StoryDependency(
              {
                id: storyEdgeIds[index] ?? (yield* missingId()),
                tenant_id: actor.tenant_id,
                story_id: from,
                depends_on_story_id: to,
                inserted_at: at,
              },
              decoded,
            ),
          )
        }
        const epicEdges: Array<EpicDependency> = []
        for (const [index, ref] of plan.epic_dependencies.entries()) {
          const from = epicIds.get(ref.epic)
          const to = epicIds.get(ref.depends_on)
          if (from === undefined || to === undefined || existingEpicEdges.has(`${from}>${to}`)) continue
          epicEdges.push(
            new EpicDependency(
              {
                id: epicEdgeIds[index] ?? (yield* missingId()),
                tenant_id: actor.tenant_id,
                epic_id: from,
                depends_on_epic_id: to,
                inserted_at: at,
              },
              decoded,
            ),
          )
        }
        return { storyEdges, epicEdges, already }
      })

    const insertEdges = (edges: {
      readonly storyEdges: ReadonlyArray<StoryDependency>
      readonly epicEdges: ReadonlyArray<EpicDependency>
    }) =>
      Effect.gen(function* () {
        const conflict = () => new Conflict({ message: "Conflict" })
        if (edges.storyEdges.length > 0)
          yield* Effect.mapError(
            Effect.flatMap(StoryDependencies, (d) => d.insert(edges.storyEdges)),
            conflict,
          )
        if (edges.epicEdges.length > 0)
          yield* Effect.mapError(
            Effect.flatMap(EpicDependencies, (d) => d.insert(edges.epicEdges)),
            conflict,
          )
      })

    return {
      /**
       * Imports a breakdown into a project: fresh (every number must be new) or, with `merge`,
       * creating new numbers and updating existing ones; the outcome says which it was. Who may
       * import is `WorkActions.importWork`'s exact rule (no agents).
       */
      importProject: (projectId: ProjectId, body: unknown, mergeParam?: unknown) =>
        policyRequire(WorkActions.importWork)((actor) =>
          uow.transact(
            actor.tenant_id,
            Effect.gen(function* () {
              // Held, so that merges of overlapping documents end as if sent one after another.
              const current = yield* loadProject(projectId, true)
              const numberOfStory = new Map(current.stories.map((s) => [s.id, s.number]))
              const numberOfEpic = new Map(current.epics.map((e) => [e.id, e.number]))
              const plan = yield* validateImport(body, {
                merge: mergeParam,
                existing: {
                  epicNumbers: current.epics.map((e) => e.number),
                  storyNumbers: current.stories.map((s) => s.number),
                  storyDependencies: current.storyDependencies.flatMap((d) => {
                    const story = numberOfStory.get(d.story_id)
                    const depends_on = numberOfStory.get(d.depends_on_story_id)
                    return story === undefined || depends_on === undefined ? [] : [{ story, depends_on }]
                  }),
                  epicDependencies: current.epicDependencies.flatMap((d) => {
                    const epic = numberOfEpic.get(d.epic_id)
                    const depends_on = numberOfEpic.get(d.depends_on_epic_id)
                    return epic === undefined || depends_on === undefined ? [] : [{ epic, depends_on }]
                  }),
                },
              })
              const at = yield* now
              const epicByNumber = new Map(current.epics.map((e) => [e.number, e]))
              const storyByNumber = new Map<string, Story>(current.stories.map((s) => [s.number, s]))
              const epicIds = yield* freshIds(EpicId, plan.epics.length)
              const storyIds = yield* freshIds(StoryId, plan.stories.length)
              const newEpics: Array<Epic> = []
              let epicsUpdated = 0
              for (const [index, planned] of plan.epics.entries()) {
                const existing = epicByNumber.get(planned.number)
                if (existing !== undefined) {
                  yield* Effect.flatMap(Epics, (e) =>
                    e.update(new Epic({ ...existing, ...planned.update, updated_at: at })),
                  )
                  epicsUpdated += 1
                  continue
                }
                const { update: _update, ...fields } = planned
                const made = new Epic(
                  {
                    id: epicIds[index] ?? (yield* missingId()),
                    tenant_id: actor.tenant_id,
                    project_id: projectId,
                    ...fields,
                    inserted_at: at,
                    updated_at: at,
                  },
                  decoded,
                )
                newEpics.push(made)
                epicByNumber.set(made.number, made)
              }
              const newStories: Array<Story> = []
              let storiesUpdated = 0
              for (const [index, planned] of plan.stories.entries()) {
                const existing = storyByNumber.get(planned.number)
                if (existing !== undefined) {
                  yield* Effect.flatMap(Stories, (s) =>
                    s.update(new Story({ ...existing, ...planned.update, updated_at: at })),
                  )
                  storiesUpdated += 1
                  continue
                }
                const epic = epicByNumber.get(planned.epic_number)
                if (epic === undefined) continue
                const id = storyIds[index] ?? (yield* missingId())
                const made = storyFromPlan(actor, projectId, epic.id, planned, at, id)
                newStories.push(made)
                storyByNumber.set(made.number, made)
              }
              // The numbers were checked against the held project; only a create that does not
              // wait for it can have taken one since.
              if (newEpics.length > 0)
                yield* Effect.mapError(
                  Effect.flatMap(Epics, (e) => e.insert(newEpics)),
                  () =>
                    concurrentCreateConflict(
                      "epic",
                      newEpics.map((e) => e.number),
                    ),
                )
              const insertStories =
                newStories.length === 0
                  ? Effect.void
                  : Effect.mapError(
                      Effect.flatMap(Stories, (s) => s.insert(newStories)),
                      () =>
                        concurrentCreateConflict(
                          "story",
                          newStories.map((s) => s.number),
                        ),
                    )
              // The edges need only the stories' ids, so they are built while the server writes
              // the stories; the stories' INSERT is still the only statement in flight.
              const [, built] = yield* Effect.all(
                [
                  insertStories,
                  buildEdges(
                    actor,
                    plan,
                    new Map([...epicByNumber].map(([n, e]) => [n, e.id])),
                    new Map([...storyByNumber].map(([n, s]) => [n, s.id])),
                    new Set(current.storyDependencies.map((d) => `${d.story_id}>${d.depends_on_story_id}`)),
                    new Set(current.epicDependencies.map((d) => `${d.epic_id}>${d.depends_on_epic_id}`)),
                  ),
                ],
                { concurrency: 2 },
              )
              yield* insertEdges(built)
              const edges = {
                story: built.storyEdges.length,
                epic: built.epicEdges.length,
                already: built.already,
              }
              if (!plan.merge) {
                const verifiedCount = newStories.filter((s) => s.verified_status === "verified").length
                const summary = {
                  epics_created: newEpics.length,
                  stories_created: newStories.length,
                  dependencies_created: edges.story + edges.epic,
                }
                yield* recordChange(actor, projectId, {
                  audit: [
                    {
                      entity_type: "project",
                      entity_id: projectId,
                      action: "imported",
                      actor: "caller",
                      old_state: null,
                      new_state: { ...summary, stories_imported_verified: verifiedCount },
                    },
                  ],
                  events: [
                    {
                      event: "project.imported",
                      project_id: projectId,
                      epic_count: newEpics.length,
                      story_count: newStories.length,
                    },
                  ],
                })
                return ImportOutcome.Fresh({ import: summary })
              }
              const inPayload = new Set(plan.stories.map((s) => s.number))
              const summary = {
                epics_created: newEpics.length,
                epics_updated: epicsUpdated,
                stories_created: newStories.length,
                stories_updated: storiesUpdated,
                stories_orphaned: current.stories
                  .filter((s) => !inPayload.has(s.number))
                  .map((s) => ({ number: s.number, title: s.title })),
                dependencies_created: edges.story,
                dependencies_existing: edges.already,
              }
              yield* recordChange(actor, projectId, {
                audit: [
                  {
                    entity_type: "project",
                    entity_id: projectId,
                    action: "merge_imported",
                    actor: "caller",
                    old_state: null,
                    new_state: { stories_created: newStories.length, stories_updated: storiesUpdated },
                  },
                ],
                events: [
                  {
                    event: "project.imported",
                    project_id: projectId,
                    merge: true,
                    epics_created: newEpics.length,
                    stories_created: newStories.length,
                    stories_updated: storiesUpdated,
                  },
                ],
              })
              return ImportOutcome.Merged({ import: summary })
            }),
          ),
        ).pipe(Effect.provide(ports)),

      /** The project's whole breakdown as one document that import reads back. */
      exportProject: (projectId: ProjectId) =>
        policyRequire(WorkActions.exportWork)((actor) =>
          uow.transact(
            actor.tenant_id,
            Effect.gen(function* () {
              const current = yield* loadProject(projectId, false)
              return exportProject(
                current.project,
                current.epics,
                current.stories,
                current.storyDependencies,
                current.epicDependencies,
                {
                  exported_at: yield* now,
                  loopctl_version: loopctlVersion,
                },
              )
            }),
          ),
        ).pipe(Effect.provide(ports)),
    }
  }),
}) {}
