import { Effect, Option } from "effect"
import type { Actor } from "../../identity/domain/actor.js"
import type { EpicId, ProjectId } from "../../kernel/domain/ids.js"
import { pageMeta } from "../../kernel/domain/page.js"
import type { Story } from "../domain/story.js"
import type { EpicDependencies, StoryDependencies } from "../ports/dependencies.js"
import { Epics } from "../ports/epics.js"
import { Projects } from "../ports/projects.js"
import { Stories } from "../ports/stories.js"
import { type WorkGraph, blockedSet, bySortKey, makeWorkGraph, readySet } from "../rules/graph.js"
import { type QueueQueryInput, parseQueueQuery } from "../rules/story-query.js"
import { projectGraph } from "./project-graph.js"
import { tenantWork } from "./work-access.js"
import { pageView } from "./work-lists.js"

/** How many projects a tenant-wide queue reads per round trip. */
const PROJECT_BATCH = 100

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

/** The ready and blocked queues: which stories can be claimed now, and what the others wait for. */
export class WorkQueues extends Effect.Service<WorkQueues>()("@loopctl/core/WorkQueues", {
  effect: Effect.gen(function* () {
    const as = yield* tenantWork<Projects | Epics | Stories | StoryDependencies | EpicDependencies>()

    return {
      /** Pending stories whose prerequisites are all verified, by sort_key. */
      readyStories: (actor: Actor, projectId: ProjectId, filter: { readonly epic_id?: EpicId } = {}) =>
        as(
          actor,
          "agent",
          Effect.map(projectGraph(projectId), (graph) =>
            readySet(makeWorkGraph(graph), filter.epic_id === undefined ? {} : { epicId: filter.epic_id }),
          ),
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
    }
  }),
}) {}
