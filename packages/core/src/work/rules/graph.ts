import { Either, Option } from "effect"
import { Conflict, ValidationFailed } from "../../kernel/domain/errors.js"
import type { EpicId, StoryId } from "../../kernel/domain/ids.js"
import type { BlockedStory } from "../domain/blocked-story.js"
import type { EpicDependency, StoryDependency } from "../domain/dependency.js"
import type { Epic } from "../domain/epic.js"
import type { Prerequisites } from "../domain/prerequisites.js"
import type { Story } from "../domain/story.js"
import { blockersAmong, isReady } from "./readiness.js"

/**
 * The dependency graph: refusing edges that would make it unsatisfiable (cycles, cross-level
 * deadlocks), and applying the readiness rule (rules/readiness.ts) to a whole loaded graph.
 * Every function is pure and takes the rows the caller already loaded; looking them up (and
 * answering 404 for unknown ids) is the service's job.
 */

// ---------------------------------------------------------------------------------------------
// Inputs: the few fields of each entity that the graph looks at, so callers may pass full
// entities or lighter projections of them.
// ---------------------------------------------------------------------------------------------

/** What the readiness rules read from a story. */
export type GraphStory = Pick<
  Story,
  "id" | "project_id" | "epic_id" | "sort_key" | "agent_status" | "verified_status"
>

/** What the edge checks read from an epic. */
export type GraphEpic = Pick<Epic, "id" | "project_id">

/** A story edge as stored: `story_id` waits for `depends_on_story_id`. */
export type StoryLink = Pick<StoryDependency, "story_id" | "depends_on_story_id">

/** An epic edge as stored: the stories of `epic_id` wait for every story of `depends_on_epic_id`. */
export type EpicLink = Pick<EpicDependency, "epic_id" | "depends_on_epic_id">

// ---------------------------------------------------------------------------------------------
// Cycles
// ---------------------------------------------------------------------------------------------

/** A directed edge from a dependent (`from`) to its prerequisite (`to`); the wire's from/to. */
export interface Edge<Id extends string> {
  readonly from: Id
  readonly to: Id
}

/** The edge of a stored story dependency. */
export const storyEdge = (link: StoryLink): Edge<StoryId> => ({
  from: link.story_id,
  to: link.depends_on_story_id,
})

/** The edge of a stored epic dependency. */
export const epicEdge = (link: EpicLink): Edge<EpicId> => ({
  from: link.epic_id,
  to: link.depends_on_epic_id,
})

const successorsOf = <Id extends string>(edges: Iterable<Edge<Id>>): ReadonlyMap<Id, ReadonlyArray<Id>> => {
  const successors = new Map<Id, Array<Id>>()
  for (const { from, to } of edges) {
    const list = successors.get(from)
    if (list === undefined) successors.set(from, [to])
    else list.push(to)
  }
  return successors
}

/**
 * The cycle that adding `newEdge` to `edges` would close, or none. Adding X→Y closes a cycle
 * exactly when X can already be reached from Y. The answer is the closed walk starting with the
 * new edge — `[X, Y, …, X]` — taking a shortest way back (breadth-first), so error messages stay
 * short. A self-edge is the cycle `[X, X]`. Linear in the number of edges.
 */
export const findCycle = <Id extends string>(
  edges: Iterable<Edge<Id>>,
  newEdge: Edge<Id>,
): Option.Option<ReadonlyArray<Id>> => {
  const { from, to } = newEdge
  if (from === to) return Option.some([from, to])
  const successors = successorsOf(edges)
  const reachedFrom = new Map<Id, Id>()
  const queue: Array<Id> = [to]
  const seen = new Set<Id>(queue)
  for (let head = 0; head < queue.length; head++) {
    const node = queue[head]
    if (node === undefined) break
    for (const next of successors.get(node) ?? []) {
      if (seen.has(next)) continue
      seen.add(next)
      reachedFrom.set(next, node)
      if (next === from) {
        // Walk the parent links back from X to Y, then read them forwards after the new edge.
        const back: Array<Id> = [from]
        for (let step = reachedFrom.get(from); step !== undefined; step = reachedFrom.get(step))
          back.push(step)
        return Option.some([from, ...back.reverse()])
      }
      queue.push(next)
    }
  }
  return Option.none()
}

/**
 * Some cycle of the whole edge set as a closed walk `[a, b, …, a]`, or none when the edges form
 * a DAG. An iterative depth-first search (deep chains cannot overflow the call stack), linear
 * in nodes plus edges.
 */
export const findAnyCycle = <Id extends string>(
  edges: Iterable<Edge<Id>>,
): Option.Option<ReadonlyArray<Id>> => {
  const successors = successorsOf(edges)
  const state = new Map<Id, "open" | "done">()
  for (const root of successors.keys()) {
    if (state.has(root)) continue
    // `path` holds the open nodes of the current descent; `pending` their unexplored successors.
    const path: Array<Id> = [root]
    const pending: Array<Iterator<Id>> = [(successors.get(root) ?? [])[Symbol.iterator]()]
    state.set(root, "open")
    for (let top = pending.at(-1); top !== undefined; top = pending.at(-1)) {
      const step = top.next()
      if (step.done === true) {
        const closed = path.pop()
        if (closed !== undefined) state.set(closed, "done")
        pending.pop()
        continue
      }
      const next = step.value
      const seen = state.get(next)
      if (seen === "open") return Option.some([...path.slice(path.indexOf(next)), next])
      if (seen === undefined) {
        state.set(next, "open")
        path.push(next)
        pending.push((successors.get(next) ?? [])[Symbol.iterator]())
      }
    }
  }
  return Option.none()
}

// ---------------------------------------------------------------------------------------------
// Creating an edge
// ---------------------------------------------------------------------------------------------

const refuse = (
  message: string,
  code: string,
  context?: Record<string, unknown>,
): Either.Either<never, ValidationFailed> =>
  Either.left(
    context === undefined
      ? new ValidationFailed({ message, code })
      : new ValidationFailed({ message, code, context }),
  )

const cycleRefusal = (cycle: ReadonlyArray<string>): Either.Either<never, ValidationFailed> =>
  refuse("Cycle detected in dependency graph", "cycle_detected", { cycle })

const duplicateRefusal: Either.Either<never, Conflict> = Either.left(new Conflict({ message: "Conflict" }))

/**
 * The first check on a new story edge, made on the two ids alone: the spec puts it before the
 * existence check, so the service runs it before loading anything.
 */
export const checkStorySelfDependency = (
  storyId: string,
  dependsOnStoryId: string,
): Either.Either<void, ValidationFailed> =>
  storyId === dependsOnStoryId ? refuse("A story cannot depend on itself", "self_dependency") : Either.void

/** The epic counterpart of `checkStorySelfDependency`. */
export const checkEpicSelfDependency = (
  epicId: string,
  dependsOnEpicId: string,
): Either.Either<void, ValidationFailed> =>
  epicId === dependsOnEpicId ? refuse("An epic cannot depend on itself", "self_dependency") : Either.void

/** A requested story edge with what the service loaded for it. */
export interface NewStoryDependency {
  /** The dependent story. */
  readonly story: GraphStory
  /** The prerequisite story. */
  readonly dependsOn: GraphStory
  /** The existing story edges of the project. */
  readonly storyDependencies: ReadonlyArray<StoryLink>
  /** The existing epic edges of the project. */
  readonly epicDependencies: ReadonlyArray<EpicLink>
}

/**
 * Decides whether a story edge may be stored, checking in the spec's order: self-edge, same
 * project, cycle (the cycle is named in `context.cycle`), cross-level deadlock with a direct epic
 * edge the other way, then duplicate (409). Returns the link to insert.
 */
export const checkNewStoryDependency = (
  request: NewStoryDependency,
): Either.Either<StoryLink, ValidationFailed | Conflict> => {
  const { story, dependsOn, storyDependencies, epicDependencies } = request
  if (story.id === dependsOn.id) return refuse("A story cannot depend on itself", "self_dependency")
  if (story.project_id !== dependsOn.project_id) {
    return refuse("Stories must belong to the same project", "cross_project")
  }
  const cycle = findCycle(storyDependencies.map(storyEdge), { from: story.id, to: dependsOn.id })
  if (Option.isSome(cycle)) return cycleRefusal(cycle.value)
  // The story's epic would wait for the prerequisite's epic while that epic already waits for it.
  if (
    story.epic_id !== dependsOn.epic_id &&
    epicDependencies.some(
      (link) => link.epic_id === dependsOn.epic_id && link.depends_on_epic_id === story.epic_id,
    )
  ) {
    return refuse(
      `Cross-level deadlock: epic ${dependsOn.epic_id} depends on epic ${story.epic_id}, but a story in ${dependsOn.epic_id} would depend on a story in ${story.epic_id}`,
      "cross_level_deadlock",
    )
  }
  if (
    storyDependencies.some((link) => link.story_id === story.id && link.depends_on_story_id === dependsOn.id)
  ) {
    return duplicateRefusal
  }
  return Either.right({ story_id: story.id, depends_on_story_id: dependsOn.id })
}

/** A requested epic edge with what the service loaded for it. */
export interface NewEpicDependency {
  /** The dependent epic. */
  readonly epic: GraphEpic
  /** The prerequisite epic. */
  readonly dependsOn: GraphEpic
  /** The existing epic edges of the project. */
  readonly epicDependencies: ReadonlyArray<EpicLink>
  /** The existing story edges of the project. */
  readonly storyDependencies: ReadonlyArray<StoryLink>
  /** The project's stories (at least those of both epics), to tell which epic a story edge joins. */
  readonly stories: ReadonlyArray<Pick<Story, "id" | "epic_id">>
}

/**
 * Decides whether an epic edge may be stored, checking in the spec's order: self-edge, same
 * project, cycle (named in `context.cycle`), cross-level deadlock (a story of the prerequisite
 * epic already waits for a story of the dependent epic), then duplicate (409).
 */
export const checkNewEpicDependency = (
  request: NewEpicDependency,
): Either.Either<EpicLink, ValidationFailed | Conflict> => {
  const { epic, dependsOn, epicDependencies, storyDependencies, stories } = request
  if (epic.id === dependsOn.id) return refuse("An epic cannot depend on itself", "self_dependency")
  if (epic.project_id !== dependsOn.project_id)
    return refuse("Epics must belong to the same project", "cross_project")
  const cycle = findCycle(epicDependencies.map(epicEdge), { from: epic.id, to: dependsOn.id })
  if (Option.isSome(cycle)) return cycleRefusal(cycle.value)
  const epicOf = new Map<StoryId, EpicId>()
  for (const story of stories) epicOf.set(story.id, story.epic_id)
  const crossing = storyDependencies.find(
    (link) => epicOf.get(link.story_id) === dependsOn.id && epicOf.get(link.depends_on_story_id) === epic.id,
  )
  if (crossing !== undefined) {
    return refuse(
      `Cross-level deadlock: story ${crossing.story_id} (in prerequisite epic) depends on story ${crossing.depends_on_story_id} (in dependent epic)`,
      "cross_level_deadlock",
    )
  }
  if (epicDependencies.some((link) => link.epic_id === epic.id && link.depends_on_epic_id === dependsOn.id)) {
    return duplicateRefusal
  }
  return Either.right({ epic_id: epic.id, depends_on_epic_id: dependsOn.id })
}

// ---------------------------------------------------------------------------------------------
// Readiness over a whole graph: the one predicate of rules/readiness.ts, applied to every story
// ---------------------------------------------------------------------------------------------

/** Orders stories by sort_key, then id so that equal keys (across epics or projects) stay stable. */
export const bySortKey = (a: Pick<Story, "id" | "sort_key">, b: Pick<Story, "id" | "sort_key">): number =>
  a.sort_key - b.sort_key || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0)

/**
 * Stories and their edges indexed once, so that each story's prerequisites are found in time
 * proportional to the edges it touches. Build it with `makeWorkGraph`; `S` is whatever story
 * shape the caller holds (a full `Story` or a projection), and the answers hand the same values back.
 */
export interface WorkGraph<S extends GraphStory = GraphStory> {
  /** Every story, by sort_key then id. */
  readonly stories: ReadonlyArray<S>
  readonly storyById: ReadonlyMap<StoryId, S>
  /** The direct prerequisites of each story, once each, in link order. */
  readonly prerequisiteStories: ReadonlyMap<StoryId, ReadonlyArray<S>>
  /** The prerequisite epics of each epic, once each, in link order. */
  readonly prerequisiteEpics: ReadonlyMap<EpicId, ReadonlyArray<EpicId>>
  /** The stories of each epic, by sort_key then id. */
  readonly storiesByEpic: ReadonlyMap<EpicId, ReadonlyArray<S>>
}

const pushTo = <K, V>(map: Map<K, Array<V>>, key: K, value: V): void => {
  const list = map.get(key)
  if (list === undefined) map.set(key, [value])
  else list.push(value)
}

/**
 * Indexes stories and edges. Epics need not be given: a story names its epic, and an epic with
 * no stories has nothing left to verify. Edges naming a story the graph does not hold are
 * dropped (as a database join would), so pass every story the edges can reach — normally the
 * whole project. Link order is the order the edges are given in. O((N + E) log N) for N stories
 * and E edges, the log from the one sort.
 */
export const makeWorkGraph = <S extends GraphStory>(input: {
  readonly stories: Iterable<S>
  readonly storyDependencies: Iterable<StoryLink>
  readonly epicDependencies: Iterable<EpicLink>
}): WorkGraph<S> => {
  const stories = [...input.stories].sort(bySortKey)
  const storyById = new Map<StoryId, S>()
  const storiesByEpic = new Map<EpicId, Array<S>>()
  for (const story of stories) {
    storyById.set(story.id, story)
    pushTo(storiesByEpic, story.epic_id, story)
  }
  const prerequisiteStories = new Map<StoryId, Array<S>>()
  const seenStoryLinks = new Set<string>()
  for (const link of input.storyDependencies) {
    const prerequisite = storyById.get(link.depends_on_story_id)
    const key = `${link.story_id} ${link.depends_on_story_id}`
    if (prerequisite === undefined || !storyById.has(link.story_id) || seenStoryLinks.has(key)) continue
    seenStoryLinks.add(key)
    pushTo(prerequisiteStories, link.story_id, prerequisite)
  }
  const prerequisiteEpics = new Map<EpicId, Array<EpicId>>()
  const seenEpicLinks = new Set<string>()
  for (const link of input.epicDependencies) {
    const key = `${link.epic_id} ${link.depends_on_epic_id}`
    if (seenEpicLinks.has(key)) continue
    seenEpicLinks.add(key)
    pushTo(prerequisiteEpics, link.epic_id, link.depends_on_epic_id)
  }
  return { stories, storyById, prerequisiteStories, prerequisiteEpics, storiesByEpic }
}

/**
 * Each story's prerequisites as the readiness rule reads them: its direct prerequisites in link
 * order, then the stories of its epic's prerequisite epics (epic link order, each epic's stories
 * by sort_key). The epic side is worked out once per epic and shared by its stories.
 */
const prerequisitesIn = <S extends GraphStory>(graph: WorkGraph<S>) => {
  const viaEpic = new Map<EpicId, ReadonlyArray<S>>()
  const epicShare = (epicId: EpicId): ReadonlyArray<S> => {
    const known = viaEpic.get(epicId)
    if (known !== undefined) return known
    const share = (graph.prerequisiteEpics.get(epicId) ?? []).flatMap(
      (prerequisite) => graph.storiesByEpic.get(prerequisite) ?? [],
    )
    viaEpic.set(epicId, share)
    return share
  }
  return (story: Pick<Story, "id" | "epic_id">): Prerequisites<S> => ({
    stories: graph.prerequisiteStories.get(story.id) ?? [],
    epic_stories: epicShare(story.epic_id),
  })
}

/** The stories `isReady` accepts, by sort_key then id, optionally only one epic's. */
export const readySet = <S extends GraphStory>(
  graph: WorkGraph<S>,
  filter: { readonly epicId?: EpicId } = {},
): ReadonlyArray<S> => {
  const prerequisitesOf = prerequisitesIn(graph)
  return graph.stories.filter(
    (story) =>
      (filter.epicId === undefined || story.epic_id === filter.epicId) &&
      isReady(story, prerequisitesOf(story)),
  )
}

/**
 * Stories in any status, verified ones included, that have at least one blocker, by sort_key
 * then id, each with its blockers as `blockersAmong` lists them.
 */
export const blockedSet = <S extends GraphStory>(graph: WorkGraph<S>): ReadonlyArray<BlockedStory<S>> => {
  const prerequisitesOf = prerequisitesIn(graph)
  const blocked: Array<BlockedStory<S>> = []
  for (const story of graph.stories) {
    const blocking = blockersAmong(prerequisitesOf(story))
    if (blocking.length > 0) blocked.push({ story, blocking_dependencies: blocking })
  }
  return blocked
}

// ---------------------------------------------------------------------------------------------
// The project's graph, as GET /projects/:id/dependency_graph shows it
// ---------------------------------------------------------------------------------------------

/** A story as the graph view shows it. */
export type GraphViewStory = Pick<
  Story,
  "id" | "number" | "title" | "agent_status" | "verified_status" | "sort_key"
>

/** The fields of an epic the graph view shows. */
export type GraphViewEpicFields = Pick<Epic, "id" | "number" | "title" | "phase" | "position">

/** An epic as the graph view shows it, with its stories by sort_key. */
export type GraphViewEpic = GraphViewEpicFields & {
  readonly stories: ReadonlyArray<GraphViewStory>
}

/** The `graph` object of the dependency-graph endpoint. */
export interface DependencyGraphView {
  readonly epics: ReadonlyArray<GraphViewEpic>
  readonly epic_dependencies: ReadonlyArray<Edge<EpicId>>
  readonly story_dependencies: ReadonlyArray<Edge<StoryId>>
}

/**
 * The whole project at a glance: epics by position then number, each with its stories by
 * sort_key, and both edge sets as from (dependent) / to (prerequisite) pairs, in the order given.
 * Stories of epics not listed, and edges whose dependent is not listed, are left out.
 */
export const dependencyGraphView = (
  epics: ReadonlyArray<GraphViewEpicFields>,
  stories: ReadonlyArray<GraphViewStory & Pick<Story, "epic_id">>,
  storyDependencies: ReadonlyArray<StoryLink>,
  epicDependencies: ReadonlyArray<EpicLink>,
): DependencyGraphView => {
  const storiesOf = new Map<EpicId, Array<GraphViewStory>>()
  for (const story of [...stories].sort(bySortKey)) {
    pushTo(storiesOf, story.epic_id, {
      id: story.id,
      number: story.number,
      title: story.title,
      agent_status: story.agent_status,
      verified_status: story.verified_status,
      sort_key: story.sort_key,
    })
  }
  const ordered = [...epics].sort((a, b) => a.position - b.position || a.number - b.number)
  const epicIds = new Set(ordered.map((epic) => epic.id))
  const storyIds = new Set<StoryId>()
  for (const epic of ordered) for (const story of storiesOf.get(epic.id) ?? []) storyIds.add(story.id)
  return {
    epics: ordered.map((epic) => ({
      id: epic.id,
      number: epic.number,
      title: epic.title,
      phase: epic.phase,
      position: epic.position,
      stories: storiesOf.get(epic.id) ?? [],
    })),
    epic_dependencies: epicDependencies.filter((link) => epicIds.has(link.epic_id)).map(epicEdge),
    story_dependencies: storyDependencies.filter((link) => storyIds.has(link.story_id)).map(storyEdge),
  }
}
