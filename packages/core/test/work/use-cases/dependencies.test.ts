import { describe, expect, it } from "@effect/vitest"
import { Effect, Either } from "effect"
import { AuditLog } from "../../../src/audit/ports/audit-log.js"
import type { LoopctlError } from "../../../src/kernel/domain/errors.js"
import { EpicDependencyId, EpicId, StoryDependencyId, type StoryId } from "../../../src/kernel/domain/ids.js"
import { decodeRequest } from "../../../src/kernel/domain/refusal.js"
import { UnitOfWork } from "../../../src/kernel/ports/unit-of-work.js"
import { MemoryLoopctl } from "../../../src/testing/memory/index.js"
import { EpicDependencyCreation, StoryDependencyCreation } from "../../../src/work/domain/dependency.js"
import { WorkActions } from "../../../src/work/policy/work-actions.js"
import { epicEdges, storyEdges } from "../../../src/work/use-cases/dependency-edges.js"
import { BulkCompletionRequest } from "../../../src/workflow/domain/bulk.js"
import { StoryActions } from "../../../src/workflow/policy/story-actions.js"
import { StoryLifecycle } from "../../../src/workflow/use-cases/story-lifecycle.js"
import { Verification } from "../../../src/workflow/use-cases/verification.js"
import { withDecoded } from "../../fixtures/decoded.js"
import { performAs } from "../../fixtures/perform-as.js"
import { makeTeam } from "../../fixtures/team.js"
import { errorEnvelope } from "../../fixtures/wire-status.js"
import { createStory, workUseCases } from "../../fixtures/work-use-cases.js"

/**
 * The dependency use cases of the work context on the in-memory ports: the create checks of
 * workflow.md §4.3 in order with their messages, removal, the lists, and the ready and blocked
 * queues as verification changes them.
 */

const team = makeTeam()

const failure = <A, R>(effect: Effect.Effect<A, LoopctlError, R>) =>
  Effect.map(Effect.either(effect), (outcome) =>
    Either.match(outcome, { onLeft: (e) => errorEnvelope(e).error, onRight: () => ({ status: 200 }) }),
  )

const labels = (tenant = team.tenant_id) =>
  Effect.flatMap(UnitOfWork, (uow) =>
    uow.transact(
      tenant,
      Effect.map(
        Effect.flatMap(AuditLog, (log) => log.list({}, { page: 1, page_size: 200 })),
        (found) => found.items.map((e) => `${e.entity_type}/${e.action}`).reverse(),
      ),
    ),
  )

/** Project "Shop": epics A (1), B (2), C (3) with stories a1, a2, b1, b2, c1; and a second project. */
const board = Effect.gen(function* () {
  const work = yield* workUseCases
  const project = yield* work.projects
    .createProject({ name: "Shop", slug: "shop" })
    .pipe(performAs(team.orchestrator, WorkActions.createProject))
  const epic = (number: number) =>
    work.epics
      .createEpic(project.id, { number, title: `Epic ${number}` })
      .pipe(performAs(team.orchestrator, WorkActions.createEpic))
  const A = yield* epic(1)
  const B = yield* epic(2)
  const C = yield* epic(3)
  const story = (owner: EpicId, number: string) =>
    createStory(work, team.orchestrator, owner, { number, title: `Story ${number}` })
  const a1 = yield* story(A.id, "1.1")
  const a2 = yield* story(A.id, "1.2")
  const b1 = yield* story(B.id, "2.1")
  const b2 = yield* story(B.id, "2.2")
  const c1 = yield* story(C.id, "3.1")
  const other = yield* work.projects
    .createProject({ name: "Other", slug: "other" })
    .pipe(performAs(team.orchestrator, WorkActions.createProject))
  const X = yield* work.epics
    .createEpic(other.id, { number: 1, title: "X" })
    .pipe(performAs(team.orchestrator, WorkActions.createEpic))
  const x1 = yield* story(X.id, "1.1")
  return { work, project, A, B, C, a1, a2, b1, b2, c1, other, X, x1 }
})

const storyEdge = (story_id: StoryId, depends_on_story_id: StoryId) =>
  Effect.flatMap(workUseCases, (work) =>
    work.dependencies
      .addDependency(storyEdges, { story_id, depends_on_story_id })
      .pipe(performAs(team.orchestrator, WorkActions.addDependency)),
  )
const epicEdge = (epic_id: EpicId, depends_on_epic_id: EpicId) =>
  Effect.flatMap(workUseCases, (work) =>
    work.dependencies
      .addDependency(epicEdges, { epic_id, depends_on_epic_id })
      .pipe(performAs(team.orchestrator, WorkActions.addDependency)),
  )

/** Marks stories verified through the verifier's mark-complete, as an orchestrator would. */
const verify = (...ids: ReadonlyArray<StoryId>) =>
  Effect.flatMap(Verification, (verification) => {
    const batch = decodeRequest(BulkCompletionRequest)({ stories: ids.map((story_id) => ({ story_id })) })
    if (Either.isLeft(batch)) throw new Error("invalid test batch")
    return performAs(
      team.orchestrator,
      StoryActions.markComplete,
    )(verification.markComplete(batch.right.stories))
  })

const missing = "00000000-0000-4000-8000-00000000dead"

describe("creating a story dependency", () => {
  it.effect("stores the edge, audits it, and lists it", () =>
    Effect.gen(function* () {
      const { work, project, A, a1, a2, b1 } = yield* board
      const edge = yield* storyEdge(a2.id, a1.id)
      expect(edge).toMatchObject({ tenant_id: team.tenant_id, story_id: a2.id, depends_on_story_id: a1.id })
      // A cross-epic edge inside one project is fine.
      yield* storyEdge(b1.id, a2.id)
      expect((yield* labels()).slice(-2)).toEqual(["story_dependency/created", "story_dependency/created"])
      const listed = yield* work.dependencies
        .listEpicStoryDependencies(A.id)
        .pipe(performAs(team.implementer, WorkActions.listDependencies))
      expect(listed.data.map((e) => e.story_id).sort()).toEqual([a2.id, b1.id].sort())
      expect(listed.meta).toEqual({ page: 1, page_size: 2, total_count: 2, total_pages: 1 })
      const graph = yield* work.dependencies
        .dependencyGraph(project.id)
        .pipe(performAs(team.implementer, WorkActions.readGraph))
      expect(graph.story_dependencies).toHaveLength(2)
    }).pipe(Effect.provide(MemoryLoopctl)),
  )

  it.effect("checks in the spec's order with its messages", () =>
    Effect.gen(function* () {
      const { work, a1, a2, b1, x1 } = yield* board
      const attempt = (body: unknown) =>
        failure(
          withDecoded(StoryDependencyCreation)(body, (creation) =>
            work.dependencies
              .addDependency(storyEdges, creation)
              .pipe(performAs(team.orchestrator, WorkActions.addDependency)),
          ),
        )
      expect(yield* attempt({})).toEqual({
        status: 422,
        message: "Validation failed",
        details: { story_id: ["can't be blank"], depends_on_story_id: ["can't be blank"] },
      })
      expect(yield* attempt({ story_id: 5, depends_on_story_id: a1.id })).toMatchObject({
        status: 422,
        details: { story_id: ["is invalid"] },
      })
      // 1. A self-edge is refused before anything is looked up, even for an unknown id.
      expect(yield* attempt({ story_id: missing, depends_on_story_id: missing.toUpperCase() })).toEqual({
        status: 422,
        message: "A story cannot depend on itself",
        code: "self_dependency",
      })
      // 2. Unknown, malformed or foreign ids.
      expect(yield* attempt({ story_id: a1.id, depends_on_story_id: missing })).toEqual({
        status: 404,
        message: "Story not found",
      })
      expect(yield* attempt({ story_id: "not-a-uuid", depends_on_story_id: a1.id })).toEqual({
        status: 404,
        message: "Not found",
      })
      expect(
        yield* failure(
          work.dependencies
            .addDependency(storyEdges, {
              story_id: a2.id,
              depends_on_story_id: a1.id,
            })
            .pipe(performAs(makeTeam(2).orchestrator, WorkActions.addDependency)),
        ),
      ).toMatchObject({ status: 404 })
      // 3. Different projects.
      expect(yield* attempt({ story_id: x1.id, depends_on_story_id: a1.id })).toEqual({
        status: 422,
        message: "Stories must belong to the same project",
        code: "cross_project",
      })
      // 4. A cycle, named.
      yield* storyEdge(a2.id, a1.id)
      yield* storyEdge(b1.id, a2.id)
      const before = yield* labels()
      expect(yield* attempt({ story_id: a1.id, depends_on_story_id: b1.id })).toEqual({
        status: 422,
        message: "Cycle detected in dependency graph",
        code: "cycle_detected",
        context: { cycle: [a1.id, b1.id, a2.id, a1.id] },
      })
      // 6. A duplicate pair.
      expect(yield* attempt({ story_id: a2.id, depends_on_story_id: a1.id })).toEqual({
        status: 409,
        message: "Conflict",
      })
      expect(yield* labels()).toEqual(before)
      // Agents may not create edges.
      expect(
        yield* failure(
          work.dependencies
            .addDependency(storyEdges, {
              story_id: b1.id,
              depends_on_story_id: a1.id,
            })
            .pipe(performAs(team.implementer, WorkActions.addDependency)),
        ),
      ).toEqual({ status: 403, message: "Insufficient permissions. Required role: orchestrator" })
    }).pipe(Effect.provide(MemoryLoopctl)),
  )

  it.effect("refuses a story edge against a direct epic edge the other way (cross-level deadlock)", () =>
    Effect.gen(function* () {
      const { work, A, B, a1, b1 } = yield* board
      yield* epicEdge(B.id, A.id)
      expect(
        yield* failure(
          work.dependencies
            .addDependency(storyEdges, {
              story_id: a1.id,
              depends_on_story_id: b1.id,
            })
            .pipe(performAs(team.orchestrator, WorkActions.addDependency)),
        ),
      ).toEqual({
        status: 422,
        message: `Cross-level deadlock: epic ${B.id} depends on epic ${A.id}, but a story in ${B.id} would depend on a story in ${A.id}`,
        code: "cross_level_deadlock",
      })
      // The same direction as the epic edge is fine.
      yield* storyEdge(b1.id, a1.id)
    }).pipe(Effect.provide(MemoryLoopctl)),
  )
})

describe("creating an epic dependency", () => {
  it.effect("checks in the spec's order with its messages", () =>
    Effect.gen(function* () {
      const { work, project, A, B, C, X } = yield* board
      const attempt = (body: unknown) =>
        failure(
          withDecoded(EpicDependencyCreation)(body, (creation) =>
            work.dependencies
              .addDependency(epicEdges, creation)
              .pipe(performAs(team.orchestrator, WorkActions.addDependency)),
          ),
        )
      expect(yield* attempt({ epic_id: A.id })).toEqual({
        status: 422,
        message: "Validation failed",
        details: { depends_on_epic_id: ["can't be blank"] },
      })
      expect(yield* attempt({ epic_id: A.id, depends_on_epic_id: A.id })).toEqual({
        status: 422,
        message: "An epic cannot depend on itself",
        code: "self_dependency",
      })
      expect(yield* attempt({ epic_id: A.id, depends_on_epic_id: missing })).toEqual({
        status: 404,
        message: "Epic not found",
      })
      expect(yield* attempt({ epic_id: A.id, depends_on_epic_id: X.id })).toEqual({
        status: 422,
        message: "Epics must belong to the same project",
        code: "cross_project",
      })
      const ab = yield* epicEdge(A.id, B.id)
      expect(ab).toMatchObject({ epic_id: A.id, depends_on_epic_id: B.id })
      yield* epicEdge(B.id, C.id)
      expect(yield* attempt({ epic_id: C.id, depends_on_epic_id: A.id })).toEqual({
        status: 422,
        message: "Cycle detected in dependency graph",
        code: "cycle_detected",
        context: { cycle: [C.id, A.id, B.id, C.id] },
      })
      expect(yield* attempt({ epic_id: A.id, depends_on_epic_id: B.id })).toEqual({
        status: 409,
        message: "Conflict",
      })
      const listed = yield* work.dependencies
        .listEpicDependencies(project.id)
        .pipe(performAs(team.implementer, WorkActions.listDependencies))
      // Two edges stored within one clock tick have no defined order between them.
      expect(listed.data.map((e) => [e.epic_id, e.depends_on_epic_id])).toEqual(
        expect.arrayContaining([
          [A.id, B.id],
          [B.id, C.id],
        ]),
      )
      expect(listed.meta.total_count).toBe(2)
    }).pipe(Effect.provide(MemoryLoopctl)),
  )

  it.effect("refuses an epic edge when a story of the prerequisite waits for one of the dependent", () =>
    Effect.gen(function* () {
      const { work, A, B, a1, b1 } = yield* board
      yield* storyEdge(b1.id, a1.id)
      const before = yield* labels()
      expect(
        yield* failure(
          work.dependencies
            .addDependency(epicEdges, {
              epic_id: A.id,
              depends_on_epic_id: B.id,
            })
            .pipe(performAs(team.orchestrator, WorkActions.addDependency)),
        ),
      ).toEqual({
        status: 422,
        message: `Cross-level deadlock: story ${b1.id} (in prerequisite epic) depends on story ${a1.id} (in dependent epic)`,
        code: "cross_level_deadlock",
      })
      expect(yield* labels()).toEqual(before)
    }).pipe(Effect.provide(MemoryLoopctl)),
  )
})

describe("removing dependencies", () => {
  it.effect("needs a user, answers 404 for unknown or foreign edges, audits the removal", () =>
    Effect.gen(function* () {
      const { work, A, B, a1, a2 } = yield* board
      const story = yield* storyEdge(a2.id, a1.id)
      const epic = yield* epicEdge(B.id, A.id)
      expect(
        yield* failure(
          work.dependencies
            .removeDependency(storyEdges, story.id)
            .pipe(performAs(team.orchestrator, WorkActions.removeDependency)),
        ),
      ).toMatchObject({
        status: 403,
      })
      expect(
        yield* failure(
          work.dependencies
            .removeDependency(storyEdges, story.id)
            .pipe(performAs(makeTeam(2).user, WorkActions.removeDependency)),
        ),
      ).toEqual({
        status: 404,
        message: "Story dependency not found",
      })
      yield* work.dependencies
        .removeDependency(storyEdges, story.id)
        .pipe(performAs(team.user, WorkActions.removeDependency))
      yield* work.dependencies
        .removeDependency(epicEdges, epic.id)
        .pipe(performAs(team.user, WorkActions.removeDependency))
      expect(
        yield* failure(
          work.dependencies
            .removeDependency(storyEdges, story.id)
            .pipe(performAs(team.user, WorkActions.removeDependency)),
        ),
      ).toMatchObject({ status: 404 })
      expect(
        yield* failure(
          work.dependencies
            .removeDependency(epicEdges, EpicDependencyId.make(missing))
            .pipe(performAs(team.user, WorkActions.removeDependency)),
        ),
      ).toEqual({
        status: 404,
        message: "Epic dependency not found",
      })
      expect(
        yield* failure(
          work.dependencies
            .removeDependency(storyEdges, StoryDependencyId.make(missing))
            .pipe(performAs(team.user, WorkActions.removeDependency)),
        ),
      ).toMatchObject({ status: 404 })
      expect((yield* labels()).slice(-2)).toEqual(["story_dependency/deleted", "epic_dependency/deleted"])
      expect(
        (yield* work.dependencies
          .listEpicStoryDependencies(A.id)
          .pipe(performAs(team.user, WorkActions.listDependencies))).data,
      ).toEqual([])
    }).pipe(Effect.provide(MemoryLoopctl)),
  )
})

describe("the ready and blocked queues", () => {
  it.effect("verifying a prerequisite makes its dependents ready", () =>
    Effect.gen(function* () {
      const { work, project, A, B, a1, a2, b1, b2, c1 } = yield* board
      yield* storyEdge(a2.id, a1.id)
      yield* epicEdge(B.id, A.id)
      const ready = () =>
        Effect.map(
          work.queues
            .readyQueue({ project_id: project.id })
            .pipe(performAs(team.implementer, WorkActions.readQueue)),
          (r) => r.data.map((s) => s.number),
        )
      const blocked = () =>
        Effect.map(
          work.queues
            .blockedQueue({ project_id: project.id })
            .pipe(performAs(team.implementer, WorkActions.readQueue)),
          (r) => r.data.map((item) => [item.story.number, item.blocking_dependencies.map((s) => s.number)]),
        )
      expect(yield* ready()).toEqual(["1.1", "3.1"])
      expect(yield* blocked()).toEqual([
        ["1.2", ["1.1"]],
        ["2.1", ["1.1", "1.2"]],
        ["2.2", ["1.1", "1.2"]],
      ])
      yield* verify(a1.id)
      expect(yield* ready()).toEqual(["1.2", "3.1"])
      expect(yield* blocked()).toEqual([
        ["2.1", ["1.2"]],
        ["2.2", ["1.2"]],
      ])
      yield* verify(a2.id)
      expect(yield* ready()).toEqual(["2.1", "2.2", "3.1"])
      expect(yield* blocked()).toEqual([])
      const page = yield* work.queues
        .readyQueue({ project_id: project.id, page_size: 1, page: 2 })
        .pipe(performAs(team.implementer, WorkActions.readQueue))
      expect(page.data.map((s) => s.id)).toEqual([b2.id])
      expect(page.meta).toEqual({ page: 2, page_size: 1, total_count: 3, total_pages: 3 })
      const ofEpic = yield* work.queues
        .readyQueue({ epic_id: B.id })
        .pipe(performAs(team.implementer, WorkActions.readQueue))
      expect(ofEpic.data.map((s) => s.id)).toEqual([b1.id, b2.id])
      expect(c1.number).toBe("3.1")
    }).pipe(Effect.provide(MemoryLoopctl)),
  )

  it.effect("a reported_done prerequisite still blocks: only verification satisfies a dependent", () =>
    Effect.gen(function* () {
      const { work, project, A, B, a1, a2 } = yield* board
      yield* epicEdge(B.id, A.id)
      const lifecycle = yield* StoryLifecycle
      yield* performAs(
        team.implementer,
        StoryActions.contract,
      )(lifecycle.contract(a1.id, { story_title: "Story 1.1", ac_count: 0 }))
      yield* performAs(team.implementer, StoryActions.claim)(lifecycle.claim(a1.id))
      yield* performAs(team.implementer, StoryActions.start)(lifecycle.start(a1.id))
      const reported = yield* performAs(team.reviewer, StoryActions.report)(lifecycle.report(a1.id))
      expect(reported.story).toMatchObject({ agent_status: "reported_done", verified_status: "unverified" })
      const ready = yield* work.queues
        .readyQueue({ project_id: project.id })
        .pipe(performAs(team.implementer, WorkActions.readQueue))
      expect(ready.data.map((s) => s.number)).toEqual(["1.2", "3.1"])
      const blocked = yield* work.queues
        .blockedQueue({ project_id: project.id })
        .pipe(performAs(team.implementer, WorkActions.readQueue))
      expect(
        blocked.data.map((item) => [item.story.number, item.blocking_dependencies.map((s) => s.id)]),
      ).toEqual([
        ["2.1", [a1.id, a2.id]],
        ["2.2", [a1.id, a2.id]],
      ])
    }).pipe(Effect.provide(MemoryLoopctl)),
  )

  it.effect("without a project, the queues cover every project of the tenant; never another tenant's", () =>
    Effect.gen(function* () {
      const { work, a1, a2, x1 } = yield* board
      yield* storyEdge(a2.id, a1.id)
      const ready = yield* work.queues.readyQueue({}).pipe(performAs(team.implementer, WorkActions.readQueue))
      expect(ready.data.map((s) => s.id)).toContain(x1.id)
      expect(ready.data.map((s) => s.id)).not.toContain(a2.id)
      expect(ready.meta).toEqual({ page: 1, page_size: 100, total_count: 5, total_pages: 1 })
      expect(ready.data.map((s) => s.sort_key)).toEqual(
        [...ready.data.map((s) => s.sort_key)].sort((a, b) => a - b),
      )
      const blocked = yield* work.queues
        .blockedQueue({})
        .pipe(performAs(team.implementer, WorkActions.readQueue))
      expect(blocked.data.map((item) => item.story.id)).toEqual([a2.id])
      const stranger = makeTeam(2).implementer
      expect(
        (yield* work.queues.readyQueue({}).pipe(performAs(stranger, WorkActions.readQueue))).data,
      ).toEqual([])
      expect(
        (yield* work.queues.blockedQueue({}).pipe(performAs(stranger, WorkActions.readQueue))).data,
      ).toEqual([])
      // A malformed id is refused by the contract (a 404): api/test/work-queries.test.ts.
      expect(
        (yield* work.queues
          .readyQueue({ epic_id: EpicId.make(missing) })
          .pipe(performAs(team.implementer, WorkActions.readQueue))).data,
      ).toEqual([])
      expect(
        (yield* work.queues
          .readyQueue({ page_size: 1000 })
          .pipe(performAs(team.implementer, WorkActions.readQueue))).meta.page_size,
      ).toBe(500)
    }).pipe(Effect.provide(MemoryLoopctl)),
  )
})

describe("listing dependencies", () => {
  it.effect("unknown projects and epics are 404", () =>
    Effect.gen(function* () {
      const { work, project, A } = yield* board
      const stranger = makeTeam(2).user
      expect(
        yield* failure(
          work.dependencies
            .listEpicDependencies(project.id)
            .pipe(performAs(stranger, WorkActions.listDependencies)),
        ),
      ).toEqual({
        status: 404,
        message: "Project not found",
      })
      expect(
        yield* failure(
          work.dependencies
            .listEpicStoryDependencies(A.id)
            .pipe(performAs(stranger, WorkActions.listDependencies)),
        ),
      ).toEqual({
        status: 404,
        message: "Epic not found",
      })
      expect(
        yield* work.dependencies
          .listEpicDependencies(project.id)
          .pipe(performAs(team.implementer, WorkActions.listDependencies)),
      ).toEqual({
        data: [],
        meta: { page: 1, page_size: 0, total_count: 0, total_pages: 0 },
      })
    }).pipe(Effect.provide(MemoryLoopctl)),
  )
})
