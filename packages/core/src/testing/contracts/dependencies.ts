import { type Context, Effect, Exit } from "effect"
import type { Tenants } from "../../identity/ports/tenants.js"
import { EpicDependencyId, StoryDependencyId } from "../../kernel/domain/ids.js"
import { type Ids, freshId } from "../../kernel/ports/ids.js"
import type { UnitOfWork } from "../../kernel/ports/unit-of-work.js"
import type { EpicDependency } from "../../work/domain/dependency.js"
import { EpicDependencies, StoryDependencies } from "../../work/ports/dependencies.js"
import { Epics } from "../../work/ports/epics.js"
import { Projects } from "../../work/ports/projects.js"
import type { Stories } from "../../work/ports/stories.js"
import {
  type ContractSuite,
  contractCase,
  expectEqual,
  expectFailure,
  expectNone,
  expectSome,
  expectTrue,
} from "./contract.js"
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

type Ports = StoryDependencies | EpicDependencies | Stories | Epics | Projects | Tenants | UnitOfWork | Ids

const ids = (rows: ReadonlyArray<{ readonly id: string }>) => rows.map((row) => row.id)
const sortedIds = (rows: ReadonlyArray<{ readonly id: string }>) => ids(rows).sort()

/** A seeded board with three stories in its epic. */
const threeStories = Effect.gen(function* () {
  const board = yield* seedBoard
  const stories = {
    s1: yield* aStory(board.epic, "1.1"),
    s2: yield* aStory(board.epic, "1.2"),
    s3: yield* aStory(board.epic, "1.3"),
  }
  yield* commitStories(board.tenant, Object.values(stories))
  return { ...board, ...stories }
})

/** A seeded board with three epics (numbers 1, 2, 3) in its project. */
const threeEpics = Effect.gen(function* () {
  const board = yield* seedBoard
  const e2 = yield* anEpic(board.project, 2)
  const e3 = yield* anEpic(board.project, 3)
  yield* within(
    board.tenant.id,
    Effect.flatMap(Epics, (repo) => repo.insert([e2, e3])),
  )
  return { ...board, e1: board.epic, e2, e3 }
})

const storyEdges = <A, E, R>(f: (repo: Context.Tag.Service<StoryDependencies>) => Effect.Effect<A, E, R>) =>
  Effect.flatMap(StoryDependencies, f)
const epicEdges = <A, E, R>(f: (repo: Context.Tag.Service<EpicDependencies>) => Effect.Effect<A, E, R>) =>
  Effect.flatMap(EpicDependencies, f)

/** A delete from the wrong tenant may fail, but when it answers it must answer false. */
const refusedDelete = <E, R>(attempt: Effect.Effect<boolean, E, R>, what: string) =>
  Effect.flatMap(Effect.exit(attempt), (exit) =>
    Exit.isSuccess(exit) ? expectEqual(exit.value, false, what) : Effect.void,
  )

/** The StoryDependencies port: unique pairs, delete reporting, per-project listing oldest first. */
export const storyDependenciesContract: ContractSuite<Ports> = {
  port: "StoryDependencies",
  cases: [
    contractCase(
      "insert then findById returns every field",
      Effect.gen(function* () {
        const { tenant, s1, s2 } = yield* threeStories
        const edge = yield* aStoryDependency(s2, s1, { inserted_at: instant(100, 100_001) })
        yield* within(
          tenant.id,
          storyEdges((repo) => repo.insert([edge])),
        )
        const found = yield* within(
          tenant.id,
          storyEdges((repo) => repo.findById(edge.id)),
        )
        yield* expectEqual(yield* expectSome(found, "the inserted edge"), edge, "edge after a round-trip")
      }),
    ),
    contractCase(
      "findById of an unknown id is none",
      Effect.gen(function* () {
        const { tenant } = yield* seedBoard
        const missing = yield* freshId(StoryDependencyId)
        const found = yield* within(
          tenant.id,
          storyEdges((repo) => repo.findById(missing)),
        )
        yield* expectNone(found, "an unknown edge")
      }),
    ),
    contractCase(
      "insert fails with DuplicateKey pair when the edge exists, and accepts the reverse edge",
      Effect.gen(function* () {
        const { tenant, s1, s2 } = yield* threeStories
        const edge = yield* aStoryDependency(s2, s1)
        const repeat = yield* aStoryDependency(s2, s1)
        const reverse = yield* aStoryDependency(s1, s2)
        yield* within(
          tenant.id,
          storyEdges((repo) => repo.insert([edge])),
        )
        const refused = yield* expectFailure(
          within(
            tenant.id,
            storyEdges((repo) => repo.insert([repeat])),
          ),
          "DuplicateKey",
          "an edge repeating an existing pair",
        )
        yield* expectEqual(refused.key, "pair", "the key of the DuplicateKey")
        yield* within(
          tenant.id,
          storyEdges((repo) => repo.insert([reverse])),
        )
        const listed = yield* within(
          tenant.id,
          storyEdges((repo) => Effect.all([repo.findById(repeat.id), repo.findById(reverse.id)])),
        )
        yield* expectNone(listed[0], "the refused edge")
        yield* expectSome(listed[1], "the reverse edge")
      }),
    ),
    contractCase(
      "a batch repeating a pair within itself fails with DuplicateKey and stores nothing",
      Effect.gen(function* () {
        const { tenant, project, s1, s2, s3 } = yield* threeStories
        const batch = [
          yield* aStoryDependency(s2, s1),
          yield* aStoryDependency(s3, s1),
          yield* aStoryDependency(s2, s1),
        ]
        const refused = yield* expectFailure(
          within(
            tenant.id,
            storyEdges((repo) => repo.insert(batch)),
          ),
          "DuplicateKey",
          "a batch with one pair twice",
        )
        yield* expectEqual(refused.key, "pair", "the key of the DuplicateKey")
        const left = yield* within(
          tenant.id,
          storyEdges((repo) => repo.listByProject(project.id)),
        )
        yield* expectEqual(left, [], "edges of the project")
      }),
    ),
    contractCase(
      "delete answers true and removes the edge, then answers false",
      Effect.gen(function* () {
        const { tenant, s1, s2, s3 } = yield* threeStories
        const doomed = yield* aStoryDependency(s2, s1)
        const kept = yield* aStoryDependency(s3, s1)
        yield* within(
          tenant.id,
          storyEdges((repo) => repo.insert([doomed, kept])),
        )
        const first = yield* within(
          tenant.id,
          storyEdges((repo) => repo.delete(doomed.id)),
        )
        yield* expectTrue(first, "delete of an existing edge answers true")
        const second = yield* within(
          tenant.id,
          storyEdges((repo) => repo.delete(doomed.id)),
        )
        yield* expectEqual(second, false, "delete of a deleted edge")
        const unknown = yield* within(
          tenant.id,
          Effect.flatMap(freshId(StoryDependencyId), (id) => storyEdges((repo) => repo.delete(id))),
        )
        yield* expectEqual(unknown, false, "delete of an unknown edge")
        const left = yield* within(
          tenant.id,
          storyEdges((repo) => Effect.all([repo.findById(doomed.id), repo.findById(kept.id)])),
        )
        yield* expectNone(left[0], "the deleted edge")
        yield* expectSome(left[1], "the other edge")
      }),
    ),
    contractCase(
      "listByProject holds the edges of the project's stories, oldest first",
      Effect.gen(function* () {
        const { tenant, project, s1, s2, s3 } = yield* threeStories
        const otherProject = yield* aProject(tenant)
        const otherEpic = yield* anEpic(otherProject, 1)
        const o1 = yield* aStory(otherEpic, "1.1")
        const o2 = yield* aStory(otherEpic, "1.2")
        yield* within(
          tenant.id,
          Effect.gen(function* () {
            yield* (yield* Projects).insert(otherProject)
            yield* (yield* Epics).insert([otherEpic])
          }),
        )
        yield* commitStories(tenant, [o1, o2])
        const middle = yield* aStoryDependency(s3, s2, { inserted_at: instant(110, 2) })
        const newest = yield* aStoryDependency(s3, s1, { inserted_at: instant(111) })
        const oldest = yield* aStoryDependency(s2, s1, { inserted_at: instant(110, 1) })
        const foreign = yield* aStoryDependency(o2, o1, { inserted_at: instant(105) })
        yield* within(
          tenant.id,
          storyEdges((repo) =>
            Effect.zipRight(repo.insert([middle, newest]), repo.insert([foreign, oldest])),
          ),
        )
        const listed = yield* within(
          tenant.id,
          storyEdges((repo) => repo.listByProject(project.id)),
        )
        yield* expectEqual(listed, [oldest, middle, newest], "edges")
        const ofOther = yield* within(
          tenant.id,
          storyEdges((repo) => repo.listByProject(otherProject.id)),
        )
        yield* expectEqual(ids(ofOther), [foreign.id], "edges of the other project")
      }),
    ),
    contractCase(
      "listByEpic holds the edges with either end in the epic, across epics, oldest first",
      Effect.gen(function* () {
        const { tenant, project, epic, s1, s2, s3 } = yield* threeStories
        const other = yield* anEpic(project, 2)
        const third = yield* anEpic(project, 3)
        yield* within(
          tenant.id,
          Effect.flatMap(Epics, (repo) => repo.insert([other, third])),
        )
        const o1 = yield* aStory(other, "2.1")
        const o2 = yield* aStory(other, "2.2")
        const t1 = yield* aStory(third, "3.1")
        yield* commitStories(tenant, [o1, o2, t1])
        const inside = yield* aStoryDependency(s2, s1, { inserted_at: instant(140, 3) })
        const outward = yield* aStoryDependency(s3, o1, { inserted_at: instant(140, 1) })
        const inward = yield* aStoryDependency(o2, s1, { inserted_at: instant(140, 2) })
        const elsewhere = yield* aStoryDependency(o2, o1, { inserted_at: instant(139) })
        const beyond = yield* aStoryDependency(t1, o2, { inserted_at: instant(141) })
        yield* within(
          tenant.id,
          storyEdges((repo) => repo.insert([inside, outward, inward, elsewhere, beyond])),
        )
        const ofEpic = yield* within(
          tenant.id,
          storyEdges((repo) => repo.listByEpic(epic.id)),
        )
        yield* expectEqual(ofEpic, [outward, inward, inside], "edges touching epic 1")
        const ofOther = yield* within(
          tenant.id,
          storyEdges((repo) => repo.listByEpic(other.id)),
        )
        yield* expectEqual(
          ids(ofOther),
          [elsewhere.id, outward.id, inward.id, beyond.id],
          "edges touching epic 2",
        )
        const ofThird = yield* within(
          tenant.id,
          storyEdges((repo) => repo.listByEpic(third.id)),
        )
        yield* expectEqual(ids(ofThird), [beyond.id], "edges touching epic 3")
        const { tenant: stranger } = yield* seedBoard
        const seen = yield* within(
          stranger.id,
          storyEdges((repo) => repo.listByEpic(epic.id)),
        )
        yield* expectEqual(seen, [], "edges of another tenant's epic")
      }),
    ),
    contractCase(
      "another tenant's unit of work sees none of the edges",
      Effect.gen(function* () {
        const { tenant, project, s1, s2 } = yield* threeStories
        const { tenant: stranger } = yield* seedBoard
        const edge = yield* aStoryDependency(s2, s1)
        yield* within(
          tenant.id,
          storyEdges((repo) => repo.insert([edge])),
        )
        yield* within(
          stranger.id,
          storyEdges((repo) =>
            Effect.gen(function* () {
              yield* expectNone(yield* repo.findById(edge.id), "another tenant's edge")
              yield* expectEqual(
                yield* repo.listByProject(project.id),
                [],
                "edges of another tenant's project",
              )
            }),
          ),
        )
      }),
    ),
    contractCase(
      "another tenant's unit of work cannot delete an edge",
      Effect.gen(function* () {
        const { tenant, s1, s2 } = yield* threeStories
        const { tenant: stranger } = yield* seedBoard
        const edge = yield* aStoryDependency(s2, s1)
        yield* within(
          tenant.id,
          storyEdges((repo) => repo.insert([edge])),
        )
        yield* refusedDelete(
          within(
            stranger.id,
            storyEdges((repo) => repo.delete(edge.id)),
          ),
          "delete of another tenant's edge",
        )
        const found = yield* within(
          tenant.id,
          storyEdges((repo) => repo.findById(edge.id)),
        )
        yield* expectSome(found, "the edge after a foreign delete")
      }),
    ),
  ],
}

/** The EpicDependencies port: unique pairs, delete reporting, per-project listing. */
export const epicDependenciesContract: ContractSuite<Ports> = {
  port: "EpicDependencies",
  cases: [
    contractCase(
      "insert then findById returns every field",
      Effect.gen(function* () {
        const { tenant, e1, e2 } = yield* threeEpics
        const edge = yield* anEpicDependency(e2, e1, { inserted_at: instant(120, 654_321) })
        yield* within(
          tenant.id,
          epicEdges((repo) => repo.insert([edge])),
        )
        const found = yield* within(
          tenant.id,
          epicEdges((repo) => repo.findById(edge.id)),
        )
        yield* expectEqual(yield* expectSome(found, "the inserted edge"), edge, "edge after a round-trip")
      }),
    ),
    contractCase(
      "findById of an unknown id is none",
      Effect.gen(function* () {
        const { tenant } = yield* seedBoard
        const missing = yield* freshId(EpicDependencyId)
        const found = yield* within(
          tenant.id,
          epicEdges((repo) => repo.findById(missing)),
        )
        yield* expectNone(found, "an unknown edge")
      }),
    ),
    contractCase(
      "insert fails with DuplicateKey when the edge exists, and accepts the reverse edge",
      Effect.gen(function* () {
        const { tenant, e1, e2 } = yield* threeEpics
        const edge = yield* anEpicDependency(e2, e1)
        const repeat = yield* anEpicDependency(e2, e1)
        const reverse = yield* anEpicDependency(e1, e2)
        yield* within(
          tenant.id,
          epicEdges((repo) => repo.insert([edge])),
        )
        yield* expectFailure(
          within(
            tenant.id,
            epicEdges((repo) => repo.insert([repeat])),
          ),
          "DuplicateKey",
          "an edge repeating an existing pair",
        )
        yield* within(
          tenant.id,
          epicEdges((repo) => repo.insert([reverse])),
        )
        const found = yield* within(
          tenant.id,
          epicEdges((repo) => Effect.all([repo.findById(repeat.id), repo.findById(reverse.id)])),
        )
        yield* expectNone(found[0], "the refused edge")
        yield* expectSome(found[1], "the reverse edge")
      }),
    ),
    contractCase(
      "a batch repeating a pair within itself fails with DuplicateKey and stores nothing",
      Effect.gen(function* () {
        const { tenant, project, e1, e2, e3 } = yield* threeEpics
        const batch = [
          yield* anEpicDependency(e2, e1),
          yield* anEpicDependency(e3, e1),
          yield* anEpicDependency(e2, e1),
        ]
        yield* expectFailure(
          within(
            tenant.id,
            epicEdges((repo) => repo.insert(batch)),
          ),
          "DuplicateKey",
          "a batch with one pair twice",
        )
        const left = yield* within(
          tenant.id,
          epicEdges((repo) => repo.listByProject(project.id)),
        )
        yield* expectEqual(left, [], "edges of the project")
      }),
    ),
    contractCase(
      "delete answers true and removes the edge, then answers false",
      Effect.gen(function* () {
        const { tenant, e1, e2, e3 } = yield* threeEpics
        const doomed = yield* anEpicDependency(e2, e1)
        const kept = yield* anEpicDependency(e3, e1)
        yield* within(
          tenant.id,
          epicEdges((repo) => repo.insert([doomed, kept])),
        )
        const first = yield* within(
          tenant.id,
          epicEdges((repo) => repo.delete(doomed.id)),
        )
        yield* expectTrue(first, "delete of an existing edge answers true")
        const second = yield* within(
          tenant.id,
          epicEdges((repo) => repo.delete(doomed.id)),
        )
        yield* expectEqual(second, false, "delete of a deleted edge")
        const unknown = yield* within(
          tenant.id,
          Effect.flatMap(freshId(EpicDependencyId), (id) => epicEdges((repo) => repo.delete(id))),
        )
        yield* expectEqual(unknown, false, "delete of an unknown edge")
        const left = yield* within(
          tenant.id,
          epicEdges((repo) => Effect.all([repo.findById(doomed.id), repo.findById(kept.id)])),
        )
        yield* expectNone(left[0], "the deleted edge")
        yield* expectSome(left[1], "the other edge")
      }),
    ),
    contractCase(
      "listByProject holds exactly the edges of the project's epics",
      Effect.gen(function* () {
        const { tenant, project, e1, e2, e3 } = yield* threeEpics
        const otherProject = yield* aProject(tenant)
        const o1 = yield* anEpic(otherProject, 1)
        const o2 = yield* anEpic(otherProject, 2)
        yield* within(
          tenant.id,
          Effect.gen(function* () {
            yield* (yield* Projects).insert(otherProject)
            yield* (yield* Epics).insert([o1, o2])
          }),
        )
        const mine: ReadonlyArray<EpicDependency> = [
          yield* anEpicDependency(e3, e2, { inserted_at: instant(130, 2) }),
          yield* anEpicDependency(e2, e1, { inserted_at: instant(130, 1) }),
          yield* anEpicDependency(e3, e1, { inserted_at: instant(131) }),
        ]
        const foreign = yield* anEpicDependency(o2, o1)
        yield* within(
          tenant.id,
          epicEdges((repo) => repo.insert([...mine, foreign])),
        )
        const listed = yield* within(
          tenant.id,
          epicEdges((repo) => repo.listByProject(project.id)),
        )
        // The port promises no order for epic edges, so they are compared as a set.
        yield* expectEqual(sortedIds(listed), sortedIds(mine), "edges of the project")
        yield* expectEqual(
          [...listed].sort((a, b) => (a.id < b.id ? -1 : 1)),
          [...mine].sort((a, b) => (a.id < b.id ? -1 : 1)),
          "edges of the project, field by field",
        )
        const ofOther = yield* within(
          tenant.id,
          epicEdges((repo) => repo.listByProject(otherProject.id)),
        )
        yield* expectEqual(ids(ofOther), [foreign.id], "edges of the other project")
      }),
    ),
    contractCase(
      "another tenant's unit of work sees none of the edges",
      Effect.gen(function* () {
        const { tenant, project, e1, e2 } = yield* threeEpics
        const { tenant: stranger } = yield* seedBoard
        const edge = yield* anEpicDependency(e2, e1)
        yield* within(
          tenant.id,
          epicEdges((repo) => repo.insert([edge])),
        )
        yield* within(
          stranger.id,
          epicEdges((repo) =>
            Effect.gen(function* () {
              yield* expectNone(yield* repo.findById(edge.id), "another tenant's edge")
              yield* expectEqual(
                yield* repo.listByProject(project.id),
                [],
                "edges of another tenant's project",
              )
            }),
          ),
        )
      }),
    ),
    contractCase(
      "another tenant's unit of work cannot delete an edge",
      Effect.gen(function* () {
        const { tenant, e1, e2 } = yield* threeEpics
        const { tenant: stranger } = yield* seedBoard
        const edge = yield* anEpicDependency(e2, e1)
        yield* within(
          tenant.id,
          epicEdges((repo) => repo.insert([edge])),
        )
        yield* refusedDelete(
          within(
            stranger.id,
            epicEdges((repo) => repo.delete(edge.id)),
          ),
          "delete of another tenant's edge",
        )
        const found = yield* within(
          tenant.id,
          epicEdges((repo) => repo.findById(edge.id)),
        )
        yield* expectSome(found, "the edge after a foreign delete")
      }),
    ),
  ],
}
