import { Effect, Option } from "effect"
import type { Actor } from "../domain/actor.js"
import { EpicDependency, StoryDependency } from "../domain/dependency.js"
import { Epic } from "../domain/epic.js"
import { Conflict, NotFound, ValidationFailed } from "../domain/errors.js"
import { EpicDependencyId, EpicId, ProjectId, StoryDependencyId, StoryId } from "../domain/ids.js"
import { type PageRequest, pageMeta } from "../domain/page.js"
import { Project } from "../domain/project.js"
import type { Role } from "../domain/status.js"
import { newStory } from "../domain/story.js"
import { tenantSettings } from "../domain/tenant.js"
import { now } from "../domain/timestamp.js"
import type { AuditLog } from "../ports/audit-log.js"
import { EpicDependencies, StoryDependencies } from "../ports/dependencies.js"
import { Epics } from "../ports/epics.js"
import { type Ids, freshId } from "../ports/ids.js"
import type { Outbox } from "../ports/outbox.js"
import { Projects } from "../ports/projects.js"
import type { DuplicateKey } from "../ports/storage-errors.js"
import { Stories } from "../ports/stories.js"
import { Tenants } from "../ports/tenants.js"
import { UnitOfWork } from "../ports/unit-of-work.js"
import {
  blockedSet,
  checkEpicSelfDependency,
  checkNewEpicDependency,
  checkNewStoryDependency,
  checkStorySelfDependency,
  dependencyGraphView,
  makeWorkGraph,
  readySet,
} from "../rules/graph.js"
import { requireMinRole } from "../rules/roles.js"
import { parseEpicInput, parseProjectInput, parseStoryInput } from "../rules/work-input.js"
import { recordChange } from "./recording.js"

const orNotFound =
  (what: string) =>
  <A>(found: Option.Option<A>): Effect.Effect<A, NotFound> =>
    Option.match(found, { onNone: () => Effect.fail(NotFound.of(what)), onSome: Effect.succeed })

const created = (entity_type: string, entity_id: string, new_state: Record<string, unknown>) => ({
  audit: [
    { entity_type, entity_id, action: "created", actor: "caller" as const, old_state: null, new_state },
  ],
  events: [],
})

const duplicateNumber = (noun: "Epic" | "Story", number: string | number) => (_: DuplicateKey) =>
  ValidationFailed.ofFields({
    number: [
      `${noun} ${number} already exists in this project. Pick a different number, or use the import endpoint with merge=true to update it.`,
    ],
  })

/** A concurrent request stored the same edge first. */
const duplicateEdge = (_: DuplicateKey) => new Conflict({ message: "Conflict" })

/**
 * The work breakdown: projects, epics, stories and the dependencies between them, and the
 * ready/blocked queues derived from them. Reads need the agent role or higher; creating needs
 * orchestrator or higher. Story statuses are never written here — only `StoryLifecycle` and
 * `Verification` move them.
 */
export class WorkBreakdown extends Effect.Service<WorkBreakdown>()("@loopctl/core/WorkBreakdown", {
  effect: Effect.gen(function* () {
    const ports = yield* Effect.context<
      | UnitOfWork
      | Tenants
      | Projects
      | Epics
      | Stories
      | StoryDependencies
      | EpicDependencies
      | AuditLog
      | Outbox
      | Ids
    >()
    const uow = yield* UnitOfWork

    /** Role check, then the work in one transaction of the actor's tenant. */
    const as = <A, E, R>(actor: Actor, role: Role, work: Effect.Effect<A, E, R>) =>
      Effect.flatMap(requireMinRole(actor, role), () => uow.transact(actor.tenant_id, work)).pipe(
        Effect.provide(ports),
      )

    const project = (id: ProjectId) =>
      Effect.flatMap(Projects, (p) => Effect.flatMap(p.findById(id), orNotFound("Project")))
    const epic = (id: EpicId) =>
      Effect.flatMap(Epics, (e) => Effect.flatMap(e.findById(id), orNotFound("Epic")))
    const story = (id: StoryId) =>
      Effect.flatMap(Stories, (s) => Effect.flatMap(s.findById(id), orNotFound("Story")))

    const projectGraph = (projectId: ProjectId) =>
      Effect.gen(function* () {
        const stories = yield* Effect.flatMap(Stories, (s) => s.listAllByProject(projectId))
        const storyDependencies = yield* Effect.flatMap(StoryDependencies, (d) => d.listByProject(projectId))
        const epicDependencies = yield* Effect.flatMap(EpicDependencies, (d) => d.listByProject(projectId))
        return { stories, storyDependencies, epicDependencies }
      })

    return {
      createProject: (actor: Actor, body: unknown) =>
        Effect.gen(function* () {
          const input = yield* parseProjectInput(body)
          return yield* as(
            actor,
            "orchestrator",
            Effect.gen(function* () {
              const projects = yield* Projects
              const tenant = yield* Effect.flatMap(Tenants, (t) => t.findById(actor.tenant_id))
              const limit = tenantSettings(
                Option.match(tenant, { onNone: () => ({}), onSome: (t) => t.settings }),
              ).max_projects
              if ((yield* projects.countActive) >= limit) {
                return yield* Effect.fail(
                  new ValidationFailed({ message: "Project limit reached for this tenant" }),
                )
              }
              const at = yield* now
              const made = new Project({
                id: yield* freshId(ProjectId),
                tenant_id: actor.tenant_id,
                ...input,
                status: "active",
                inserted_at: at,
                updated_at: at,
              })
              yield* Effect.mapError(projects.insert(made), () =>
                ValidationFailed.ofFields({ slug: ["has already been taken for this tenant"] }),
              )
              yield* recordChange(
                actor,
                made.id,
                created("project", made.id, { name: made.name, slug: made.slug }),
              )
              return made
            }),
          )
        }),

      getProject: (actor: Actor, id: ProjectId) => as(actor, "agent", project(id)),

      listProjects: (
        actor: Actor,
        filter: { readonly status?: "active" | "archived" | "any" },
        page: PageRequest,
      ) =>
        as(
          actor,
          "agent",
          Effect.map(
            Effect.flatMap(Projects, (p) => p.list(filter, page)),
            (found) => ({ data: found.items, meta: pageMeta(page, found.total_count) }),
          ),
        ),

      createEpic: (actor: Actor, projectId: ProjectId, body: unknown) =>
        as(
          actor,
          "orchestrator",
          Effect.gen(function* () {
            const owner = yield* project(projectId)
            const input = yield* parseEpicInput(body)
            const at = yield* now
            const made = new Epic({
              id: yield* freshId(EpicId),
              tenant_id: actor.tenant_id,
              project_id: owner.id,
              ...input,
              inserted_at: at,
              updated_at: at,
            })
            yield* Effect.mapError(
              Effect.flatMap(Epics, (e) => e.insert([made])),
              duplicateNumber("Epic", made.number),
            )
            yield* recordChange(
              actor,
              owner.id,
              created("epic", made.id, { number: made.number, title: made.title }),
            )
            return made
          }),
        ),

      getEpic: (actor: Actor, id: EpicId) =>
        as(
          actor,
          "agent",
          Effect.gen(function* () {
            const found = yield* epic(id)
            const stories = yield* Effect.flatMap(Stories, (s) => s.listByEpic(id))
            return { epic: found, stories }
          }),
        ),

      createStory: (actor: Actor, epicId: EpicId, body: unknown) =>
        as(
          actor,
          "orchestrator",
          Effect.gen(function* () {
            const owner = yield* epic(epicId)
            const input = yield* parseStoryInput(body)
            const at = yield* now
            const made = newStory(
              {
                id: yield* freshId(StoryId),
                tenant_id: actor.tenant_id,
                project_id: owner.project_id,
                epic_id: owner.id,
                ...input,
              },
              at,
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
          }),
        ),

      getStory: (actor: Actor, id: StoryId) => as(actor, "agent", story(id)),

      addStoryDependency: (actor: Actor, storyId: StoryId, dependsOnId: StoryId) =>
        Effect.gen(function* () {
          yield* checkStorySelfDependency(storyId, dependsOnId)
          return yield* as(
            actor,
            "orchestrator",
            Effect.gen(function* () {
              const dependent = yield* story(storyId)
              const prerequisite = yield* story(dependsOnId)
              const graph = yield* projectGraph(dependent.project_id)
              yield* checkNewStoryDependency({
                story: dependent,
                dependsOn: prerequisite,
                storyDependencies: graph.storyDependencies,
                epicDependencies: graph.epicDependencies,
              })
              const edge = new StoryDependency({
                id: yield* freshId(StoryDependencyId),
                tenant_id: actor.tenant_id,
                story_id: dependent.id,
                depends_on_story_id: prerequisite.id,
                inserted_at: yield* now,
              })
              yield* Effect.mapError(
                Effect.flatMap(StoryDependencies, (d) => d.insert([edge])),
                duplicateEdge,
              )
              yield* recordChange(
                actor,
                dependent.project_id,
                created("story_dependency", edge.id, {
                  story_id: edge.story_id,
                  depends_on_story_id: edge.depends_on_story_id,
                }),
              )
              return edge
            }),
          )
        }),

      addEpicDependency: (actor: Actor, epicId: EpicId, dependsOnId: EpicId) =>
        Effect.gen(function* () {
          yield* checkEpicSelfDependency(epicId, dependsOnId)
          return yield* as(
            actor,
            "orchestrator",
            Effect.gen(function* () {
              const dependent = yield* epic(epicId)
              const prerequisite = yield* epic(dependsOnId)
              const graph = yield* projectGraph(dependent.project_id)
              yield* checkNewEpicDependency({
                epic: dependent,
                dependsOn: prerequisite,
                epicDependencies: graph.epicDependencies,
                storyDependencies: graph.storyDependencies,
                stories: graph.stories,
              })
              const edge = new EpicDependency({
                id: yield* freshId(EpicDependencyId),
                tenant_id: actor.tenant_id,
                epic_id: dependent.id,
                depends_on_epic_id: prerequisite.id,
                inserted_at: yield* now,
              })
              yield* Effect.mapError(
                Effect.flatMap(EpicDependencies, (d) => d.insert([edge])),
                duplicateEdge,
              )
              yield* recordChange(
                actor,
                dependent.project_id,
                created("epic_dependency", edge.id, {
                  epic_id: edge.epic_id,
                  depends_on_epic_id: edge.depends_on_epic_id,
                }),
              )
              return edge
            }),
          )
        }),

      /** Pending stories whose prerequisites are all verified, by sort_key. */
      readyStories: (actor: Actor, projectId: ProjectId, filter: { readonly epic_id?: EpicId } = {}) =>
        as(
          actor,
          "agent",
          Effect.map(projectGraph(projectId), (graph) =>
            readySet(makeWorkGraph(graph), filter.epic_id === undefined ? {} : { epicId: filter.epic_id }),
          ),
        ),

      /** Stories with at least one unverified prerequisite, with what blocks them. */
      blockedStories: (actor: Actor, projectId: ProjectId) =>
        as(
          actor,
          "agent",
          Effect.map(projectGraph(projectId), (graph) => blockedSet(makeWorkGraph(graph))),
        ),

      dependencyGraph: (actor: Actor, projectId: ProjectId) =>
        as(
          actor,
          "agent",
          Effect.gen(function* () {
            yield* project(projectId)
            const epics = yield* Effect.flatMap(Epics, (e) => e.listByProject(projectId))
            const graph = yield* projectGraph(projectId)
            return dependencyGraphView(epics, graph.stories, graph.storyDependencies, graph.epicDependencies)
          }),
        ),
    }
  }),
}) {}
