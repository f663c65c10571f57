import { describe, expect, it } from "@effect/vitest"
import { Effect, Either } from "effect"
import { AuditLog } from "../../../src/audit/ports/audit-log.js"
import { Outbox } from "../../../src/events/ports/outbox.js"
import { BadRequest, type LoopctlError } from "../../../src/kernel/domain/errors.js"
import {
  ArtifactReportId,
  EpicId,
  ProjectId,
  StoryId,
  VerificationResultId,
} from "../../../src/kernel/domain/ids.js"
import type { JsonObject } from "../../../src/kernel/domain/json.js"
import { UnitOfWork } from "../../../src/kernel/ports/unit-of-work.js"
import { instant } from "../../../src/testing/contracts/fixtures.js"
import { MemoryLoopctl } from "../../../src/testing/memory/index.js"
import type { StoryListQuery } from "../../../src/work/domain/story-queries.js"
import { WorkActions } from "../../../src/work/policy/work-actions.js"
import { Stories } from "../../../src/work/ports/stories.js"
import { storyEdges } from "../../../src/work/use-cases/dependency-edges.js"
import { ArtifactReport, VerificationResult } from "../../../src/workflow/domain/verification.js"
import { ArtifactReports, VerificationResults } from "../../../src/workflow/ports/verification-records.js"
import { performAs } from "../../fixtures/perform-as.js"
import { makeTeam } from "../../fixtures/team.js"
import { errorEnvelope } from "../../fixtures/wire-status.js"
import {
  createStory,
  createStoryInProject,
  updateStory,
  workUseCases,
} from "../../fixtures/work-use-cases.js"

/**
 * The story use cases of the work context on the in-memory ports: create (under an epic or by epic
 * number), the detail view, the lists and their queries, PATCH, DELETE and the acceptance
 * criteria view — roles, validation, and the audit entries written with each change.
 */

const team = makeTeam()

const failure = <A, R>(effect: Effect.Effect<A, LoopctlError, R>) =>
  Effect.map(Effect.either(effect), (outcome) =>
    Either.match(outcome, { onLeft: (e) => errorEnvelope(e).error, onRight: () => ({ status: 200 }) }),
  )

const inTenant = <A, E, R>(work: Effect.Effect<A, E, R>, tenant = team.tenant_id) =>
  Effect.flatMap(UnitOfWork, (uow) => uow.transact(tenant, work))

/** The tenant's audit entries, oldest first. */
const audit = Effect.map(
  inTenant(Effect.flatMap(AuditLog, (log) => log.list({}, { page: 1, page_size: 100 }))),
  (found) => [...found.items].reverse(),
)

const labels = Effect.map(audit, (entries) => entries.map((e) => `${e.entity_type}/${e.action}`))

/** Project "Shop" (mission set) with epics 1 and 2, and stories 1.1, 1.2, 1.10 and 2.1. */
const board = Effect.gen(function* () {
  const work = yield* workUseCases
  const project = yield* work.projects
    .createProject({
      name: "Shop",
      slug: "shop",
      mission: "Sell things",
    })
    .pipe(performAs(team.orchestrator, WorkActions.createProject))
  const e1 = yield* work.epics
    .createEpic(project.id, { number: 1, title: "Accounts" })
    .pipe(performAs(team.orchestrator, WorkActions.createEpic))
  const e2 = yield* work.epics
    .createEpic(project.id, { number: 2, title: "Payments" })
    .pipe(performAs(team.orchestrator, WorkActions.createEpic))
  const story = (epic: EpicId, number: string, extra: JsonObject = {}) =>
    createStory(work, team.orchestrator, epic, { number, title: `Story ${number}`, ...extra })
  const s11 = yield* story(e1.id, "1.1", {
    acceptance_criteria: [{ criterion: "renders" }, { id: "AC-0", description: "first" }],
  })
  const s110 = yield* story(e1.id, "1.10")
  const s12 = yield* story(e1.id, "1.2", { estimated_hours: "2.5" })
  const s21 = yield* story(e2.id, "2.1")
  return { work, project, e1, e2, s11, s12, s110, s21 }
})

const numbers = (stories: ReadonlyArray<{ readonly number: string }>) => stories.map((s) => s.number)

describe("creating stories", () => {
  it.effect("under an epic: pending and unverified, criteria verbatim, hours as a number, audited", () =>
    Effect.gen(function* () {
      const { s11, s12, project, e1 } = yield* board
      expect(s11).toMatchObject({
        project_id: project.id,
        epic_id: e1.id,
        number: "1.1",
        sort_key: 10010,
        agent_status: "pending",
        verified_status: "unverified",
        assigned_agent_id: null,
        acceptance_criteria: [{ criterion: "renders" }, { id: "AC-0", description: "first" }],
      })
      expect(s12.estimated_hours).toBe(2.5)
      const entries = yield* audit
      expect(entries.filter((e) => e.entity_type === "story").map((e) => e.new_state)).toEqual([
        { number: "1.1", title: "Story 1.1" },
        { number: "1.10", title: "Story 1.10" },
        { number: "1.2", title: "Story 1.2" },
        { number: "2.1", title: "Story 2.1" },
      ])
      expect(entries.at(-1)?.project_id).toBe(project.id)
    }).pipe(Effect.provide(MemoryLoopctl)),
  )

  it.effect("a duplicate number, an invalid number or a missing title is a 422 that writes nothing", () =>
    Effect.gen(function* () {
      const { work, e1, e2 } = yield* board
      const before = yield* labels
      expect(
        yield* failure(createStory(work, team.orchestrator, e2.id, { number: "1.1", title: "x" })),
      ).toEqual({
        status: 422,
        message: "Validation failed",
        details: {
          number: [
            "Story 1.1 already exists in this project. Pick a different number, or use the import endpoint with merge=true to update it.",
          ],
        },
      })
      expect(yield* failure(createStory(work, team.orchestrator, e1.id, { number: "US-1.1" }))).toMatchObject(
        {
          status: 422,
          details: {
            number: ["must be in format 'major.minor' or 'major'"],
            title: ["can't be blank"],
          },
        },
      )
      expect(yield* labels).toEqual(before)
    }).pipe(Effect.provide(MemoryLoopctl)),
  )

  it.effect("by epic number under a project: integer or numeric string; missing or unknown is a 422", () =>
    Effect.gen(function* () {
      const { work, project, e2 } = yield* board
      const made = yield* createStoryInProject(work, team.orchestrator, project.id, {
        epic_number: "2",
        number: "2.2",
        title: "Refunds",
      })
      expect(made).toMatchObject({ epic_id: e2.id, project_id: project.id, number: "2.2" })
      const missing = yield* failure(
        createStoryInProject(work, team.orchestrator, project.id, { number: "2.3", title: "x" }),
      )
      expect(missing).toMatchObject({ status: 422, details: { epic_number: ["can't be blank"] } })
      expect(String(Reflect.get(missing, "message"))).toMatch(/^`epic_number` is required\./)
      const unknown = yield* failure(
        createStoryInProject(work, team.orchestrator, project.id, {
          epic_number: 9,
          number: "9.1",
          title: "x",
        }),
      )
      expect(unknown).toMatchObject({ status: 422 })
      expect(String(Reflect.get(unknown, "message"))).toMatch(/^Epic number 9 not found in this project\./)
      const elsewhere = ProjectId.make("00000000-0000-4000-8000-00000000abcd")
      expect(
        yield* failure(
          createStoryInProject(work, team.orchestrator, elsewhere, {
            epic_number: 1,
            number: "1.5",
            title: "x",
          }),
        ),
      ).toMatchObject({ status: 404 })
    }).pipe(Effect.provide(MemoryLoopctl)),
  )

  it.effect("agents may not create stories", () =>
    Effect.gen(function* () {
      const { work, e1 } = yield* board
      expect(
        yield* failure(createStory(work, team.implementer, e1.id, { number: "1.7", title: "x" })),
      ).toEqual({ status: 403, message: "Insufficient permissions. Required role: orchestrator" })
    }).pipe(Effect.provide(MemoryLoopctl)),
  )
})

describe("the story detail", () => {
  it.effect("holds the story's own edges, its first 20 artifacts, its iteration count and the mission", () =>
    Effect.gen(function* () {
      const { work, s11, s12, s110, s21 } = yield* board
      yield* work.dependencies
        .addDependency(storyEdges, {
          story_id: s12.id,
          depends_on_story_id: s11.id,
        })
        .pipe(performAs(team.orchestrator, WorkActions.addDependency))
      yield* work.dependencies
        .addDependency(storyEdges, {
          story_id: s110.id,
          depends_on_story_id: s12.id,
        })
        .pipe(performAs(team.orchestrator, WorkActions.addDependency))
      yield* work.dependencies
        .addDependency(storyEdges, {
          story_id: s12.id,
          depends_on_story_id: s21.id,
        })
        .pipe(performAs(team.orchestrator, WorkActions.addDependency))
      yield* inTenant(
        Effect.gen(function* () {
          const reports = yield* ArtifactReports
          for (let n = 0; n < 22; n++) {
            yield* reports.insert(
              new ArtifactReport({
                id: ArtifactReportId.make(`00000000-0000-4000-8000-${String(n).padStart(12, "0")}`),
                tenant_id: team.tenant_id,
                story_id: s12.id,
                reported_by: "agent",
                reporter_agent_id: null,
                artifact_type: "test",
                path: `test/${n}.ts`,
                exists: true,
                details: {},
                inserted_at: instant(n),
                updated_at: instant(n),
              }),
            )
          }
          const results = yield* VerificationResults
          for (const iteration of [1, 2]) {
            yield* results.insert(
              new VerificationResult({
                id: VerificationResultId.make(`00000000-0000-4000-8000-1000000000${iteration}0`),
                tenant_id: team.tenant_id,
                story_id: s12.id,
                orchestrator_agent_id: null,
                result: "fail",
                summary: null,
                findings: {},
                review_type: null,
                iteration,
                inserted_at: instant(100 + iteration),
                updated_at: instant(100 + iteration),
              }),
            )
          }
        }),
      )
      const detail = yield* work.stories
        .storyDetail(s12.id)
        .pipe(performAs(team.implementer, WorkActions.readStory))
      expect(detail.story).toEqual(s12)
      // Both edges were stored in the same (test clock) instant, so their order is the ids'.
      const byPrerequisite = (a: { depends_on_story_id: string }, b: { depends_on_story_id: string }) =>
        a.depends_on_story_id.localeCompare(b.depends_on_story_id)
      expect([...detail.dependencies].sort(byPrerequisite)).toEqual(
        [
          { story_id: s12.id, depends_on_story_id: s11.id },
          { story_id: s12.id, depends_on_story_id: s21.id },
        ].sort(byPrerequisite),
      )
      expect(detail.artifacts.map((a) => a.path)).toEqual(
        Array.from({ length: 20 }, (_, n) => `test/${n}.ts`),
      )
      expect(detail.iteration_count).toBe(2)
      expect(detail.project_mission).toBe("Sell things")
      const plain = yield* work.stories
        .storyDetail(s11.id)
        .pipe(performAs(team.implementer, WorkActions.readStory))
      expect(plain).toMatchObject({ dependencies: [], artifacts: [], iteration_count: 0 })
    }).pipe(Effect.provide(MemoryLoopctl)),
  )

  it.effect("a project without a mission gives null; an unknown or foreign story is a 404", () =>
    Effect.gen(function* () {
      const work = yield* workUseCases
      const project = yield* work.projects
        .createProject({ name: "Plain", slug: "plain" })
        .pipe(performAs(team.orchestrator, WorkActions.createProject))
      const epic = yield* work.epics
        .createEpic(project.id, { number: 1, title: "E" })
        .pipe(performAs(team.orchestrator, WorkActions.createEpic))
      const story = yield* createStory(work, team.orchestrator, epic.id, { number: "1", title: "S" })
      expect(
        (yield* work.stories.storyDetail(story.id).pipe(performAs(team.user, WorkActions.readStory)))
          .project_mission,
      ).toBeNull()
      expect(
        yield* failure(
          work.stories.storyDetail(story.id).pipe(performAs(makeTeam(2).user, WorkActions.readStory)),
        ),
      ).toEqual({
        status: 404,
        message: "Story not found",
      })
    }).pipe(Effect.provide(MemoryLoopctl)),
  )
})

describe("GET /stories", () => {
  it.effect("lists a project's stories by sort_key with limit/offset and the combined meta", () =>
    Effect.gen(function* () {
      const { work, project } = yield* board
      const all = yield* work.stories
        .listStories({ project_id: project.id })
        .pipe(performAs(team.implementer, WorkActions.listStories))
      expect(numbers(all.data)).toEqual(["1.1", "1.2", "1.10", "2.1"])
      expect(all.meta).toEqual({
        page: 1,
        page_size: 100,
        total_count: 4,
        total_pages: 1,
        limit: 100,
        offset: 0,
      })
      const window = yield* work.stories
        .listStories({ project_id: project.id, limit: 2, offset: 2 })
        .pipe(performAs(team.implementer, WorkActions.listStories))
      expect(numbers(window.data)).toEqual(["1.10", "2.1"])
      expect(window.meta).toEqual({
        page: 2,
        page_size: 2,
        total_count: 4,
        total_pages: 2,
        limit: 2,
        offset: 2,
      })
    }).pipe(Effect.provide(MemoryLoopctl)),
  )

  it.effect(
    "serves at most 500 (limit wins over page_size); none given is 100 from 0; a huge offset is clamped",
    () =>
      Effect.gen(function* () {
        const { work, project } = yield* board
        const meta = (query: Omit<StoryListQuery, "project_id">) =>
          Effect.map(
            work.stories
              .listStories({ project_id: project.id, ...query })
              .pipe(performAs(team.user, WorkActions.listStories)),
            (r) => ({ limit: r.meta.limit, offset: r.meta.offset }),
          )
        expect(yield* meta({ limit: 1000 })).toEqual({ limit: 500, offset: 0 })
        expect(yield* meta({ page_size: 7 })).toEqual({ limit: 7, offset: 0 })
        expect(yield* meta({ page_size: 7, limit: 3 })).toEqual({ limit: 3, offset: 0 })
        expect(yield* meta({ limit: undefined, offset: undefined })).toEqual({ limit: 100, offset: 0 })
        expect(yield* meta({ offset: 1e15 })).toEqual({ limit: 100, offset: 1_000_000_000_000 })
        // Refusals of unreadable values are the contract's: api/test/work-queries.test.ts.
      }).pipe(Effect.provide(MemoryLoopctl)),
  )

  it.effect("filters by epic and statuses", () =>
    Effect.gen(function* () {
      const { work, project, e2 } = yield* board
      const list = (query: Omit<StoryListQuery, "project_id">) =>
        Effect.map(
          work.stories
            .listStories({ project_id: project.id, ...query })
            .pipe(performAs(team.user, WorkActions.listStories)),
          (r) => numbers(r.data),
        )
      expect(yield* list({ epic_id: e2.id })).toEqual(["2.1"])
      expect(yield* list({ agent_status: "implementing" })).toEqual([])
      expect(yield* list({ agent_status: "pending", verified_status: "unverified" })).toHaveLength(4)
      expect(yield* list({ verified_status: undefined })).toHaveLength(4)
    }).pipe(Effect.provide(MemoryLoopctl)),
  )

  it.effect("a foreign project lists nothing (a missing or malformed id is the contract's 400/404)", () =>
    Effect.gen(function* () {
      const { work, project } = yield* board
      const foreign = yield* work.stories
        .listStories({ project_id: project.id })
        .pipe(performAs(makeTeam(2).user, WorkActions.listStories))
      expect(foreign.data).toEqual([])
      expect(foreign.meta.total_count).toBe(0)
    }).pipe(Effect.provide(MemoryLoopctl)),
  )
})

describe("an epic's story list", () => {
  it.effect("pages the epic's stories (20 by default, page_size wins over limit) and filters", () =>
    Effect.gen(function* () {
      const { work, e1 } = yield* board
      const first = yield* work.stories
        .listEpicStories(e1.id, Effect.succeed({}))
        .pipe(performAs(team.implementer, WorkActions.listStories))
      expect(numbers(first.data)).toEqual(["1.1", "1.2", "1.10"])
      expect(first.meta).toEqual({ page: 1, page_size: 20, total_count: 3, total_pages: 1 })
      const second = yield* work.stories
        .listEpicStories(e1.id, Effect.succeed({ page: 2, limit: 2, page_size: 1 }))
        .pipe(performAs(team.implementer, WorkActions.listStories))
      expect(numbers(second.data)).toEqual(["1.2"])
      expect(second.meta).toEqual({ page: 2, page_size: 1, total_count: 3, total_pages: 3 })
      const filtered = yield* work.stories
        .listEpicStories(e1.id, Effect.succeed({ verified_status: "verified" as const }))
        .pipe(performAs(team.implementer, WorkActions.listStories))
      expect(filtered.data).toEqual([])
      // The query is read once the epic is known: a refused one fails the list of an epic that
      // exists, and an unknown epic is a 404 whatever the query is (it is never read).
      const refused = new BadRequest({ message: "agent_status must be one of: …" })
      expect(
        yield* failure(
          work.stories
            .listEpicStories(e1.id, Effect.fail(refused))
            .pipe(performAs(team.implementer, WorkActions.listStories)),
        ),
      ).toEqual({ status: 400, message: "agent_status must be one of: …" })
      expect(
        yield* failure(
          work.stories
            .listEpicStories(EpicId.make("00000000-0000-4000-8000-0000000000ee"), Effect.fail(refused))
            .pipe(performAs(team.implementer, WorkActions.listStories)),
        ),
      ).toEqual({ status: 404, message: "Epic not found" })
    }).pipe(Effect.provide(MemoryLoopctl)),
  )
})

describe("PATCH a story", () => {
  it.effect(
    "changes the writable fields only, keeps statuses, number and epic, and audits the difference",
    () =>
      Effect.gen(function* () {
        const { work, s11, e2 } = yield* board
        const updated = yield* updateStory(work, team.orchestrator, s11.id, {
          title: "Sign up",
          description: "The form",
          acceptance_criteria: [{ criterion: "new" }],
          estimated_hours: 3,
          metadata: { size: "M" },
          agent_status: "reported_done",
          verified_status: "verified",
          assigned_agent_id: team.implementer.agent_id,
          number: "9.9",
          epic_id: e2.id,
          sort_key: 1,
        })
        expect(updated).toMatchObject({
          title: "Sign up",
          description: "The form",
          acceptance_criteria: [{ criterion: "new" }],
          estimated_hours: 3,
          metadata: { size: "M" },
          agent_status: "pending",
          verified_status: "unverified",
          assigned_agent_id: null,
          number: "1.1",
          epic_id: s11.epic_id,
          sort_key: 10010,
        })
        expect(updated.updated_at >= s11.updated_at).toBe(true)
        expect(
          yield* work.stories.getStory(s11.id).pipe(performAs(team.user, WorkActions.readStory)),
        ).toEqual(updated)
        const last = (yield* audit).at(-1)
        expect(last).toMatchObject({
          entity_type: "story",
          entity_id: s11.id,
          action: "updated",
          old_state: {
            title: "Story 1.1",
            description: null,
            acceptance_criteria: [{ criterion: "renders" }, { id: "AC-0", description: "first" }],
            estimated_hours: null,
            metadata: {},
          },
          new_state: {
            title: "Sign up",
            description: "The form",
            acceptance_criteria: [{ criterion: "new" }],
            estimated_hours: 3,
            metadata: { size: "M" },
          },
        })
        const events = yield* inTenant(Effect.flatMap(Outbox, (o) => o.list(100)))
        expect(events).toEqual([])
      }).pipe(Effect.provide(MemoryLoopctl)),
  )

  it.effect(
    "null fields are ignored, garbage hours refused (D26); a blank description clears it; no change records nothing",
    () =>
      Effect.gen(function* () {
        const { work, s12 } = yield* board
        const described = yield* updateStory(work, team.orchestrator, s12.id, { description: "text" })
        const before = yield* labels
        const refused = yield* Effect.flip(
          updateStory(work, team.orchestrator, s12.id, {
            estimated_hours: "many",
            description: "new",
          }),
        )
        expect(errorEnvelope(refused).error).toMatchObject({
          status: 422,
          details: { estimated_hours: ["must be a number of hours of at least 0"] },
        })
        const same = yield* updateStory(work, team.orchestrator, s12.id, {
          title: null,
          description: "text",
          agent_status: "verified",
        })
        expect(same).toEqual(described)
        expect(yield* labels).toEqual(before)
        const cleared = yield* updateStory(work, team.orchestrator, s12.id, { description: "  " })
        expect(cleared.description).toBeNull()
        expect(cleared.estimated_hours).toBe(2.5)
      }).pipe(Effect.provide(MemoryLoopctl)),
  )

  it.effect("invalid fields are one 422 with every problem, and nothing changes", () =>
    Effect.gen(function* () {
      const { work, s11 } = yield* board
      const before = yield* labels
      expect(
        yield* failure(
          updateStory(work, team.orchestrator, s11.id, {
            title: "",
            description: 5,
            acceptance_criteria: ["text"],
            metadata: [1],
          }),
        ),
      ).toEqual({
        status: 422,
        message: "Validation failed",
        details: {
          title: ["can't be blank"],
          description: ["is invalid"],
          acceptance_criteria: ["must be an array of objects"],
          metadata: ["must be a JSON object"],
        },
      })
      expect(
        yield* failure(updateStory(work, team.orchestrator, s11.id, { title: "x".repeat(501) })),
      ).toMatchObject({ status: 422, details: { title: ["should be at most 500 character(s)"] } })
      expect(yield* work.stories.getStory(s11.id).pipe(performAs(team.user, WorkActions.readStory))).toEqual(
        s11,
      )
      expect(yield* labels).toEqual(before)
    }).pipe(Effect.provide(MemoryLoopctl)),
  )

  it.effect("agents may not PATCH; unknown stories are 404", () =>
    Effect.gen(function* () {
      const { work, s11 } = yield* board
      expect(yield* failure(updateStory(work, team.implementer, s11.id, { title: "x" }))).toMatchObject({
        status: 403,
      })
      expect(
        yield* failure(
          updateStory(work, team.orchestrator, StoryId.make("00000000-0000-4000-8000-0000000000ff"), {}),
        ),
      ).toEqual({ status: 404, message: "Story not found" })
    }).pipe(Effect.provide(MemoryLoopctl)),
  )
})

describe("DELETE a story", () => {
  it.effect("needs a user; removes the story and its edges both ways; audits it", () =>
    Effect.gen(function* () {
      const { work, project, s11, s12, s110 } = yield* board
      yield* work.dependencies
        .addDependency(storyEdges, {
          story_id: s12.id,
          depends_on_story_id: s11.id,
        })
        .pipe(performAs(team.orchestrator, WorkActions.addDependency))
      yield* work.dependencies
        .addDependency(storyEdges, {
          story_id: s110.id,
          depends_on_story_id: s12.id,
        })
        .pipe(performAs(team.orchestrator, WorkActions.addDependency))
      expect(
        yield* failure(
          work.stories.deleteStory(s12.id).pipe(performAs(team.orchestrator, WorkActions.deleteStory)),
        ),
      ).toEqual({
        status: 403,
        message: "Insufficient permissions. Required role: user",
      })
      yield* work.stories.deleteStory(s12.id).pipe(performAs(team.user, WorkActions.deleteStory))
      expect(
        yield* failure(work.stories.getStory(s12.id).pipe(performAs(team.user, WorkActions.readStory))),
      ).toMatchObject({ status: 404 })
      const graph = yield* work.dependencies
        .dependencyGraph(project.id)
        .pipe(performAs(team.user, WorkActions.readGraph))
      expect(graph.story_dependencies).toEqual([])
      expect((yield* audit).at(-1)).toMatchObject({
        entity_type: "story",
        entity_id: s12.id,
        action: "deleted",
        old_state: { number: "1.2", title: "Story 1.2" },
        new_state: null,
        project_id: project.id,
      })
      expect(
        yield* failure(work.stories.deleteStory(s12.id).pipe(performAs(team.user, WorkActions.deleteStory))),
      ).toEqual({
        status: 404,
        message: "Story not found",
      })
      const left = yield* inTenant(Effect.flatMap(Stories, (s) => s.listAllByProject(project.id)))
      expect(numbers(left)).toEqual(["1.1", "1.10", "2.1"])
    }).pipe(Effect.provide(MemoryLoopctl)),
  )
})

describe("acceptance criteria", () => {
  it.effect("derives rows from the JSON array, ordered by ac_id", () =>
    Effect.gen(function* () {
      const { work, s11, s12 } = yield* board
      const rows = yield* work.stories
        .acceptanceCriteria(s11.id)
        .pipe(performAs(team.implementer, WorkActions.readStory))
      expect(rows).toEqual({
        data: [
          {
            id: `${s11.id}:2`,
            ac_id: "AC-0",
            description: "first",
            verification_criterion: { type: "manual", description: "legacy" },
            status: "pending",
            verified_at: null,
            evidence_path: null,
          },
          {
            id: `${s11.id}:1`,
            ac_id: "AC-1",
            description: "renders",
            verification_criterion: { type: "manual", description: "legacy" },
            status: "pending",
            verified_at: null,
            evidence_path: null,
          },
        ],
        meta: { page: 1, page_size: 2, total_count: 2, total_pages: 1 },
      })
      expect(
        yield* work.stories
          .acceptanceCriteria(s12.id)
          .pipe(performAs(team.implementer, WorkActions.readStory)),
      ).toEqual({
        data: [],
        meta: { page: 1, page_size: 0, total_count: 0, total_pages: 0 },
      })
      expect(
        yield* failure(
          work.stories
            .acceptanceCriteria(StoryId.make("00000000-0000-4000-8000-0000000000ff"))
            .pipe(performAs(team.implementer, WorkActions.readStory)),
        ),
      ).toEqual({ status: 404, message: "Story not found" })
    }).pipe(Effect.provide(MemoryLoopctl)),
  )

  it.effect("keeps an item's own status, evidence, verified_at and verification criterion when valid", () =>
    Effect.gen(function* () {
      const { work, s21 } = yield* board
      yield* updateStory(work, team.orchestrator, s21.id, {
        acceptance_criteria: [
          {
            id: "B",
            description: "",
            criterion: "fallback",
            status: "verified",
            verified_at: "2026-03-27T12:00:00.000001Z",
            evidence_path: "test/b.ts",
            verification_criterion: { type: "test", path: "test/b.ts" },
          },
          { id: "A", status: "done", verified_at: "yesterday", evidence_path: 3 },
        ],
      })
      const rows = (yield* work.stories
        .acceptanceCriteria(s21.id)
        .pipe(performAs(team.user, WorkActions.readStory))).data
      expect(rows.map((r) => [r.ac_id, r.description, r.status, r.verified_at, r.evidence_path])).toEqual([
        ["A", "No description", "pending", null, null],
        ["B", "fallback", "verified", "2026-03-27T12:00:00.000001Z", "test/b.ts"],
      ])
      expect(rows[1]?.verification_criterion).toEqual({ type: "test", path: "test/b.ts" })
    }).pipe(Effect.provide(MemoryLoopctl)),
  )
})
