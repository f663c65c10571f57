import { describe, expect, it } from "@effect/vitest"
import { Effect, Either } from "effect"
import { AuditLog } from "../src/audit/ports/audit-log.js"
import { Outbox } from "../src/events/ports/outbox.js"
import type { LoopctlError } from "../src/kernel/domain/errors.js"
import type { StoryId } from "../src/kernel/domain/ids.js"
import { decodeRequest } from "../src/kernel/domain/refusal.js"
import { UnitOfWork } from "../src/kernel/ports/unit-of-work.js"
import { MemoryLoopctl } from "../src/testing/memory/index.js"
import { WorkActions } from "../src/work/policy/work-actions.js"
import { Stories } from "../src/work/ports/stories.js"
import { Importer } from "../src/work/use-cases/importer.js"
import { ProjectPlanning } from "../src/work/use-cases/project-planning.js"
import { StoryPlanning } from "../src/work/use-cases/story-planning.js"
import { WorkQueues } from "../src/work/use-cases/work-queues.js"
import { ReportRequest } from "../src/workflow/domain/artifact-claim.js"
import { BulkCompletionRequest } from "../src/workflow/domain/bulk.js"
import { VerifyRequest } from "../src/workflow/domain/evidence.js"
import { StoryActions } from "../src/workflow/policy/story-actions.js"
import { StoryLifecycle } from "../src/workflow/use-cases/story-lifecycle.js"
import { Verification } from "../src/workflow/use-cases/verification.js"
import { performAs } from "./fixtures/perform-as.js"
import { makeTeam } from "./fixtures/team.js"

const team = makeTeam()

const breakdown = {
  epics: [
    {
      number: 1,
      title: "Accounts",
      stories: [
        { number: "1.1", title: "Sign up", acceptance_criteria: [{ id: "AC-1", description: "form" }] },
        { number: "1.2", title: "Log in", acceptance_criteria: [] },
      ],
    },
  ],
  story_dependencies: [{ story: "1.2", depends_on: "1.1" }],
}

/** A project imported by the user, with stories 1.1 and 1.2 (1.2 waits for 1.1). */
const seeded = Effect.gen(function* () {
  const projectPlanning = yield* ProjectPlanning
  const queues = yield* WorkQueues
  const project = yield* projectPlanning
    .createProject({ name: "Shop", slug: "shop" })
    .pipe(performAs(team.user, WorkActions.createProject))
  const imported = yield* (yield* Importer)
    .importProject(project.id, breakdown)
    .pipe(performAs(team.user, WorkActions.importWork))
  const { data: ready } = yield* queues
    .readyQueue({ project_id: project.id })
    .pipe(performAs(team.user, WorkActions.readQueue))
  const stories = yield* Effect.flatMap(Stories, (s) =>
    UnitOfWork.pipe(Effect.flatMap((uow) => uow.transact(team.tenant_id, s.listAllByProject(project.id)))),
  )
  const byNumber = (n: string): StoryId => {
    const found = stories.find((s) => s.number === n)
    if (found === undefined) throw new Error(`no story ${n}`)
    return found.id
  }
  return { project, imported, ready, s11: byNumber("1.1"), s12: byNumber("1.2") }
})

const failure = <A, R>(effect: Effect.Effect<A, LoopctlError, R>) =>
  Effect.map(Effect.either(effect), (outcome) =>
    Either.match(outcome, { onLeft: (e) => errorEnvelope(e).error, onRight: () => ({ status: 200 }) }),
  )

const auditActions = (tenant = team.tenant_id) =>
  Effect.flatMap(UnitOfWork, (uow) =>
    uow.transact(
      tenant,
      Effect.flatMap(AuditLog, (log) => log.list({}, { page: 1, page_size: 100 })),
    ),
  ).pipe(Effect.map((page) => page.items.map((e) => `${e.entity_type}/${e.action}`).reverse()))

describe("one story from import to verified, with three different agents", () => {
  it.effect("imports, gates, reports, reviews and verifies", () =>
    Effect.gen(function* () {
      const lifecycle = yield* StoryLifecycle
      const verification = yield* Verification
      const { imported, ready, s11, s12 } = yield* seeded
      expect(imported).toMatchObject({
        _tag: "Fresh",
        import: { epics_created: 1, stories_created: 2, dependencies_created: 1 },
      })
      expect(ready.map((s) => s.number)).toEqual(["1.1"])

      const implementer = team.implementer
      yield* performAs(
        implementer,
        StoryActions.contract,
      )(lifecycle.contract(s11, { story_title: "Sign up", ac_count: 1 }))
      yield* performAs(implementer, StoryActions.claim)(lifecycle.claim(s11))
      yield* performAs(implementer, StoryActions.start)(lifecycle.start(s11))

      yield* performAs(
        implementer,
        StoryActions.contract,
      )(lifecycle.contract(s12, { story_title: "Log in", ac_count: 0 }))
      expect(yield* failure(performAs(implementer, StoryActions.claim)(lifecycle.claim(s12)))).toMatchObject({
        status: 409,
        code: "dependencies_not_met",
      })

      expect(
        yield* failure(performAs(implementer, StoryActions.report)(lifecycle.report(s11))),
      ).toMatchObject({
        status: 409,
        code: "self_report_blocked",
      })
      const reported = yield* performAs(team.reviewer, StoryActions.report)(lifecycle.report(s11))
      expect(reported.story.agent_status).toBe("reported_done")

      expect(
        yield* failure(
          performAs(
            team.orchestrator,
            StoryActions.verify,
          )(verification.verify(s11, { review_type: "x", summary: "y" })),
        ),
      ).toMatchObject({
        status: 422,
        code: "review_not_conducted",
      })
      expect(
        yield* failure(
          performAs(
            implementer,
            StoryActions.reviewComplete,
          )(lifecycle.reviewComplete(s11, { review_type: "self" })),
        ),
      ).toMatchObject({ status: 409, code: "self_review_blocked" })
      yield* performAs(
        team.reviewer,
        StoryActions.reviewComplete,
      )(
        lifecycle.reviewComplete(s11, {
          review_type: "enhanced",
          findings_count: 2,
          fixes_count: 1,
          disproved_count: 1,
        }),
      )
      const verified = yield* performAs(
        team.orchestrator,
        StoryActions.verify,
      )(verification.verify(s11, { review_type: "enhanced", summary: "checked the sign-up form" }))
      expect(verified.story).toMatchObject({ agent_status: "reported_done", verified_status: "verified" })

      const queues = yield* WorkQueues
      const { data: nowReady } = yield* queues
        .readyQueue({
          project_id: verified.story.project_id,
        })
        .pipe(performAs(team.user, WorkActions.readQueue))
      expect(nowReady.map((s) => s.number)).toEqual([])
      yield* performAs(implementer, StoryActions.claim)(lifecycle.claim(s12))

      expect(yield* auditActions()).toEqual([
        "project/created",
        "project/imported",
        "story/status_changed",
        "story/status_changed",
        "story/status_changed",
        "story/status_changed",
        "story/status_changed",
        "story/review_completed",
        "story/verified",
        "story/status_changed",
      ])
      const events = yield* Effect.flatMap(UnitOfWork, (uow) =>
        uow.transact(
          team.tenant_id,
          Effect.flatMap(Outbox, (o) => o.list(100)),
        ),
      )
      expect(events.map((e) => e.event.event)).toContain("story.verified")
      expect(events.every((e) => e.tenant_id === team.tenant_id)).toBe(true)
    }).pipe(Effect.provide(MemoryLoopctl)),
  )

  it.effect("a report whose artifact is invalid writes nothing at all", () =>
    Effect.gen(function* () {
      const lifecycle = yield* StoryLifecycle
      const { s11 } = yield* seeded
      yield* performAs(
        team.implementer,
        StoryActions.contract,
      )(lifecycle.contract(s11, { story_title: "Sign up", ac_count: 1 }))
      yield* performAs(team.implementer, StoryActions.claim)(lifecycle.claim(s11))
      yield* performAs(team.implementer, StoryActions.start)(lifecycle.start(s11))
      const before = yield* auditActions()
      const refused = yield* failure(
        Effect.flatMap(decodeRequest(ReportRequest)({ artifact: { artifact_type: "test" } }), (request) =>
          performAs(team.reviewer, StoryActions.report)(lifecycle.report(s11, request)),
        ),
      )
      expect(refused).toMatchObject({ status: 422, details: { "artifact.path": ["can't be blank"] } })
      const story = yield* (yield* StoryPlanning)
        .getStory(s11)
        .pipe(performAs(team.user, WorkActions.readStory))
      expect(story.agent_status).toBe("implementing")
      expect(yield* auditActions()).toEqual(before)
    }).pipe(Effect.provide(MemoryLoopctl)),
  )

  it.effect("verify-all verifies what it may, skips the unreviewed, and completes the epic once", () =>
    Effect.gen(function* () {
      const lifecycle = yield* StoryLifecycle
      const verification = yield* Verification
      const { s11, s12 } = yield* seeded
      for (const id of [s11, s12]) {
        yield* performAs(
          team.orchestrator,
          StoryActions.markComplete,
        )(verification.markComplete(parseBatchOk([{ story_id: id }])))
      }
      const rejected = yield* performAs(
        team.orchestrator,
        StoryActions.reject,
      )(verification.reject(s12, { reason: "regressed" }))
      expect(rejected.story).toMatchObject({ agent_status: "pending", verified_status: "rejected" })
      yield* performAs(
        team.implementer,
        StoryActions.contract,
      )(lifecycle.contract(s12, { story_title: "Log in", ac_count: 0 }))
      yield* performAs(team.implementer, StoryActions.claim)(lifecycle.claim(s12))
      yield* performAs(team.implementer, StoryActions.start)(lifecycle.start(s12))
      yield* performAs(team.reviewer, StoryActions.report)(lifecycle.report(s12))
      const epicId = rejected.story.epic_id
      const skipped = yield* performAs(
        team.orchestrator,
        StoryActions.verify,
      )(verification.verifyAll(epicId, { review_type: "team", summary: "all good" }))
      expect(skipped).toMatchObject({ verified_count: 0, skipped_count: 1, total: 1, errors: [] })
      yield* performAs(
        team.bystander,
        StoryActions.reviewComplete,
      )(lifecycle.reviewComplete(s12, { review_type: "team" }))
      const done = yield* performAs(
        team.orchestrator,
        StoryActions.verify,
      )(verification.verifyAll(epicId, { review_type: "team", summary: "all good" }))
      expect(done).toMatchObject({ verified_count: 1, skipped_count: 0 })
      const actions = yield* auditActions()
      expect(actions.filter((a) => a === "epic/completed")).toHaveLength(1)
    }).pipe(Effect.provide(MemoryLoopctl)),
  )

  it.effect("verify-all and mark-complete refuse missing evidence and the caller's own stories", () =>
    Effect.gen(function* () {
      const verification = yield* Verification
      const { s11 } = yield* seeded
      const story = yield* (yield* StoryPlanning)
        .getStory(s11)
        .pipe(performAs(team.user, WorkActions.readStory))
      expect(
        yield* failure(
          Effect.flatMap(decodeRequest(VerifyRequest)({ summary: "x" }), (request) =>
            performAs(team.orchestrator, StoryActions.verify)(verification.verifyAll(story.epic_id, request)),
          ),
        ),
      ).toMatchObject({ status: 422, details: { review_type: ["can't be blank"] } })
      const result = yield* performAs(
        team.orchestrator,
        StoryActions.markComplete,
      )(verification.markComplete(parseBatchOk([{ story_id: s11 }, { story_id: "not-a-uuid" }])))
      expect(result._tag).toBe("Applied")
      expect(result.results).toContainEqual({
        story_id: "not-a-uuid",
        status: "error",
        reason: "Story not found",
      })
      expect(
        yield* failure(
          performAs(team.unlinkedOrchestrator, StoryActions.verify)(verification.verify(s11, evidence)),
        ),
      ).toMatchObject({
        status: 400,
      })
      expect(
        yield* failure(performAs(team.implementer, StoryActions.verify)(verification.verify(s11, evidence))),
      ).toMatchObject({
        status: 403,
        message: "This endpoint requires the orchestrator role",
      })
    }).pipe(Effect.provide(MemoryLoopctl)),
  )

  it.effect("another tenant sees none of it", () =>
    Effect.gen(function* () {
      const { project, s11 } = yield* seeded
      const other = makeTeam(2)
      const projectPlanning = yield* ProjectPlanning
      const storyPlanning = yield* StoryPlanning
      const queues = yield* WorkQueues
      expect(
        yield* failure(storyPlanning.getStory(s11).pipe(performAs(other.user, WorkActions.readStory))),
      ).toMatchObject({ status: 404 })
      expect(
        yield* failure(
          projectPlanning.getProject(project.id).pipe(performAs(other.user, WorkActions.readProject)),
        ),
      ).toMatchObject({
        status: 404,
      })
      expect(
        (yield* queues
          .readyQueue({ project_id: project.id })
          .pipe(performAs(other.user, WorkActions.readQueue))).data,
      ).toEqual([])
      expect(yield* auditActions(other.tenant_id)).toEqual([])
    }).pipe(Effect.provide(MemoryLoopctl)),
  )
})

import { errorEnvelope } from "./fixtures/wire-status.js"
const parseBatchOk = (stories: ReadonlyArray<unknown>) => {
  const batch = decodeRequest(BulkCompletionRequest)({ stories })
  if (Either.isLeft(batch)) throw new Error("test batch must be valid")
  return batch.right.stories
}
const evidence = { review_type: "team", summary: "checked" }
