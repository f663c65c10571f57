import { Effect, FastCheck } from "effect"
import type { Tenants } from "../../identity/ports/tenants.js"
import type { Ids } from "../../kernel/ports/ids.js"
import type { UnitOfWork } from "../../kernel/ports/unit-of-work.js"
import type { BlockedStory } from "../../work/domain/blocked-story.js"
import type { EpicDependency, StoryDependency } from "../../work/domain/dependency.js"
import type { Epic } from "../../work/domain/epic.js"
import {
  type AgentStatus,
  type VerifiedStatus,
  agentStatuses,
  verifiedStatuses,
} from "../../work/domain/status.js"
import { Story } from "../../work/domain/story.js"
import { EpicDependencies, StoryDependencies } from "../../work/ports/dependencies.js"
import { Epics } from "../../work/ports/epics.js"
import { Projects } from "../../work/ports/projects.js"
import { type BlockedScope, Stories } from "../../work/ports/stories.js"
import { blockedSet, makeWorkGraph, readySet } from "../../work/rules/graph.js"
import { isReady } from "../../work/rules/readiness.js"
import { byLinkOrder } from "../link-order.js"
import { type ContractCase, contractCase, expectEqual } from "./contract.js"
import {
  aProject,
  aStory,
  aStoryDependency,
  anEpic,
  anEpicDependency,
  commitStories,
  instant,
  seedBoard,
  within,
} from "./fixtures.js"

/**
 * The queues of the Stories port held to the core's readiness rule: `blockedPage` on a board
 * built by hand, then `readyPage`, `blockedPage` and `prerequisitesOf` (what a claim reads)
 * compared with the rule's answer on random graphs.
 */

type QueuePorts =
  | Stories
  | Epics
  | Projects
  | StoryDependencies
  | EpicDependencies
  | Tenants
  | UnitOfWork
  | Ids

const numbers = (stories: ReadonlyArray<Story>) => stories.map((story) => story.number)
const ids = (stories: ReadonlyArray<{ readonly id: string }>) => stories.map((story) => story.id)
const blockedView = (items: ReadonlyArray<BlockedStory>) =>
  items.map((item) => [item.story.number, numbers(item.blocking_dependencies)])
const done = { agent_status: "reported_done", verified_status: "verified" } as const

const blockedPageCase = contractCase(
  "blockedPage: stories in any status with a blocker, by sort_key, paged, each with its blockers in the rule's order",
  Effect.gen(function* () {
    const { tenant, project, epic: e1 } = yield* seedBoard
    const [e2, e3, e4, e5] = [
      yield* anEpic(project, 2),
      yield* anEpic(project, 3),
      yield* anEpic(project, 4),
      yield* anEpic(project, 5),
    ]
    const other = yield* aProject(tenant)
    const otherEpic = yield* anEpic(other, 1)
    yield* within(
      tenant.id,
      Effect.gen(function* () {
        yield* (yield* Projects).insert(other)
        yield* (yield* Epics).insert([e2, e3, e4, e5, otherEpic])
      }),
    )
    const a1 = yield* aStory(e1, "1.1")
    const a2 = yield* aStory(e1, "1.2")
    const verified = yield* aStory(e1, "1.4", done)
    const verifiedDependent = yield* aStory(e1, "1.5", done)
    const b1 = yield* aStory(e2, "2.1", { agent_status: "contracted" })
    const b2 = yield* aStory(e2, "2.2")
    const c1 = yield* aStory(e3, "3.1", done)
    const c2 = yield* aStory(e3, "3.2")
    const c3 = yield* aStory(e3, "3.3", { agent_status: "implementing" })
    const d1 = yield* aStory(e4, "4.1")
    const q1 = yield* aStory(otherEpic, "1.1")
    const q2 = yield* aStory(otherEpic, "1.2")
    yield* commitStories(tenant, [q2, q1, d1, c3, c2, c1, b2, b1, verifiedDependent, verified, a2, a1])
    yield* within(
      tenant.id,
      Effect.gen(function* () {
        yield* (yield* StoryDependencies).insert([
          yield* aStoryDependency(a2, a1, { inserted_at: instant(1) }),
          yield* aStoryDependency(a2, verified, { inserted_at: instant(1) }),
          yield* aStoryDependency(verifiedDependent, a1, { inserted_at: instant(1) }),
          // b1's direct blockers in link order: a2 (older link) before c3.
          yield* aStoryDependency(b1, c3, { inserted_at: instant(3) }),
          yield* aStoryDependency(b1, a2, { inserted_at: instant(2) }),
          yield* aStoryDependency(q1, q2, { inserted_at: instant(1) }),
        ])
        yield* (yield* EpicDependencies).insert([
          // Epic 2 waits for epic 3 (older link), then epic 1; epic 4 for the empty epic 5.
          yield* anEpicDependency(e2, e1, { inserted_at: instant(2) }),
          yield* anEpicDependency(e2, e3, { inserted_at: instant(1) }),
          yield* anEpicDependency(e4, e5, { inserted_at: instant(1) }),
        ])
      }),
    )
    const blocked = (scope: BlockedScope, page = 1, page_size = 50) =>
      within(
        tenant.id,
        Effect.flatMap(Stories, (repo) => repo.blockedPage(scope, { page, page_size })),
      )
    const inProject = yield* blocked({ project_id: project.id })
    yield* expectEqual(
      blockedView(inProject.items),
      [
        ["1.2", ["1.1"]],
        ["1.5", ["1.1"]],
        ["2.1", ["1.2", "3.3", "3.2", "1.1"]],
        ["2.2", ["3.2", "3.3", "1.1", "1.2"]],
      ],
      "the project's blocked stories and their blockers",
    )
    yield* expectEqual(inProject.total_count, 4, "total_count")
    yield* expectEqual(inProject.items[0], { story: a2, blocking_dependencies: [a1] }, "every field")
    const firstPage = yield* blocked({ project_id: project.id }, 1, 3)
    const secondPage = yield* blocked({ project_id: project.id }, 2, 3)
    yield* expectEqual(numbers(firstPage.items.map((item) => item.story)), ["1.2", "1.5", "2.1"], "page 1")
    yield* expectEqual(blockedView(secondPage.items), [["2.2", ["3.2", "3.3", "1.1", "1.2"]]], "page 2")
    yield* expectEqual(secondPage.total_count, 4, "total_count on page 2")
    const past = yield* blocked({ project_id: project.id }, 9, 3)
    yield* expectEqual(past, { items: [], total_count: 4 }, "a page past the end")
    const tenantWide = yield* blocked({})
    yield* expectEqual(
      tenantWide.items.map((item) => item.story.id).sort(),
      [a2, verifiedDependent, b1, b2, q1].map((story) => story.id).sort(),
      "every project of the tenant",
    )
    yield* within(
      tenant.id,
      Effect.flatMap(Stories, (repo) => repo.update(new Story({ ...a1, ...done }))),
    )
    const after = yield* blocked({ project_id: project.id })
    yield* expectEqual(
      blockedView(after.items),
      [
        ["2.1", ["1.2", "3.3", "3.2"]],
        ["2.2", ["3.2", "3.3", "1.2"]],
      ],
      "after 1.1 is verified",
    )
    const { tenant: stranger } = yield* seedBoard
    const foreign = yield* within(
      stranger.id,
      Effect.flatMap(Stories, (repo) =>
        repo.blockedPage({ project_id: project.id }, { page: 1, page_size: 50 }),
      ),
    )
    yield* expectEqual(foreign, { items: [], total_count: 0 }, "another tenant's blocked queue")
  }),
)

/** A random board: epics, stories with any statuses and sort keys, acyclic edges with link times. */
interface RandomBoard {
  readonly epicCount: number
  readonly stories: ReadonlyArray<{
    readonly epic: number
    readonly agent_status: AgentStatus
    readonly verified_status: VerifiedStatus
    readonly sort_key: number
  }>
  /**
   * [end, end, link second] by story index (modulo the story count): the higher index depends on
   * the lower, so the graph stays acyclic; equal ends and repeated pairs are dropped.
   */
  readonly storyLinks: ReadonlyArray<readonly [number, number, number]>
  /** The same by epic index. */
  readonly epicLinks: ReadonlyArray<readonly [number, number, number]>
}

const randomBoard: FastCheck.Arbitrary<RandomBoard> = FastCheck.integer({ min: 1, max: 4 }).chain(
  (epicCount) =>
    FastCheck.record({
      epicCount: FastCheck.constant(epicCount),
      stories: FastCheck.array(
        FastCheck.record({
          epic: FastCheck.integer({ min: 0, max: epicCount - 1 }),
          // Pending and verified drawn more often, so that ready stories and satisfied edges are common.
          agent_status: FastCheck.oneof(
            FastCheck.constant<AgentStatus>("pending"),
            FastCheck.constantFrom(...agentStatuses),
          ),
          verified_status: FastCheck.oneof(
            FastCheck.constant<VerifiedStatus>("verified"),
            FastCheck.constantFrom(...verifiedStatuses),
          ),
          sort_key: FastCheck.integer({ min: 0, max: 4 }),
        }),
        { minLength: 4, maxLength: 12 },
      ),
      storyLinks: FastCheck.array(FastCheck.tuple(FastCheck.nat(), FastCheck.nat(), FastCheck.nat(3)), {
        minLength: 2,
        maxLength: 16,
      }),
      epicLinks: FastCheck.array(FastCheck.tuple(FastCheck.nat(), FastCheck.nat(), FastCheck.nat(3)), {
        maxLength: 5,
      }),
    }),
)

/** Fixed, so a failure names a graph that can be rebuilt. */
const SEED = 20261207
const GRAPHS = 12

/** Drawn links as [dependent, prerequisite, second] among `count` nodes: higher index on lower, once each. */
const acyclicPairs = (links: RandomBoard["storyLinks"], count: number) => {
  const seen = new Set<string>()
  const pairs: Array<readonly [number, number, number]> = []
  for (const [x, y, second] of links) {
    const [from, to] = [Math.max(x % count, y % count), Math.min(x % count, y % count)]
    if (from === to || seen.has(`${from} ${to}`)) continue
    seen.add(`${from} ${to}`)
    pairs.push([from, to, second])
  }
  return pairs
}

/** Stores one random board in a fresh tenant and returns what it stored. */
const storeBoard = (board: RandomBoard) =>
  Effect.gen(function* () {
    const { tenant, project, epic: first } = yield* seedBoard
    const epics: Array<Epic> = [first]
    for (let n = 2; n <= board.epicCount; n++) epics.push(yield* anEpic(project, n))
    yield* within(
      tenant.id,
      Effect.flatMap(Epics, (repo) => repo.insert(epics.slice(1))),
    )
    const stories: Array<Story> = []
    for (const [index, drawn] of board.stories.entries()) {
      const epic = epics[drawn.epic] ?? first
      stories.push(
        yield* aStory(epic, `${epic.number}.${index + 1}`, {
          agent_status: drawn.agent_status,
          verified_status: drawn.verified_status,
          sort_key: drawn.sort_key,
        }),
      )
    }
    yield* commitStories(tenant, stories)
    const storyDependencies: Array<StoryDependency> = []
    for (const [from, to, second] of acyclicPairs(board.storyLinks, stories.length)) {
      const story = stories[from]
      const dependsOn = stories[to]
      if (story === undefined || dependsOn === undefined) continue
      storyDependencies.push(yield* aStoryDependency(story, dependsOn, { inserted_at: instant(second) }))
    }
    const epicDependencies: Array<EpicDependency> = []
    for (const [from, to, second] of acyclicPairs(board.epicLinks, epics.length)) {
      const epic = epics[from]
      const dependsOn = epics[to]
      if (epic === undefined || dependsOn === undefined) continue
      epicDependencies.push(yield* anEpicDependency(epic, dependsOn, { inserted_at: instant(second) }))
    }
    yield* within(
      tenant.id,
      Effect.gen(function* () {
        yield* (yield* StoryDependencies).insert(storyDependencies)
        yield* (yield* EpicDependencies).insert(epicDependencies)
      }),
    )
    return { tenant, project, epics, stories, storyDependencies, epicDependencies }
  })

const randomGraphsCase = contractCase(
  `readyPage, blockedPage and prerequisitesOf agree with the readiness rule on ${GRAPHS} random graphs`,
  Effect.forEach(FastCheck.sample(randomBoard, { seed: SEED, numRuns: GRAPHS }), (board, run) =>
    Effect.gen(function* () {
      const stored = yield* storeBoard(board)
      const what = (question: string) => `graph ${run} (seed ${SEED}): ${question}`
      // The rule's answer, with edges in link order as the port defines it.
      const graph = makeWorkGraph({
        stories: stored.stories,
        storyDependencies: [...stored.storyDependencies].sort(byLinkOrder),
        epicDependencies: [...stored.epicDependencies].sort(byLinkOrder),
      })
      const whole = { page: 1, page_size: 500 }
      yield* within(
        stored.tenant.id,
        Effect.gen(function* () {
          const repo = yield* Stories
          const ready = yield* repo.readyPage({ project_id: stored.project.id }, whole)
          const expectedReady = readySet(graph)
          yield* expectEqual(ids(ready.items), ids(expectedReady), what("ready"))
          yield* expectEqual(ready.total_count, expectedReady.length, what("ready total_count"))
          for (const epic of stored.epics) {
            const ofEpic = yield* repo.readyPage({ project_id: stored.project.id, epic_id: epic.id }, whole)
            yield* expectEqual(
              ids(ofEpic.items),
              ids(readySet(graph, { epicId: epic.id })),
              what(`ready in epic ${epic.number}`),
            )
          }
          const blocked = yield* repo.blockedPage({ project_id: stored.project.id }, whole)
          const expectedBlocked = blockedSet(graph)
          yield* expectEqual(
            blocked.items.map((item) => [item.story.id, ids(item.blocking_dependencies)]),
            expectedBlocked.map((item) => [item.story.id, ids(item.blocking_dependencies)]),
            what("blocked, with blockers in order"),
          )
          yield* expectEqual(blocked.total_count, expectedBlocked.length, what("blocked total_count"))
          // A claim reads prerequisitesOf: the same predicate on it must give the same answer.
          const readyIds = new Set(ids(expectedReady))
          for (const story of stored.stories) {
            const prerequisites = yield* repo.prerequisitesOf(story)
            yield* expectEqual(
              isReady(story, prerequisites),
              readyIds.has(story.id),
              what(`readiness of ${story.number} from its prerequisites`),
            )
          }
        }),
      )
    }),
  ),
)

/** The queue cases of the Stories port. */
export const storyQueueCases: ReadonlyArray<ContractCase<QueuePorts>> = [blockedPageCase, randomGraphsCase]
