import { Effect, Option } from "effect"
import type { AuditLog } from "../../audit/ports/audit-log.js"
import { recordChange } from "../../audit/use-cases/recording.js"
import type { Outbox } from "../../events/ports/outbox.js"
import type { Actor } from "../../identity/domain/actor.js"
import { tenantSettings } from "../../identity/domain/tenant.js"
import { Tenants } from "../../identity/ports/tenants.js"
import { requireMinRole } from "../../identity/rules/roles.js"
import type { DuplicateKey } from "../../kernel/domain/duplicate-key.js"
import { Conflict, NotFound, ValidationFailed } from "../../kernel/domain/errors.js"
import {
  EpicDependencyId,
  EpicId,
  ProjectId,
  StoryDependencyId,
  StoryId,
  type TenantId,
} from "../../kernel/domain/ids.js"
import { type PageRequest, pageMeta, pageOf, wholeListMeta } from "../../kernel/domain/page.js"
import { now } from "../../kernel/domain/timestamp.js"
import { type Ids, freshId } from "../../kernel/ports/ids.js"
import { UnitOfWork } from "../../kernel/ports/unit-of-work.js"
import { ArtifactReports, VerificationResults } from "../../workflow/ports/verification-records.js"
import { EpicDependency, StoryDependency } from "../domain/dependency.js"
import { Epic } from "../domain/epic.js"
import { Project } from "../domain/project.js"
import type { Role } from "../domain/status.js"
import { type Story, newStory } from "../domain/story.js"
import { EpicDependencies, StoryDependencies } from "../ports/dependencies.js"
import { Epics } from "../ports/epics.js"
import { Projects } from "../ports/projects.js"
import { Stories } from "../ports/stories.js"
import { acceptanceCriteriaOf } from "../rules/acceptance-criteria.js"
import { parseEpicDependencyInput, parseStoryDependencyInput } from "../rules/dependency-input.js"
import { applyEpicChanges, epicListFilter, parseEpicChanges } from "../rules/epic-changes.js"
import {
  type WorkGraph,
  blockedSet,
  bySortKey,
  checkNewEpicDependency,
  checkNewStoryDependency,
  dependencyGraphView,
  makeWorkGraph,
  readySet,
} from "../rules/graph.js"
import { epicCompletions, epicProgress, projectProgress } from "../rules/progress.js"
import {
  applyProjectChanges,
  archiveProject,
  parseProjectChanges,
  projectListFilter,
  reactivates,
} from "../rules/project-changes.js"
import { applyStoryChanges, parseStoryChanges } from "../rules/story-changes.js"
import { epicNumbered, parseStoryPlacement } from "../rules/story-placement.js"
import {
  type EpicStoryQueryInput,
  type QueueQueryInput,
  type StoryListQueryInput,
  parseEpicStoryQuery,
  parseQueueQuery,
  parseStoryListQuery,
  rangeMeta,
} from "../rules/story-query.js"
import { parseEpicInput, parseProjectInput, parseStoryInput } from "../rules/work-input.js"

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

/** The audit record of a change to an entity of the breakdown: before and after of what changed. */
const changed = (
  entity_type: string,
  entity_id: string,
  action: string,
  old_state: Record<string, unknown> | null,
  new_state: Record<string, unknown> | null,
) => ({
  audit: [{ entity_type, entity_id, action, actor: "caller" as const, old_state, new_state }],
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

/** How many artifacts `GET /stories/:id` shows: the first 20. */
const DETAIL_ARTIFACTS: PageRequest = { page: 1, page_size: 20 }

/** How many projects a tenant-wide queue reads per round trip. */
const PROJECT_BATCH = 100

/** Edges in the order they were made (the id breaks ties within one instant). */
const oldestFirst = <A extends { readonly inserted_at: string; readonly id: string }>(a: A, b: A) =>
  a.inserted_at.localeCompare(b.inserted_at) || a.id.localeCompare(b.id)

/** A list the spec answers unpaged, with the D13 meta of one page holding all of it. */
const wholeList = <A>(all: ReadonlyArray<A>) => ({ data: all, meta: wholeListMeta(all.length) })

/** One page of a list computed in full, with its D13 meta. */
const pageView = <A>(all: ReadonlyArray<A>, page: PageRequest) => ({
  data: pageOf(all, page).items,
  meta: pageMeta(page, all.length),
})

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
      | ArtifactReports
      | VerificationResults
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

    /** 422 once the tenant has as many active projects as its settings allow. */
    const checkProjectLimit = (tenantId: TenantId) =>
      Effect.gen(function* () {
        const tenant = yield* Effect.flatMap(Tenants, (t) => t.findById(tenantId))
        const limit = tenantSettings(
          Option.match(tenant, { onNone: () => ({}), onSome: (t) => t.settings }),
        ).max_projects
        if ((yield* Effect.flatMap(Projects, (p) => p.countActive)) >= limit) {
          return yield* Effect.fail(
            new ValidationFailed({ message: "Project limit reached for this tenant" }),
          )
        }
      })

    const projectGraph = (projectId: ProjectId) =>
      Effect.gen(function* () {
        const stories = yield* Effect.flatMap(Stories, (s) => s.listAllByProject(projectId))
        const storyDependencies = yield* Effect.flatMap(StoryDependencies, (d) => d.listByProject(projectId))
        const epicDependencies = yield* Effect.flatMap(EpicDependencies, (d) => d.listByProject(projectId))
        return { stories, storyDependencies, epicDependencies }
      })

    /**
     * The graph a dependency write checks its edge against. The project is held first (D27), so
     * the dependency writes of one project run one after another and each cycle check reads
     * every edge committed before it: X→Y and Y→X sent at once cannot both pass.
     */
    const graphForChange = (projectId: ProjectId) =>
      Effect.zipRight(
        Effect.flatMap(Projects, (p) => p.findForGraphChange(projectId)),
        projectGraph(projectId),
      )

    /** A new pending story in `owner` from a create body; a duplicate number is a 422. */
    const insertStory = (actor: Actor, owner: Epic, body: unknown) =>
      Effect.gen(function* () {
        const input = yield* parseStoryInput(body)
        const made = newStory(
          {
            id: yield* freshId(StoryId),
            tenant_id: actor.tenant_id,
            project_id: owner.project_id,
            epic_id: owner.id,
            ...input,
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
     * The projects a queue covers: the one asked for; else the asked-for epic's (none when the
     * epic is unknown); else every project of the tenant, read a page at a time.
     */
    const queueProjects = (scope: { readonly project_id?: ProjectId; readonly epic_id?: EpicId }) =>
      Effect.gen(function* () {
        if (scope.project_id !== undefined) return [scope.project_id]
        const epicId = scope.epic_id
        if (epicId !== undefined) {
          const found = yield* Effect.flatMap(Epics, (e) => e.findById(epicId))
          return Option.match(found, { onNone: () => [], onSome: (e) => [e.project_id] })
        }
        const projects = yield* Projects
        const ids: Array<ProjectId> = []
        for (let page = 1; ; page++) {
          const found = yield* projects.list({ status: "any" }, { page, page_size: PROJECT_BATCH })
          for (const item of found.items) ids.push(item.id)
          if (found.items.length < PROJECT_BATCH) return ids
        }
      })

    /** Asks `question` of each covered project's dependency graph and joins the answers. */
    const acrossProjects = <A>(
      scope: { readonly project_id?: ProjectId; readonly epic_id?: EpicId },
      question: (graph: WorkGraph<Story>) => ReadonlyArray<A>,
    ) =>
      Effect.gen(function* () {
        const answers: Array<A> = []
        for (const projectId of yield* queueProjects(scope)) {
          answers.push(...question(makeWorkGraph(yield* projectGraph(projectId))))
        }
        return answers
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
              yield* checkProjectLimit(actor.tenant_id)
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

      /** The project with how many epics and stories it holds (`GET /projects/:id`). */
      projectDetail: (actor: Actor, id: ProjectId) =>
        as(
          actor,
          "agent",
          Effect.gen(function* () {
            const found = yield* project(id)
            const epic_count = yield* Effect.flatMap(Epics, (e) => e.countByProject(id))
            const counts = yield* Effect.flatMap(Stories, (s) => s.countByStatus({ project_id: id }))
            const story_count = counts.reduce((total, count) => total + count.stories, 0)
            return { project: found, epic_count, story_count }
          }),
        ),

      /**
       * Projects by name. `status=active|archived` picks one status, `include_archived=true|1`
       * lists both; by default only active projects are listed. Other values are a 400.
       */
      listProjects: (
        actor: Actor,
        query: { readonly status?: unknown; readonly include_archived?: unknown },
        page: PageRequest,
      ) =>
        as(
          actor,
          "agent",
          Effect.gen(function* () {
            const filter = yield* projectListFilter(query)
            const found = yield* Effect.flatMap(Projects, (p) => p.list(filter, page))
            return { data: found.items, meta: pageMeta(page, found.total_count) }
          }),
        ),

      /**
       * PATCH: name, repo_url, description, tech_stack, status, mission and metadata; the slug is
       * kept. Bringing an archived project back counts against the project limit.
       */
      updateProject: (actor: Actor, id: ProjectId, body: unknown) =>
        as(
          actor,
          "orchestrator",
          Effect.gen(function* () {
            const current = yield* project(id)
            const changes = yield* parseProjectChanges(body)
            if (reactivates(current, changes)) yield* checkProjectLimit(actor.tenant_id)
            const update = applyProjectChanges(current, changes, yield* now)
            if (update.changed.length === 0) return current
            yield* Effect.flatMap(Projects, (p) => p.update(update.project))
            yield* recordChange(
              actor,
              current.id,
              changed("project", current.id, "updated", update.old_state, update.new_state),
            )
            return update.project
          }),
        ),

      /** DELETE archives the project (it stays readable); archiving an archived one changes nothing. */
      archiveProject: (actor: Actor, id: ProjectId) =>
        as(
          actor,
          "user",
          Effect.gen(function* () {
            const current = yield* project(id)
            const update = archiveProject(current, yield* now)
            if (update.changed.length === 0) return current
            yield* Effect.flatMap(Projects, (p) => p.update(update.project))
            yield* recordChange(
              actor,
              current.id,
              changed("project", current.id, "archived", update.old_state, update.new_state),
            )
            return update.project
          }),
        ),

      /** Story counts per status, epics completed, verification share and hours, counted by the store. */
      projectProgress: (actor: Actor, id: ProjectId) =>
        as(
          actor,
          "agent",
          Effect.gen(function* () {
            yield* project(id)
            const counts = yield* Effect.flatMap(Stories, (s) => s.countByStatus({ project_id: id }))
            const total_epics = yield* Effect.flatMap(Epics, (e) => e.countByProject(id))
            return projectProgress(counts, total_epics)
          }),
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

      /**
       * A page of the project's epics (by position, then number; `phase=` filters), each with its
       * story count and the share of them verified.
       */
      listEpics: (
        actor: Actor,
        projectId: ProjectId,
        query: { readonly phase?: unknown },
        page: PageRequest,
      ) =>
        as(
          actor,
          "agent",
          Effect.gen(function* () {
            yield* project(projectId)
            const filter = epicListFilter(query)
            const found =
              filter === null
                ? { items: [], total_count: 0 }
                : yield* Effect.flatMap(Epics, (e) => e.pageByProject(projectId, filter, page))
            const completion = epicCompletions(
              yield* Effect.flatMap(Stories, (s) => s.countByStatus({ project_id: projectId })),
            )
            return {
              data: found.items.map((epic) => ({ epic, ...completion(epic.id) })),
              meta: pageMeta(page, found.total_count),
            }
          }),
        ),

      /** PATCH: title, description, phase, position and metadata; the number is kept. */
      updateEpic: (actor: Actor, id: EpicId, body: unknown) =>
        as(
          actor,
          "orchestrator",
          Effect.gen(function* () {
            const current = yield* epic(id)
            const changes = yield* parseEpicChanges(body)
            const update = applyEpicChanges(current, changes, yield* now)
            if (update.changed.length === 0) return current
            yield* Effect.flatMap(Epics, (e) => e.update(update.epic))
            yield* recordChange(
              actor,
              current.project_id,
              changed("epic", current.id, "updated", update.old_state, update.new_state),
            )
            return update.epic
          }),
        ),

      /** Deletes the epic with its stories and everything hanging off them. */
      deleteEpic: (actor: Actor, id: EpicId) =>
        as(
          actor,
          "user",
          Effect.gen(function* () {
            const doomed = yield* epic(id)
            yield* Effect.flatMap(Epics, (e) => e.delete(id))
            yield* recordChange(
              actor,
              doomed.project_id,
              changed("epic", doomed.id, "deleted", { number: doomed.number, title: doomed.title }, null),
            )
          }),
        ),

      /** The epic's stories per status on each side, counted by the store. */
      epicProgress: (actor: Actor, id: EpicId) =>
        as(
          actor,
          "agent",
          Effect.gen(function* () {
            yield* epic(id)
            return epicProgress(yield* Effect.flatMap(Stories, (s) => s.countByStatus({ epic_id: id })))
          }),
        ),

      createStory: (actor: Actor, epicId: EpicId, body: unknown) =>
        as(
          actor,
          "orchestrator",
          Effect.flatMap(epic(epicId), (owner) => insertStory(actor, owner, body)),
        ),

      /** Creates a story in the project's epic named by `epic_number` (422 when none is). */
      createStoryInProject: (actor: Actor, projectId: ProjectId, body: unknown) =>
        as(
          actor,
          "orchestrator",
          Effect.gen(function* () {
            yield* project(projectId)
            const number = yield* parseStoryPlacement(body)
            const epics = yield* Effect.flatMap(Epics, (e) => e.listByProject(projectId))
            const owner = yield* epicNumbered(epics, number)
            return yield* insertStory(actor, owner, body)
          }),
        ),

      getStory: (actor: Actor, id: StoryId) => as(actor, "agent", story(id)),

      /**
       * A story as `GET /stories/:id` shows it: the story, the edges where it is the dependent,
       * its first 20 artifacts, how many verification outcomes it has had, and its project's
       * mission (null when the project has none).
       */
      storyDetail: (actor: Actor, id: StoryId) =>
        as(
          actor,
          "agent",
          Effect.gen(function* () {
            const found = yield* story(id)
            const edges = yield* Effect.flatMap(StoryDependencies, (d) => d.listByEpic(found.epic_id))
            const artifacts = yield* Effect.flatMap(ArtifactReports, (a) =>
              a.listByStory(id, DETAIL_ARTIFACTS),
            )
            const owner = yield* Effect.flatMap(Projects, (p) => p.findById(found.project_id))
            return {
              story: found,
              dependencies: edges
                .filter((edge) => edge.story_id === found.id)
                .map(({ story_id, depends_on_story_id }) => ({ story_id, depends_on_story_id })),
              artifacts: artifacts.items,
              iteration_count: yield* Effect.flatMap(VerificationResults, (v) => v.lastIteration(id)),
              project_mission: Option.match(owner, { onNone: () => null, onSome: (p) => p.mission }),
            }
          }),
        ),

      /**
       * `GET /stories`: the project's stories by sort_key, filtered, read by limit and offset.
       * `project_id` is required (400); a project of another tenant lists nothing. The meta
       * carries the original's limit/offset beside the page view of the same window (D13).
       */
      listStories: (actor: Actor, query: StoryListQueryInput) =>
        Effect.gen(function* () {
          const { project_id, filter, range } = yield* parseStoryListQuery(query)
          const found = yield* as(
            actor,
            "agent",
            Effect.flatMap(Stories, (s) => s.listByProjectRange(project_id, filter, range)),
          )
          return { data: found.items, meta: rangeMeta(range, found.total_count) }
        }),

      /** An epic's stories by sort_key, one page, optionally of one agent and/or verified status. */
      listEpicStories: (actor: Actor, epicId: EpicId, query: EpicStoryQueryInput) =>
        as(
          actor,
          "agent",
          Effect.gen(function* () {
            const owner = yield* epic(epicId)
            const { filter, page } = yield* parseEpicStoryQuery(query)
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
      updateStory: (actor: Actor, id: StoryId, body: unknown) =>
        as(
          actor,
          "orchestrator",
          Effect.gen(function* () {
            const stories = yield* Stories
            const current = yield* Effect.flatMap(stories.findForUpdate(id), orNotFound("Story"))
            const changes = yield* parseStoryChanges(body)
            const update = applyStoryChanges(current, changes, yield* now)
            if (update.changed.length === 0) return current
            yield* stories.update(update.story)
            yield* recordChange(
              actor,
              current.project_id,
              changed("story", current.id, "updated", update.old_state, update.new_state),
            )
            return update.story
          }),
        ),

      /** Deletes the story with its edges (both ways) and its review, verification and artifact records. */
      deleteStory: (actor: Actor, id: StoryId) =>
        as(
          actor,
          "user",
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
      acceptanceCriteria: (actor: Actor, id: StoryId) =>
        as(
          actor,
          "agent",
          Effect.map(story(id), (found) => wholeList(acceptanceCriteriaOf(found))),
        ),

      /**
       * Stores `story_id → depends_on_story_id` after the checks of workflow.md §4.3, in order:
       * ids given (422), not the same story (422), both known in the tenant (404), same
       * project, no cycle (the 422 names it in `context.cycle`), no cross-level deadlock, not a
       * duplicate (409).
       */
      addStoryDependency: (actor: Actor, body: unknown) =>
        Effect.gen(function* () {
          const input = yield* parseStoryDependencyInput(body)
          return yield* as(
            actor,
            "orchestrator",
            Effect.gen(function* () {
              const dependent = yield* story(input.story_id)
              const prerequisite = yield* story(input.depends_on_story_id)
              const graph = yield* graphForChange(dependent.project_id)
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

      /** The epic counterpart of `addStoryDependency`, with the same checks in the same order. */
      addEpicDependency: (actor: Actor, body: unknown) =>
        Effect.gen(function* () {
          const input = yield* parseEpicDependencyInput(body)
          return yield* as(
            actor,
            "orchestrator",
            Effect.gen(function* () {
              const dependent = yield* epic(input.epic_id)
              const prerequisite = yield* epic(input.depends_on_epic_id)
              const graph = yield* graphForChange(dependent.project_id)
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

      /** Removes a story edge (404 when the tenant has none with this id). */
      removeStoryDependency: (actor: Actor, id: StoryDependencyId) =>
        as(
          actor,
          "user",
          Effect.gen(function* () {
            const edges = yield* StoryDependencies
            const doomed = yield* Effect.flatMap(edges.findById(id), orNotFound("Story dependency"))
            const dependent = yield* story(doomed.story_id)
            if (!(yield* edges.delete(id))) return yield* Effect.fail(NotFound.of("Story dependency"))
            yield* recordChange(
              actor,
              dependent.project_id,
              changed(
                "story_dependency",
                doomed.id,
                "deleted",
                { story_id: doomed.story_id, depends_on_story_id: doomed.depends_on_story_id },
                null,
              ),
            )
          }),
        ),

      /** Removes an epic edge (404 when the tenant has none with this id). */
      removeEpicDependency: (actor: Actor, id: EpicDependencyId) =>
        as(
          actor,
          "user",
          Effect.gen(function* () {
            const edges = yield* EpicDependencies
            const doomed = yield* Effect.flatMap(edges.findById(id), orNotFound("Epic dependency"))
            const dependent = yield* epic(doomed.epic_id)
            if (!(yield* edges.delete(id))) return yield* Effect.fail(NotFound.of("Epic dependency"))
            yield* recordChange(
              actor,
              dependent.project_id,
              changed(
                "epic_dependency",
                doomed.id,
                "deleted",
                { epic_id: doomed.epic_id, depends_on_epic_id: doomed.depends_on_epic_id },
                null,
              ),
            )
          }),
        ),

      /** The project's epic edges, oldest first (404 for an unknown project). */
      listEpicDependencies: (actor: Actor, projectId: ProjectId) =>
        as(
          actor,
          "agent",
          Effect.gen(function* () {
            yield* project(projectId)
            const edges = yield* Effect.flatMap(EpicDependencies, (d) => d.listByProject(projectId))
            return wholeList([...edges].sort(oldestFirst))
          }),
        ),

      /** Story edges with either end in the epic, cross-epic ones included, oldest first. */
      listEpicStoryDependencies: (actor: Actor, epicId: EpicId) =>
        as(
          actor,
          "agent",
          Effect.flatMap(epic(epicId), (owner) =>
            Effect.flatMap(StoryDependencies, (d) => Effect.map(d.listByEpic(owner.id), wholeList)),
          ),
        ),

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

      /**
       * `GET /stories/ready`: pending stories with every prerequisite verified, by sort_key, one
       * page (100 by default, at most 500), in one project or — with none given — the tenant's.
       */
      readyQueue: (actor: Actor, query: QueueQueryInput) =>
        Effect.gen(function* () {
          const { page, ...scope } = yield* parseQueueQuery(query)
          // The store answers readiness in one query; the graph rule is its reference (contracts).
          const ready = yield* as(
            actor,
            "agent",
            Effect.flatMap(Stories, (stories) => stories.readyPage(scope, page)),
          )
          return { data: ready.items, meta: pageMeta(page, ready.total_count) }
        }),

      /** `GET /stories/blocked`: stories waiting for an unverified prerequisite, with their blockers. */
      blockedQueue: (actor: Actor, query: QueueQueryInput) =>
        Effect.gen(function* () {
          const { page, project_id } = yield* parseQueueQuery(query)
          const blocked = yield* as(
            actor,
            "agent",
            Effect.map(acrossProjects(project_id === undefined ? {} : { project_id }, blockedSet), (items) =>
              [...items].sort((a, b) => bySortKey(a.story, b.story)),
            ),
          )
          return pageView(blocked, page)
        }),

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
