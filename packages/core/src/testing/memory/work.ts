import { Effect, HashMap, Layer, Option } from "effect"
import { DuplicateKey } from "../../kernel/domain/duplicate-key.js"
import { pageOf } from "../../kernel/domain/page.js"
import type { EpicDependency, StoryDependency } from "../../work/domain/dependency.js"
import type { Epic } from "../../work/domain/epic.js"
import type { StatusCount } from "../../work/domain/progress.js"
import type { Project } from "../../work/domain/project.js"
import type { Story } from "../../work/domain/story.js"
import type { StoryFilter } from "../../work/domain/work-filters.js"
import { EpicDependencies, StoryDependencies } from "../../work/ports/dependencies.js"
import { Epics } from "../../work/ports/epics.js"
import { Projects } from "../../work/ports/projects.js"
import { type StatusScope, Stories } from "../../work/ports/stories.js"
import { blockedSet, makeWorkGraph, readySet } from "../../work/rules/graph.js"
import { byLinkOrder } from "../link-order.js"
import { MemoryStore, type Tables, tableAccess } from "./store.js"

/** Memory implementations of the work-breakdown repositories. */

const byName = (a: Project, b: Project) => a.name.localeCompare(b.name) || a.id.localeCompare(b.id)
const byPosition = (a: Epic, b: Epic) => a.position - b.position || a.number - b.number
const bySortKey = (a: Story, b: Story) => a.sort_key - b.sort_key
const byInsertion = <A extends { readonly inserted_at: string; readonly id: string }>(a: A, b: A) =>
  a.inserted_at.localeCompare(b.inserted_at) || a.id.localeCompare(b.id)

const putAll = <A extends { readonly id: string }>(map: HashMap.HashMap<string, A>, rows: ReadonlyArray<A>) =>
  rows.reduce((acc, row) => HashMap.set(acc, row.id, row), map)

/** Fails with DuplicateKey when a new row repeats a unique key among existing or new rows. */
const checkUnique = <A extends { readonly id: string }>(
  existing: Iterable<A>,
  incoming: ReadonlyArray<A>,
  entity: string,
  key: string,
  keyOf: (row: A) => string,
) => {
  const seen = new Set<string>()
  for (const row of existing) seen.add(keyOf(row))
  for (const row of incoming) {
    const k = keyOf(row)
    if (seen.has(k)) return Effect.fail(new DuplicateKey({ entity, key }))
    seen.add(k)
  }
  return Effect.void
}

/**
 * Runs a write only when the row it targets exists for the current tenant, as an UPDATE or
 * DELETE under row-level security does: another tenant's row is left alone, silently.
 */
const whenVisible = <A>(found: Effect.Effect<Option.Option<A>>, write: Effect.Effect<void>) =>
  Effect.flatMap(found, (row) => (Option.isNone(row) ? Effect.void : write))

/** Removes a story and every row that hangs off it. */
const withoutStories = (tables: Tables, ids: ReadonlySet<string>): Tables => ({
  ...tables,
  stories: HashMap.filter(tables.stories, (story) => !ids.has(story.id)),
  storyDependencies: HashMap.filter(
    tables.storyDependencies,
    (edge) => !ids.has(edge.story_id) && !ids.has(edge.depends_on_story_id),
  ),
  reviewRecords: HashMap.filter(tables.reviewRecords, (row) => !ids.has(row.story_id)),
  verificationResults: HashMap.filter(tables.verificationResults, (row) => !ids.has(row.story_id)),
  artifactReports: HashMap.filter(tables.artifactReports, (row) => !ids.has(row.story_id)),
})

const inScope = (story: Story, scope: StatusScope) =>
  "project_id" in scope ? story.project_id === scope.project_id : story.epic_id === scope.epic_id

/** Stories counted per epic and pair of statuses, as the SQL adapter's GROUP BY does. */
const statusCounts = (stories: ReadonlyArray<Story>): ReadonlyArray<StatusCount> => {
  const groups = new Map<string, { -readonly [K in keyof StatusCount]: StatusCount[K] }>()
  for (const story of stories) {
    const key = `${story.epic_id}/${story.agent_status}/${story.verified_status}`
    const group = groups.get(key)
    if (group === undefined)
      groups.set(key, {
        epic_id: story.epic_id,
        agent_status: story.agent_status,
        verified_status: story.verified_status,
        stories: 1,
        estimated_hours: story.estimated_hours ?? 0,
      })
    else {
      group.stories += 1
      group.estimated_hours += story.estimated_hours ?? 0
    }
  }
  return Array.from(groups.values())
}

export const ProjectsMemory = Layer.effect(
  Projects,
  Effect.map(MemoryStore, (store) => {
    const db = tableAccess(store)
    return Projects.of({
      insert: (project) =>
        Effect.zipRight(
          Effect.flatMap(
            db.rows((t) => t.projects),
            (rows) => checkUnique(rows, [project], "project", "slug", (p) => p.slug),
          ),
          db.write((t) => ({ ...t, projects: HashMap.set(t.projects, project.id, project) })),
        ),
      update: (project) =>
        whenVisible(
          db.row((t) => t.projects, project.id),
          db.write((t) => ({ ...t, projects: HashMap.set(t.projects, project.id, project) })),
        ),
      findById: (id) => db.row((t) => t.projects, id),
      // Transactions already run one at a time here, so a plain read holds the graph.
      findForGraphChange: (id) => db.row((t) => t.projects, id),
      list: (filter, page) =>
        Effect.map(
          db.rows((t) => t.projects),
          (rows) =>
            pageOf(
              rows
                .filter((p) => filter.status === "any" || p.status === (filter.status ?? "active"))
                .sort(byName),
              page,
            ),
        ),
      countActive: Effect.map(
        db.rows((t) => t.projects),
        (rows) => rows.filter((p) => p.status === "active").length,
      ),
    })
  }),
)

export const EpicsMemory = Layer.effect(
  Epics,
  Effect.map(MemoryStore, (store) => {
    const db = tableAccess(store)
    return Epics.of({
      insert: (epics) =>
        Effect.zipRight(
          Effect.flatMap(
            db.rows((t) => t.epics),
            (rows) => checkUnique(rows, epics, "epic", "number", (e) => `${e.project_id}/${e.number}`),
          ),
          db.write((t) => ({ ...t, epics: putAll(t.epics, epics) })),
        ),
      update: (epic) =>
        whenVisible(
          db.row((t) => t.epics, epic.id),
          db.write((t) => ({ ...t, epics: HashMap.set(t.epics, epic.id, epic) })),
        ),
      delete: (id) =>
        Effect.flatMap(
          db.row((t) => t.epics, id),
          (found) =>
            Option.isNone(found)
              ? Effect.void
              : db.write((t) => {
                  const storyIds = new Set(
                    Array.from(HashMap.values(t.stories))
                      .filter((s) => s.epic_id === id)
                      .map((s) => s.id),
                  )
                  const rest = withoutStories(t, storyIds)
                  return {
                    ...rest,
                    epics: HashMap.remove(rest.epics, id),
                    epicDependencies: HashMap.filter(
                      rest.epicDependencies,
                      (edge) => edge.epic_id !== id && edge.depends_on_epic_id !== id,
                    ),
                  }
                }),
        ),
      findById: (id) => db.row((t) => t.epics, id),
      // Transactions already run one at a time here, so a plain read holds the epic.
      findForUpdate: (id) => db.row((t) => t.epics, id),
      holdWithTally: (id) =>
        Effect.map(
          Effect.all([
            db.row((t) => t.epics, id),
            db.rows((t) => t.stories),
            Effect.flatMap(db.tenant, (tenant) =>
              db.read((t) => t.audit.filter((entry) => Option.contains(tenant, entry.tenant_id))),
            ),
          ]),
          ([epic, rows, audit]) =>
            Option.map(epic, (found) => {
              const stories = rows.filter((s) => s.epic_id === found.id)
              return {
                epic: found,
                tally: {
                  total: stories.length,
                  verified: stories.filter((s) => s.verified_status === "verified").length,
                },
                completion_recorded: audit.some(
                  (e) => e.entity_type === "epic" && e.entity_id === found.id && e.action === "completed",
                ),
              }
            }),
        ),
      listByProject: (project) =>
        Effect.map(
          db.rows((t) => t.epics),
          (rows) => rows.filter((e) => e.project_id === project).sort(byPosition),
        ),
      pageByProject: (project, filter, page) =>
        Effect.map(
          db.rows((t) => t.epics),
          (rows) =>
            pageOf(
              rows
                .filter(
                  (e) => e.project_id === project && (filter.phase === undefined || e.phase === filter.phase),
                )
                .sort(byPosition),
              page,
            ),
        ),
      countByProject: (project) =>
        Effect.map(
          db.rows((t) => t.epics),
          (rows) => rows.filter((e) => e.project_id === project).length,
        ),
    })
  }),
)

export const StoriesMemory = Layer.effect(
  Stories,
  Effect.map(MemoryStore, (store) => {
    const db = tableAccess(store)
    const inProject = (project: string) =>
      Effect.map(
        db.rows((t) => t.stories),
        (rows) => rows.filter((s) => s.project_id === project).sort(bySortKey),
      )
    const matching = (project: string, filter: StoryFilter) =>
      Effect.map(inProject(project), (rows) =>
        rows.filter(
          (s) =>
            (filter.epic_id === undefined || s.epic_id === filter.epic_id) &&
            (filter.agent_status === undefined || s.agent_status === filter.agent_status) &&
            (filter.verified_status === undefined || s.verified_status === filter.verified_status),
        ),
      )
    // The tenant's whole graph, its edges in link order (inserted_at, then id as a store's
    // uuid order has it: plain code-unit order) as the port promises.
    const tenantGraph = Effect.gen(function* () {
      return makeWorkGraph({
        stories: yield* db.rows((t) => t.stories),
        storyDependencies: [...(yield* db.rows((t) => t.storyDependencies))].sort(byLinkOrder),
        epicDependencies: [...(yield* db.rows((t) => t.epicDependencies))].sort(byLinkOrder),
      })
    })
    return Stories.of({
      insert: (stories) =>
        Effect.zipRight(
          Effect.flatMap(
            db.rows((t) => t.stories),
            (rows) => checkUnique(rows, stories, "story", "number", (s) => `${s.project_id}/${s.number}`),
          ),
          db.write((t) => ({ ...t, stories: putAll(t.stories, stories) })),
        ),
      update: (story) =>
        whenVisible(
          db.row((t) => t.stories, story.id),
          db.write((t) => ({ ...t, stories: HashMap.set(t.stories, story.id, story) })),
        ),
      delete: (id) =>
        whenVisible(
          db.row((t) => t.stories, id),
          db.write((t) => withoutStories(t, new Set([id]))),
        ),
      findById: (id) => db.row((t) => t.stories, id),
      // Transactions already run one at a time here, so a plain read holds the story.
      findForUpdate: (id) => db.row((t) => t.stories, id),
      // The same orders as the reads it stands for: edges and artifacts by inserted_at, then id.
      detailOf: (id, artifacts) =>
        Effect.gen(function* () {
          const found = yield* db.row((t) => t.stories, id)
          if (Option.isNone(found)) return Option.none()
          const story = found.value
          const edges = yield* db.rows((t) => t.storyDependencies)
          const reports = yield* db.rows((t) => t.artifactReports)
          const results = yield* db.rows((t) => t.verificationResults)
          const owner = yield* db.row((t) => t.projects, story.project_id)
          return Option.some({
            story,
            dependencies: edges.filter((e) => e.story_id === id).sort(byInsertion),
            artifacts: pageOf(reports.filter((r) => r.story_id === id).sort(byInsertion), artifacts),
            iteration_count: Math.max(0, ...results.filter((r) => r.story_id === id).map((r) => r.iteration)),
            project_mission: Option.match(owner, { onNone: () => null, onSome: (p) => p.mission }),
          })
        }),
      listByProject: (project, filter, page) =>
        Effect.map(matching(project, filter), (rows) => pageOf(rows, page)),
      listByProjectRange: (project, filter, range) =>
        Effect.map(matching(project, filter), (rows) => ({
          items: rows.slice(range.offset, range.offset + range.limit),
          total_count: rows.length,
        })),
      listByEpic: (epic) =>
        Effect.map(
          db.rows((t) => t.stories),
          (rows) => rows.filter((s) => s.epic_id === epic).sort(bySortKey),
        ),
      listAllByProject: inProject,
      tallyByEpic: (epic) =>
        Effect.map(
          db.rows((t) => t.stories),
          (rows) => {
            const stories = rows.filter((s) => s.epic_id === epic)
            return {
              total: stories.length,
              verified: stories.filter((s) => s.verified_status === "verified").length,
            }
          },
        ),
      countByStatus: (scope) =>
        Effect.map(
          db.rows((t) => t.stories),
          (rows) => statusCounts(rows.filter((s) => inScope(s, scope))),
        ),
      // The reference: the core's own readiness rule over the tenant's whole graph.
      readyPage: (scope, page) =>
        Effect.map(tenantGraph, (graph) =>
          // readySet keeps the graph's order: sort_key, then id.
          pageOf(
            readySet(graph).filter(
              (s) =>
                (scope.project_id === undefined || s.project_id === scope.project_id) &&
                (scope.epic_id === undefined || s.epic_id === scope.epic_id),
            ),
            page,
          ),
        ),
      blockedPage: (scope, page) =>
        Effect.map(tenantGraph, (graph) =>
          pageOf(
            blockedSet(graph).filter(
              (b) => scope.project_id === undefined || b.story.project_id === scope.project_id,
            ),
            page,
          ),
        ),
      prerequisitesOf: (story) =>
        Effect.gen(function* () {
          const stories = yield* db.rows((t) => t.stories)
          const storyEdges = yield* db.rows((t) => t.storyDependencies)
          const epicEdges = yield* db.rows((t) => t.epicDependencies)
          const direct = new Set(
            storyEdges.filter((e) => e.story_id === story.id).map((e) => e.depends_on_story_id),
          )
          const epics = new Set(
            epicEdges.filter((e) => e.epic_id === story.epic_id).map((e) => e.depends_on_epic_id),
          )
          return {
            stories: stories.filter((s) => direct.has(s.id)).sort(bySortKey),
            epic_stories: stories.filter((s) => epics.has(s.epic_id)).sort(bySortKey),
          }
        }),
    })
  }),
)

const pairOf = (edge: StoryDependency) => `${edge.story_id}->${edge.depends_on_story_id}`
const epicPairOf = (edge: EpicDependency) => `${edge.epic_id}->${edge.depends_on_epic_id}`

export const StoryDependenciesMemory = Layer.effect(
  StoryDependencies,
  Effect.map(MemoryStore, (store) => {
    const db = tableAccess(store)
    return StoryDependencies.of({
      insert: (edges) =>
        Effect.zipRight(
          Effect.flatMap(
            db.rows((t) => t.storyDependencies),
            (rows) => checkUnique(rows, edges, "story_dependency", "pair", pairOf),
          ),
          db.write((t) => ({ ...t, storyDependencies: putAll(t.storyDependencies, edges) })),
        ),
      delete: (id) =>
        Effect.flatMap(
          db.row((t) => t.storyDependencies, id),
          (found) =>
            Option.isNone(found)
              ? Effect.succeed(false)
              : Effect.as(
                  db.write((t) => ({ ...t, storyDependencies: HashMap.remove(t.storyDependencies, id) })),
                  true,
                ),
        ),
      findById: (id) => db.row((t) => t.storyDependencies, id),
      listByProject: (project) =>
        Effect.gen(function* () {
          const stories = yield* db.rows((t) => t.stories)
          const inProject = new Set(stories.filter((s) => s.project_id === project).map((s) => s.id))
          const edges = yield* db.rows((t) => t.storyDependencies)
          return edges.filter((e) => inProject.has(e.story_id)).sort(byInsertion)
        }),
      listByEpic: (epic) =>
        Effect.gen(function* () {
          const stories = yield* db.rows((t) => t.stories)
          const inEpic = new Set(stories.filter((s) => s.epic_id === epic).map((s) => s.id))
          const edges = yield* db.rows((t) => t.storyDependencies)
          return edges
            .filter((e) => inEpic.has(e.story_id) || inEpic.has(e.depends_on_story_id))
            .sort(byInsertion)
        }),
    })
  }),
)

export const EpicDependenciesMemory = Layer.effect(
  EpicDependencies,
  Effect.map(MemoryStore, (store) => {
    const db = tableAccess(store)
    return EpicDependencies.of({
      insert: (edges) =>
        Effect.zipRight(
          Effect.flatMap(
            db.rows((t) => t.epicDependencies),
            (rows) => checkUnique(rows, edges, "epic_dependency", "pair", epicPairOf),
          ),
          db.write((t) => ({ ...t, epicDependencies: putAll(t.epicDependencies, edges) })),
        ),
      delete: (id) =>
        Effect.flatMap(
          db.row((t) => t.epicDependencies, id),
          (found) =>
            Option.isNone(found)
              ? Effect.succeed(false)
              : Effect.as(
                  db.write((t) => ({ ...t, epicDependencies: HashMap.remove(t.epicDependencies, id) })),
                  true,
                ),
        ),
      findById: (id) => db.row((t) => t.epicDependencies, id),
      listByProject: (project) =>
        Effect.gen(function* () {
          const epics = yield* db.rows((t) => t.epics)
          const inProject = new Set(epics.filter((e) => e.project_id === project).map((e) => e.id))
          const edges = yield* db.rows((t) => t.epicDependencies)
          return edges.filter((e) => inProject.has(e.epic_id)).sort(byInsertion)
        }),
    })
  }),
)
