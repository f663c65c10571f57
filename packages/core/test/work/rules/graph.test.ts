import { describe, expect, it } from "@effect/vitest"
import { Either, FastCheck, Option } from "effect"
import type { Conflict, ValidationFailed } from "../../../src/kernel/domain/errors.js"
import type { EpicId, StoryId } from "../../../src/kernel/domain/ids.js"
import { agentStatuses, verifiedStatuses } from "../../../src/work/domain/status.js"
import {
  type Edge,
  type EpicLink,
  type StoryLink,
  blockedSet,
  checkEpicSelfDependency,
  checkNewEpicDependency,
  checkNewStoryDependency,
  checkStorySelfDependency,
  dependencyGraphView,
  findAnyCycle,
  findCycle,
  makeWorkGraph,
  readySet,
} from "../../../src/work/rules/graph.js"
import {
  type FixtureStory,
  epic,
  epicId,
  epicLink,
  story,
  storyId,
  storyLink,
  withStatus,
} from "../../fixtures/graph.js"
import { errorEnvelope, statusOf } from "../../fixtures/wire-status.js"

const refusal = <A, E>(result: Either.Either<A, E>): E =>
  Either.match(result, {
    onLeft: (error) => error,
    onRight: () => {
      throw new Error("expected the edge to be refused")
    },
  })

const ids = (stories: ReadonlyArray<{ readonly id: string }>): ReadonlyArray<string> =>
  stories.map((s) => s.id)

const graphOf = (
  stories: ReadonlyArray<FixtureStory>,
  storyDependencies: ReadonlyArray<StoryLink> = [],
  epicDependencies: ReadonlyArray<EpicLink> = [],
) => makeWorkGraph({ stories, storyDependencies, epicDependencies })

/** True when every consecutive pair of `walk` is an edge of `edges`. */
const followsEdges = (walk: ReadonlyArray<string>, edges: ReadonlyArray<Edge<string>>): boolean =>
  walk.slice(1).every((to, i) => edges.some((edge) => edge.from === walk[i] && edge.to === to))

/** Kahn's algorithm: how many of `nodes` a topological order can place. */
const kahnOrderedCount = (nodes: ReadonlyArray<string>, edges: ReadonlyArray<Edge<string>>): number => {
  const indegree = new Map(nodes.map((node) => [node, 0]))
  for (const edge of edges) indegree.set(edge.to, (indegree.get(edge.to) ?? 0) + 1)
  const queue = nodes.filter((node) => indegree.get(node) === 0)
  let placed = 0
  while (queue.length > 0) {
    const node = queue.shift()
    placed++
    for (const edge of edges) {
      if (edge.from !== node) continue
      const left = (indegree.get(edge.to) ?? 0) - 1
      indegree.set(edge.to, left)
      if (left === 0) queue.push(edge.to)
    }
  }
  return placed
}

/** Naive reachability: can `target` be reached from `source` by following edges? */
const reaches = (edges: ReadonlyArray<Edge<string>>, source: string, target: string): boolean => {
  const reached = new Set([source])
  let grew = true
  while (grew) {
    grew = false
    for (const edge of edges) {
      if (reached.has(edge.from) && !reached.has(edge.to)) {
        reached.add(edge.to)
        grew = true
      }
    }
  }
  return edges.some((edge) => edge.from === source) && reached.has(target)
}

// -----------------------------------------------------------------------------------------------
// Cycles
// -----------------------------------------------------------------------------------------------

describe("findCycle", () => {
  it("names the cycle a closing edge would make, starting with the new edge", () => {
    const edges = [
      { from: "a", to: "b" },
      { from: "b", to: "c" },
    ]
    expect(findCycle(edges, { from: "c", to: "a" })).toEqual(Option.some(["c", "a", "b", "c"]))
    expect(findCycle(edges, { from: "a", to: "c" })).toEqual(Option.none())
  })

  it("treats a self-edge as a cycle of one node", () => {
    expect(findCycle([], { from: "a", to: "a" })).toEqual(Option.some(["a", "a"]))
  })

  it("takes the shortest way back", () => {
    const edges = [
      { from: "b", to: "x" },
      { from: "x", to: "y" },
      { from: "y", to: "a" },
      { from: "b", to: "a" },
    ]
    expect(findCycle(edges, { from: "a", to: "b" })).toEqual(Option.some(["a", "b", "a"]))
  })

  it("ignores cycles the new edge is not part of", () => {
    const edges = [
      { from: "x", to: "y" },
      { from: "y", to: "x" },
    ]
    expect(findCycle(edges, { from: "a", to: "x" })).toEqual(Option.none())
  })

  it("finds the way back through a 5000-node chain", () => {
    const chain = Array.from({ length: 5000 }, (_, i) => ({ from: `n${i + 1}`, to: `n${i}` }))
    expect(Option.map(findCycle(chain, { from: "n0", to: "n5000" }), (cycle) => cycle.length)).toEqual(
      Option.some(5002),
    )
  })
})

describe("findAnyCycle", () => {
  it("finds none in a DAG and one in a graph with a loop", () => {
    expect(findAnyCycle<string>([])).toEqual(Option.none())
    expect(findAnyCycle([{ from: "a", to: "b" }])).toEqual(Option.none())
    expect(
      findAnyCycle([
        { from: "a", to: "b" },
        { from: "b", to: "c" },
        { from: "c", to: "b" },
      ]),
    ).toEqual(Option.some(["b", "c", "b"]))
    expect(findAnyCycle([{ from: "a", to: "a" }])).toEqual(Option.some(["a", "a"]))
  })

  it("walks very deep chains without overflowing the stack", () => {
    const chain = Array.from({ length: 20_000 }, (_, i) => ({ from: `n${i}`, to: `n${i + 1}` }))
    expect(findAnyCycle(chain)).toEqual(Option.none())
    const closed = findAnyCycle([...chain, { from: "n20000", to: "n0" }])
    expect(Option.map(closed, (cycle) => cycle.length)).toEqual(Option.some(20_002))
  })

  const digraph = FastCheck.integer({ min: 1, max: 8 }).chain((size) =>
    FastCheck.record({
      nodes: FastCheck.constant(Array.from({ length: size }, (_, i) => `n${i}`)),
      edges: FastCheck.array(
        FastCheck.record({
          from: FastCheck.integer({ min: 0, max: size - 1 }).map((i) => `n${i}`),
          to: FastCheck.integer({ min: 0, max: size - 1 }).map((i) => `n${i}`),
        }),
        { maxLength: 16 },
      ),
    }),
  )

  it.prop("cycle detection agrees with a topological sort", [digraph], ([{ nodes, edges }]) => {
    const cycle = findAnyCycle(edges)
    const sortable = kahnOrderedCount(nodes, edges) === nodes.length
    expect(Option.isNone(cycle)).toBe(sortable)
    if (Option.isSome(cycle)) {
      const walk = cycle.value
      expect(walk.length).toBeGreaterThanOrEqual(2)
      expect(walk[0]).toBe(walk[walk.length - 1])
      expect(followsEdges(walk, edges)).toBe(true)
      // A simple cycle: no node repeats except the closing one.
      expect(new Set(walk.slice(1)).size).toBe(walk.length - 1)
    }
  })
})

// -----------------------------------------------------------------------------------------------
// Creating edges (§4.3, §4.4, §4.7)
// -----------------------------------------------------------------------------------------------

describe("creating an epic dependency", () => {
  const [a, b, c] = [epic(1), epic(2), epic(3)]
  const newEpicEdge = (
    from: ReturnType<typeof epic>,
    to: ReturnType<typeof epic>,
    epicDependencies: ReadonlyArray<EpicLink> = [],
    storyDependencies: ReadonlyArray<StoryLink> = [],
    stories: ReadonlyArray<FixtureStory> = [],
  ) => checkNewEpicDependency({ epic: from, dependsOn: to, epicDependencies, storyDependencies, stories })

  it("accepts A→B and returns the link to store", () => {
    expect(newEpicEdge(a, b)).toEqual(Either.right({ epic_id: a.id, depends_on_epic_id: b.id }))
  })

  it("refuses B→A once A→B exists, naming the cycle", () => {
    const error = refusal(newEpicEdge(b, a, [epicLink(1, 2)]))
    expect(error._tag).toBe("ValidationFailed")
    expect(statusOf(error)).toBe(422)
    expect(error.message).toBe("Cycle detected in dependency graph")
    expect(error).toMatchObject({ code: "cycle_detected", context: { cycle: [b.id, a.id, b.id] } })
  })

  it("refuses C→A when A→B and B→C exist", () => {
    const error = refusal(newEpicEdge(c, a, [epicLink(1, 2), epicLink(2, 3)]))
    expect(error.message).toBe("Cycle detected in dependency graph")
    expect(errorEnvelope(error)).toEqual({
      error: {
        status: 422,
        message: "Cycle detected in dependency graph",
        code: "cycle_detected",
        context: { cycle: [c.id, a.id, b.id, c.id] },
      },
    })
  })

  it("refuses A→A, also on the ids alone before anything is loaded", () => {
    const error = refusal(newEpicEdge(a, a))
    expect(statusOf(error)).toBe(422)
    expect(error.message).toBe("An epic cannot depend on itself")
    expect(refusal(checkEpicSelfDependency(a.id, a.id)).message).toBe("An epic cannot depend on itself")
    expect(Either.isRight(checkEpicSelfDependency(a.id, b.id))).toBe(true)
  })

  it("refuses an edge across projects", () => {
    const error = refusal(newEpicEdge(a, epic(9, { project: 2 })))
    expect(statusOf(error)).toBe(422)
    expect(error.message).toBe("Epics must belong to the same project")
  })

  it("answers the same pair twice with the generic 409", () => {
    const error = refusal(newEpicEdge(a, b, [epicLink(1, 2)]))
    expect(error._tag).toBe("Conflict")
    expect(statusOf(error)).toBe(409)
    expect(errorEnvelope(error)).toEqual({ error: { status: 409, message: "Conflict" } })
  })

  it("refuses A→B when a story in B already depends on a story in A (cross-level deadlock)", () => {
    const stories = [story(1, { epic: 1 }), story(2, { epic: 2 })]
    const error = refusal(newEpicEdge(a, b, [], [storyLink(2, 1)], stories))
    expect(statusOf(error)).toBe(422)
    expect(error.message).toBe(
      `Cross-level deadlock: story ${storyId(2)} (in prerequisite epic) depends on story ${storyId(1)} (in dependent epic)`,
    )
  })

  it("accepts A→B when the stories already wait the same way round", () => {
    const stories = [story(1, { epic: 1 }), story(2, { epic: 2 })]
    expect(Either.isRight(newEpicEdge(a, b, [], [storyLink(1, 2)], stories))).toBe(true)
  })

  it("checks in the spec's order: self, project, cycle, deadlock, duplicate", () => {
    // A cycle and a deadlock at once: the cycle is reported.
    const stories = [story(1, { epic: 1 }), story(2, { epic: 2 })]
    expect(refusal(newEpicEdge(a, b, [epicLink(2, 1)], [storyLink(2, 1)], stories)).message).toBe(
      "Cycle detected in dependency graph",
    )
    // A deadlock and a duplicate at once (inconsistent data): the deadlock is reported.
    expect(refusal(newEpicEdge(a, b, [epicLink(1, 2)], [storyLink(2, 1)], stories)).message).toMatch(
      /^Cross-level deadlock/,
    )
    // Another project and a would-be cycle: the project is reported.
    const foreign = epic(9, { project: 2 })
    expect(refusal(newEpicEdge(a, foreign, [epicLink(9, 1)])).message).toBe(
      "Epics must belong to the same project",
    )
  })
})

describe("creating a story dependency", () => {
  const newStoryEdge = (
    from: FixtureStory,
    to: FixtureStory,
    storyDependencies: ReadonlyArray<StoryLink> = [],
    epicDependencies: ReadonlyArray<EpicLink> = [],
  ) => checkNewStoryDependency({ story: from, dependsOn: to, storyDependencies, epicDependencies })
  const [s1, s2, s3] = [story(1, { epic: 1 }), story(2, { epic: 1 }), story(3, { epic: 1 })]

  it("accepts an edge inside an epic and across epics of one project", () => {
    expect(newStoryEdge(s2, s1)).toEqual(Either.right({ story_id: s2.id, depends_on_story_id: s1.id }))
    expect(Either.isRight(newStoryEdge(story(4, { epic: 2 }), s1))).toBe(true)
  })

  it("refuses a self-edge, also on the ids alone", () => {
    const error = refusal(newStoryEdge(s1, s1))
    expect(statusOf(error)).toBe(422)
    expect(error.message).toBe("A story cannot depend on itself")
    expect(refusal(checkStorySelfDependency(s1.id, s1.id)).message).toBe("A story cannot depend on itself")
    expect(Either.isRight(checkStorySelfDependency(s1.id, s2.id))).toBe(true)
  })

  it("refuses an edge across projects", () => {
    const error = refusal(newStoryEdge(s1, story(9, { epic: 9, project: 2 })))
    expect(statusOf(error)).toBe(422)
    expect(error.message).toBe("Stories must belong to the same project")
  })

  it("refuses an edge that closes a cycle, naming it", () => {
    const error = refusal(newStoryEdge(s1, s3, [storyLink(3, 2), storyLink(2, 1)]))
    expect(statusOf(error)).toBe(422)
    expect(error.message).toBe("Cycle detected in dependency graph")
    expect(error).toMatchObject({ context: { cycle: [s1.id, s3.id, s2.id, s1.id] } })
  })

  it("refuses a story in B waiting for a story in A once epic A depends on B (the mirrored deadlock)", () => {
    const inA = story(1, { epic: 1 })
    const inB = story(2, { epic: 2 })
    const error = refusal(newStoryEdge(inB, inA, [], [epicLink(1, 2)]))
    expect(statusOf(error)).toBe(422)
    // The original's wording, kept verbatim: the prerequisite's epic, then the dependent's.
    expect(error.message).toBe(
      `Cross-level deadlock: epic ${epicId(1)} depends on epic ${epicId(2)}, but a story in ${epicId(1)} would depend on a story in ${epicId(2)}`,
    )
    // The same direction as the epic edge is fine.
    expect(Either.isRight(newStoryEdge(inA, inB, [], [epicLink(1, 2)]))).toBe(true)
  })

  it("answers the same pair twice with the generic 409", () => {
    const error = refusal(newStoryEdge(s2, s1, [storyLink(2, 1)]))
    expect(error._tag).toBe("Conflict")
    expect(errorEnvelope(error)).toEqual({ error: { status: 409, message: "Conflict" } })
  })

  it("checks in the spec's order: cycle before deadlock before duplicate", () => {
    const inA = story(1, { epic: 1 })
    const inB = story(2, { epic: 2 })
    // Would close a cycle and cross the epic edge: the cycle wins.
    expect(refusal(newStoryEdge(inB, inA, [storyLink(1, 2)], [epicLink(1, 2)])).message).toBe(
      "Cycle detected in dependency graph",
    )
    // Already stored and crossing the epic edge (inconsistent data): the deadlock wins.
    expect(refusal(newStoryEdge(inB, inA, [storyLink(2, 1)], [epicLink(1, 2)])).message).toMatch(
      /^Cross-level deadlock/,
    )
  })

  const dagWithNewEdge = FastCheck.integer({ min: 2, max: 9 }).chain((size) =>
    FastCheck.record({
      size: FastCheck.constant(size),
      // A random ranking; edges only ever point from a higher rank to a lower one, so they form a DAG.
      rank: FastCheck.shuffledSubarray(
        Array.from({ length: size }, (_, i) => i),
        { minLength: size, maxLength: size },
      ),
      pairs: FastCheck.array(
        FastCheck.tuple(
          FastCheck.integer({ min: 0, max: size - 1 }),
          FastCheck.integer({ min: 0, max: size - 1 }),
        ),
        { maxLength: 20 },
      ),
      from: FastCheck.integer({ min: 0, max: size - 1 }),
      to: FastCheck.integer({ min: 0, max: size - 1 }),
    }),
  )

  it.prop(
    "any edge that closes a cycle is refused",
    [dagWithNewEdge],
    ([{ size, rank, pairs, from, to }]) => {
      const rankOf = (i: number): number => rank.indexOf(i)
      const links = pairs.filter(([x, y]) => rankOf(x) > rankOf(y))
      const edges: ReadonlyArray<Edge<string>> = links.map(([x, y]) => ({ from: `${x}`, to: `${y}` }))
      const closes = from === to || reaches(edges, `${to}`, `${from}`)
      const stored = links.some(([x, y]) => x === from && y === to)

      // The same request as a story edge (one epic, so no cross-level rule) and as an epic edge.
      const stories = Array.from({ length: size }, (_, i) => story(i, { epic: 1 }))
      const kinds: ReadonlyArray<{
        readonly id: (i: number) => string
        readonly result: Either.Either<unknown, ValidationFailed | Conflict>
      }> = [
        {
          id: storyId,
          result: checkNewStoryDependency({
            story: story(from, { epic: 1 }),
            dependsOn: story(to, { epic: 1 }),
            storyDependencies: links.map(([x, y]) => storyLink(x, y)),
            epicDependencies: [],
          }),
        },
        {
          id: epicId,
          result: checkNewEpicDependency({
            epic: epic(from),
            dependsOn: epic(to),
            epicDependencies: links.map(([x, y]) => epicLink(x, y)),
            storyDependencies: [],
            stories,
          }),
        },
      ]

      for (const { id, result } of kinds) {
        if (closes) {
          const error = refusal(result)
          expect(error._tag).toBe("ValidationFailed")
          if (from !== to) {
            expect(error.message).toBe("Cycle detected in dependency graph")
            // The reported cycle is real: it starts with the new edge and follows stored edges back.
            const cycle = error._tag === "ValidationFailed" ? error.context?.cycle : undefined
            const withNew = [...edges.map((e) => ({ from: id(Number(e.from)), to: id(Number(e.to)) }))]
            withNew.push({ from: id(from), to: id(to) })
            expect(Array.isArray(cycle)).toBe(true)
            const walk: ReadonlyArray<string> = Array.isArray(cycle) ? cycle.map(String) : []
            expect(walk.slice(0, 2)).toEqual([id(from), id(to)])
            expect(walk[walk.length - 1]).toBe(id(from))
            expect(followsEdges(walk, withNew)).toBe(true)
          }
        } else if (stored) {
          expect(refusal(result)._tag).toBe("Conflict")
        } else {
          expect(Either.isRight(result)).toBe(true)
          // Accepting never creates a cycle.
          const after = [...edges, { from: `${from}`, to: `${to}` }]
          const nodes = Array.from({ length: size }, (_, i) => `${i}`)
          expect(Option.isNone(findAnyCycle(after))).toBe(true)
          expect(kahnOrderedCount(nodes, after)).toBe(size)
        }
      }
    },
  )
})

// -----------------------------------------------------------------------------------------------
// Readiness (§4.5, §4.7, §5.5, D7)
// -----------------------------------------------------------------------------------------------

describe("readiness over a whole graph", () => {
  it("s2 waits for unverified s1; once s1 is verified, s2 is ready", () => {
    const s1 = story(1, { epic: 1 })
    const s2 = story(2, { epic: 1 })
    const before = graphOf([s2, s1], [storyLink(2, 1)])
    expect(ids(readySet(before))).toEqual([s1.id])
    expect(blockedSet(before).map((b) => [b.story.id, ids(b.blocking_dependencies)])).toEqual([
      [s2.id, [s1.id]],
    ])

    const after = graphOf([withStatus(s1, "reported_done", "verified"), s2], [storyLink(2, 1)])
    expect(ids(readySet(after))).toEqual([s2.id])
    expect(blockedSet(after)).toEqual([])
  })

  it("holds back every story of B while prerequisite epic A has a reported-but-unverified story", () => {
    const a1 = story(1, { epic: 1, agent_status: "reported_done" })
    const a2 = story(2, { epic: 1, agent_status: "reported_done", verified_status: "verified" })
    const b1 = story(3, { epic: 2 })
    const b2 = story(4, { epic: 2 })
    const graph = graphOf([a1, a2, b1, b2], [], [epicLink(2, 1)])
    expect(ids(readySet(graph))).toEqual([])
    expect(blockedSet(graph).map((b) => [b.story.id, ids(b.blocking_dependencies)])).toEqual([
      [b1.id, [a1.id]],
      [b2.id, [a1.id]],
    ])
  })

  it("lists a rejected and reset story (pending/rejected) as ready", () => {
    const reset = story(1, { epic: 1, verified_status: "rejected" })
    expect(ids(readySet(graphOf([reset])))).toEqual([reset.id])
  })

  it("filters the ready set by epic", () => {
    const stories = [story(1, { epic: 1 }), story(2, { epic: 2 }), story(3, { epic: 2 })]
    expect(ids(readySet(graphOf(stories), { epicId: epicId(2) }))).toEqual([storyId(2), storyId(3)])
  })

  it("makes the dependent ready once its dependency is deleted", () => {
    const stories = [story(1, { epic: 1, agent_status: "implementing" }), story(2, { epic: 1 })]
    expect(ids(readySet(graphOf(stories, [storyLink(2, 1)])))).toEqual([])
    expect(ids(readySet(graphOf(stories, [])))).toEqual([storyId(2)])
  })

  it("treats an empty prerequisite epic as satisfied", () => {
    const graph = graphOf([story(1, { epic: 1 })], [], [epicLink(1, 7)])
    expect(ids(readySet(graph))).toEqual([storyId(1)])
    expect(blockedSet(graph)).toEqual([])
  })

  it("lets an imported verified story (RD/V) unblock its dependents and never be ready itself", () => {
    const imported = story(1, { epic: 1, agent_status: "reported_done", verified_status: "verified" })
    const dependent = story(2, { epic: 1 })
    expect(ids(readySet(graphOf([imported, dependent], [storyLink(2, 1)])))).toEqual([dependent.id])
  })

  it("keeps an imported reported-but-unverified story (RD/U) out of ready and blocking its dependents", () => {
    const imported = story(1, { epic: 1, agent_status: "reported_done" })
    const dependent = story(2, { epic: 1 })
    const graph = graphOf([imported, dependent], [storyLink(2, 1)])
    expect(ids(readySet(graph))).toEqual([])
    expect(ids(blockedSet(graph).map((b) => b.story))).toEqual([dependent.id])
  })

  it("lists blocked stories in any status, verified ones included", () => {
    const prerequisite = story(1, { epic: 1 })
    const done = story(2, { epic: 1, agent_status: "reported_done", verified_status: "verified" })
    expect(ids(blockedSet(graphOf([prerequisite, done], [storyLink(2, 1)])).map((b) => b.story))).toEqual([
      done.id,
    ])
  })

  it("lists direct blockers first, then each prerequisite epic's unverified stories by sort_key, each once", () => {
    const late = story(1, { epic: 1, sort_key: 90 })
    const early = story(2, { epic: 1, sort_key: 10 })
    const verified = story(3, { epic: 1, sort_key: 5, verified_status: "verified" })
    const other = story(4, { epic: 3, sort_key: 1 })
    const target = story(5, { epic: 2 })
    const graph = graphOf(
      [late, early, verified, other, target],
      [storyLink(5, 1), storyLink(5, 4)],
      [epicLink(2, 1), epicLink(2, 3)],
    )
    expect(blockedSet(graph).map((b) => [b.story.id, ids(b.blocking_dependencies)])).toEqual([
      [target.id, [late.id, other.id, early.id]],
    ])
  })

  it("orders the ready set by sort_key, then id", () => {
    const stories = [
      story(3, { epic: 2, sort_key: 10 }),
      story(1, { epic: 1, sort_key: 20 }),
      story(2, { epic: 1, sort_key: 10 }),
    ]
    expect(ids(readySet(graphOf(stories)))).toEqual([storyId(2), storyId(3), storyId(1)])
  })

  it("answers a 5000-story chain correctly", () => {
    const stories = Array.from({ length: 5000 }, (_, i) =>
      story(i, { epic: 1 + (i % 50), verified_status: i < 2500 ? "verified" : "unverified" }),
    )
    const links = stories.slice(1).map((_, i) => storyLink(i + 1, i))
    const graph = graphOf(stories, links)
    // Every story of the verified half has a verified prerequisite (or none): all ready.
    // Of the unverified half only story 2500 (its prerequisite 2499 is verified) is ready.
    expect(readySet(graph).length).toBe(2501)
    expect(blockedSet(graph).length).toBe(2499)
  })

  const statusPair = FastCheck.record({
    agent_status: FastCheck.constantFrom(...agentStatuses),
    verified_status: FastCheck.constantFrom(...verifiedStatuses),
  })

  const randomWork = FastCheck.integer({ min: 1, max: 6 }).chain((epicCount) =>
    FastCheck.record({
      stories: FastCheck.array(
        FastCheck.record({
          epic: FastCheck.integer({ min: 1, max: epicCount }),
          status: statusPair,
          sort_key: FastCheck.integer({ min: 0, max: 6 }),
        }),
        { maxLength: 24 },
      ),
      storyPairs: FastCheck.array(FastCheck.tuple(FastCheck.nat(), FastCheck.nat()), { maxLength: 40 }),
      epicPairs: FastCheck.array(
        FastCheck.tuple(
          FastCheck.integer({ min: 1, max: epicCount }),
          FastCheck.integer({ min: 1, max: epicCount }),
        ),
        { maxLength: 10 },
      ),
    }),
  )

  it.prop("the ready set equals a reference computation on random DAGs", [randomWork], ([work]) => {
    const stories = work.stories.map((s, i) => story(i, { epic: s.epic, sort_key: s.sort_key, ...s.status }))
    const n = stories.length
    // Edges point from a higher index to a lower one (story) or epic number (epic): both acyclic.
    const storyLinks =
      n === 0 ? [] : work.storyPairs.map(([x, y]) => [x % n, y % n] as const).filter(([x, y]) => x > y)
    const epicLinks = work.epicPairs.filter(([x, y]) => x > y)
    const storyDependencies = storyLinks.map(([x, y]) => storyLink(x, y))
    const epicDependencies = epicLinks.map(([x, y]) => epicLink(x, y))

    // The reference: nested loops straight from the spec's wording, no indexes.
    const before = (a: FixtureStory, b: FixtureStory): boolean =>
      a.sort_key < b.sort_key || (a.sort_key === b.sort_key && a.id < b.id)
    const sorted: Array<FixtureStory> = []
    for (const s of stories) {
      let at = 0
      while (at < sorted.length && before(sorted[at] ?? s, s)) at++
      sorted.splice(at, 0, s)
    }
    const referenceBlockers = (s: FixtureStory): ReadonlyArray<StoryId> => {
      const out: Array<StoryId> = []
      for (const link of storyDependencies) {
        if (link.story_id !== s.id) continue
        for (const t of stories) {
          if (t.id === link.depends_on_story_id && t.verified_status !== "verified" && !out.includes(t.id)) {
            out.push(t.id)
          }
        }
      }
      const seenEpics: Array<EpicId> = []
      for (const link of epicDependencies) {
        if (link.epic_id !== s.epic_id || seenEpics.includes(link.depends_on_epic_id)) continue
        seenEpics.push(link.depends_on_epic_id)
        for (const t of sorted) {
          if (
            t.epic_id === link.depends_on_epic_id &&
            t.verified_status !== "verified" &&
            !out.includes(t.id)
          ) {
            out.push(t.id)
          }
        }
      }
      return out
    }
    const referenceReady: Array<StoryId> = []
    for (const s of sorted) {
      if (s.agent_status !== "pending") continue
      let ready = true
      for (const link of storyDependencies) {
        for (const t of stories) {
          if (
            link.story_id === s.id &&
            t.id === link.depends_on_story_id &&
            t.verified_status !== "verified"
          ) {
            ready = false
          }
        }
      }
      for (const link of epicDependencies) {
        for (const t of stories) {
          if (
            link.epic_id === s.epic_id &&
            t.epic_id === link.depends_on_epic_id &&
            t.verified_status !== "verified"
          ) {
            ready = false
          }
        }
      }
      if (ready) referenceReady.push(s.id)
    }
    const referenceBlocked = sorted
      .map((s) => [s.id, referenceBlockers(s)] as const)
      .filter(([, blockers]) => blockers.length > 0)

    const graph = makeWorkGraph({ stories, storyDependencies, epicDependencies })
    expect(ids(readySet(graph))).toEqual(referenceReady)
    expect(blockedSet(graph).map((b) => [b.story.id, ids(b.blocking_dependencies)])).toEqual(referenceBlocked)
  })
})

// -----------------------------------------------------------------------------------------------
// The dependency-graph view (§4.6)
// -----------------------------------------------------------------------------------------------

describe("dependencyGraphView", () => {
  it("orders epics by position then number and stories by sort_key, with from/to edges", () => {
    const epics = [epic(3, { position: 1 }), epic(2, { position: 0 }), epic(1, { position: 1 })]
    const stories = [
      story(10, { epic: 1, sort_key: 30 }),
      story(11, { epic: 1, sort_key: 10 }),
      story(12, { epic: 2, sort_key: 20 }),
      story(13, { epic: 8, sort_key: 5 }),
    ]
    const view = dependencyGraphView(
      epics,
      stories,
      [storyLink(10, 11), storyLink(13, 12)],
      [epicLink(1, 2), epicLink(8, 2)],
    )
    expect(view.epics.map((e) => e.id)).toEqual([epicId(2), epicId(1), epicId(3)])
    expect(view.epics.map((e) => ids(e.stories))).toEqual([[storyId(12)], [storyId(11), storyId(10)], []])
    expect(view.epics[0]).toEqual({
      id: epicId(2),
      number: 2,
      title: "Epic 2",
      phase: null,
      position: 0,
      stories: [
        {
          id: storyId(12),
          number: "2.12",
          title: "Story 12",
          agent_status: "pending",
          verified_status: "unverified",
          sort_key: 20,
        },
      ],
    })
    // Edges whose dependent is outside the listed epics (epic 8, story 13) are left out.
    expect(view.epic_dependencies).toEqual([{ from: epicId(1), to: epicId(2) }])
    expect(view.story_dependencies).toEqual([{ from: storyId(10), to: storyId(11) }])
  })
})
