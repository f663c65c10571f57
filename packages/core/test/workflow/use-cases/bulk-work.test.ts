import { describe, expect, it } from "@effect/vitest"
import { Effect, Either } from "effect"
import { AuditLog } from "../../../src/audit/ports/audit-log.js"
import { Actor } from "../../../src/identity/domain/actor.js"
import type { LoopctlError } from "../../../src/kernel/domain/errors.js"
import type { StoryId } from "../../../src/kernel/domain/ids.js"
import { decodeRequest } from "../../../src/kernel/domain/refusal.js"
import { UnitOfWork } from "../../../src/kernel/ports/unit-of-work.js"
import { MemoryLoopctl } from "../../../src/testing/memory/index.js"
import { WorkActions } from "../../../src/work/policy/work-actions.js"
import { Stories } from "../../../src/work/ports/stories.js"
import { Importer } from "../../../src/work/use-cases/importer.js"
import { ProjectPlanning } from "../../../src/work/use-cases/project-planning.js"
import { StoryPlanning } from "../../../src/work/use-cases/story-planning.js"
import { StoryRecords } from "../../../src/work/use-cases/story-records.js"
import {
  BulkCompletionRequest,
  BulkRejectRequest,
  BulkVerifyRequest,
} from "../../../src/workflow/domain/bulk.js"
import { StoryActions } from "../../../src/workflow/policy/story-actions.js"
import { BulkWork } from "../../../src/workflow/use-cases/bulk-work.js"
import { StoryLifecycle } from "../../../src/workflow/use-cases/story-lifecycle.js"
import { Verification } from "../../../src/workflow/use-cases/verification.js"
import { performAs } from "../../fixtures/perform-as.js"
import { makeTeam } from "../../fixtures/team.js"
import { errorEnvelope } from "../../fixtures/wire-status.js"

const team = makeTeam()

/** Epic 1 with 1.1–1.4 (1.4 waits for 1.1). */
const seeded = Effect.gen(function* () {
  const projectPlanning = yield* ProjectPlanning
  const project = yield* projectPlanning
    .createProject({ name: "Shop", slug: "shop" })
    .pipe(performAs(team.user, WorkActions.createProject))
  yield* (yield* Importer)
    .importProject(project.id, {
      epics: [
        {
          number: 1,
          title: "Accounts",
          stories: ["1.1", "1.2", "1.3", "1.4"].map((number) => ({ number, title: `Story ${number}` })),
        },
      ],
      story_dependencies: [{ story: "1.4", depends_on: "1.1" }],
    })
    .pipe(performAs(team.user, WorkActions.importWork))
  const stories = yield* Effect.flatMap(UnitOfWork, (uow) =>
    uow.transact(
      team.tenant_id,
      Effect.flatMap(Stories, (s) => s.listAllByProject(project.id)),
    ),
  )
  return (n: string): StoryId => {
    const found = stories.find((s) => s.number === n)
    if (found === undefined) throw new Error(`no story ${n}`)
    return found.id
  }
})

const failure = <A, R>(effect: Effect.Effect<A, LoopctlError, R>) =>
  Effect.map(Effect.either(effect), (outcome) =>
    Either.match(outcome, { onLeft: (e) => errorEnvelope(e).error, onRight: () => ({ status: 200 }) }),
  )

const audit = Effect.flatMap(UnitOfWork, (uow) =>
  uow.transact(
    team.tenant_id,
    Effect.flatMap(AuditLog, (log) => log.list({}, { page: 1, page_size: 500 })),
  ),
).pipe(Effect.map((page) => page.items.map((e) => `${e.entity_type}/${e.action}`)))

/** Contract (by the orchestrator), claim and start (implementer), report (reviewer). */
const reported = (id: StoryId) =>
  Effect.gen(function* () {
    const lifecycle = yield* StoryLifecycle
    yield* performAs(team.orchestrator, StoryActions.contract)(lifecycle.contract(id, {}))
    yield* performAs(team.implementer, StoryActions.claim)(lifecycle.claim(id))
    yield* performAs(team.implementer, StoryActions.start)(lifecycle.start(id))
    yield* performAs(team.reviewer, StoryActions.report)(lifecycle.report(id))
  })

const reviewed = (id: StoryId) =>
  Effect.flatMap(reported(id), () =>
    Effect.flatMap(StoryLifecycle, (lifecycle) =>
      performAs(
        team.bystander,
        StoryActions.reviewComplete,
      )(lifecycle.reviewComplete(id, { review_type: "team" })),
    ),
  )

describe("bulk requests", () => {
  it.effect("check the list (as decoded), the role, then the agent link", () =>
    Effect.gen(function* () {
      const bulk = yield* BulkWork
      expect(
        yield* failure(
          performAs(team.implementer, StoryActions.verify)(bulk.verify({ stories: [{ story_id: "x" }] })),
        ),
      ).toEqual({
        status: 403,
        message: "This endpoint requires the orchestrator role",
      })
      expect(
        yield* failure(
          Effect.flatMap(decodeRequest(BulkVerifyRequest)({ stories: [] }), (request) =>
            performAs(team.unlinkedOrchestrator, StoryActions.verify)(bulk.verify(request)),
          ),
        ),
      ).toMatchObject({
        status: 422,
        message: "stories must not be empty",
      })
      expect(
        yield* failure(
          performAs(
            team.unlinkedOrchestrator,
            StoryActions.verify,
          )(bulk.verify({ stories: [{ story_id: "x" }] })),
        ),
      ).toMatchObject({
        status: 400,
      })
      expect(
        yield* failure(performAs(team.orchestrator, StoryActions.claim)(bulk.claim({ story_ids: ["x"] }))),
      ).toMatchObject({
        status: 403,
      })
    }).pipe(Effect.provide(MemoryLoopctl)),
  )

  it.effect("claim: each item as a single claim; refused items change nothing", () =>
    Effect.gen(function* () {
      const story = yield* seeded
      const lifecycle = yield* StoryLifecycle
      for (const n of ["1.1", "1.2", "1.4"]) {
        yield* performAs(team.orchestrator, StoryActions.contract)(lifecycle.contract(story(n), {}))
      }
      yield* performAs(team.implementer, StoryActions.claim)(lifecycle.claim(story("1.2")))
      const before = yield* audit
      const outcome = yield* performAs(
        team.reviewer,
        StoryActions.claim,
      )(
        (yield* BulkWork).claim({
          story_ids: [story("1.4"), story("1.2"), story("1.1"), story("1.3")],
        }),
      )
      expect(outcome._tag).toBe("Applied")
      const byId = new Map(outcome.results.map((r) => [r.story_id, r]))
      expect(byId.get(story("1.1"))).toEqual({ story_id: story("1.1"), status: "success" })
      expect(byId.get(story("1.2"))).toMatchObject({
        reason: "Story is not in contracted status (current: assigned)",
      })
      expect(byId.get(story("1.3"))).toMatchObject({
        reason: "Story is not in contracted status (current: pending)",
      })
      expect(byId.get(story("1.4"))).toMatchObject({
        reason: "Story has 1 unverified dependency(ies)",
        code: "dependencies_not_met",
      })
      expect(outcome.results.map((r) => r.story_id)).toEqual(
        [...outcome.results.map((r) => r.story_id)].sort(),
      )
      expect((yield* audit).length - before.length).toBe(1)
      const claimed = yield* (yield* StoryPlanning)
        .getStory(story("1.1"))
        .pipe(performAs(team.user, WorkActions.readStory))
      expect(claimed.assigned_agent_id).toBe(team.reviewer.agent_id)
    }).pipe(Effect.provide(MemoryLoopctl)),
  )

  it.effect(
    "verify: the single-verify gates apply per item (review, self, state), defaults fill the evidence",
    () =>
      Effect.gen(function* () {
        const story = yield* seeded
        yield* reviewed(story("1.1"))
        yield* reported(story("1.2"))
        const outcome = yield* performAs(
          team.orchestrator,
          StoryActions.verify,
        )(
          (yield* BulkWork).verify({
            stories: [
              { story_id: story("1.1") },
              { story_id: story("1.2"), summary: "looks fine" },
              { story_id: story("1.3") },
              { story_id: "not-a-uuid" },
            ],
          }),
        )
        expect(outcome._tag).toBe("Applied")
        const reasons = Object.fromEntries(
          outcome.results.map((r) => [r.story_id, r.status === "success" ? "ok" : (r.code ?? r.reason)]),
        )
        expect(reasons).toEqual({
          [story("1.1")]: "ok",
          [story("1.2")]: "review_not_conducted",
          [story("1.3")]: "invalid_transition",
          "not-a-uuid": "Story not found",
        })
        const results = yield* (yield* StoryRecords)
          .verifications(story("1.1"), {
            page: 1,
            page_size: 20,
          })
          .pipe(performAs(team.orchestrator, WorkActions.readVerifications))
        expect(results.data[0]).toMatchObject({
          summary: "Verified via bulk operation",
          review_type: "bulk_verify",
        })
        // The caller's own story: the orchestrator linked to the implementer's agent.
        const self = new Actor({ ...team.orchestrator, agent_id: team.implementer.agent_id })
        const mine = yield* performAs(
          self,
          StoryActions.verify,
        )((yield* BulkWork).verify({ stories: [{ story_id: story("1.2") }] }))
        expect(mine).toMatchObject({ _tag: "AllRefused", results: [{ code: "self_verify_blocked" }] })
      }).pipe(Effect.provide(MemoryLoopctl)),
  )

  it.effect("reject: a blank reason refuses only its item; the tenant's auto-reset applies", () =>
    Effect.gen(function* () {
      const story = yield* seeded
      yield* reported(story("1.1"))
      yield* reported(story("1.2"))
      const request = decodeRequest(BulkRejectRequest)({
        stories: [
          { story_id: story("1.1"), reason: "broken" },
          { story_id: story("1.2"), reason: "  " },
        ],
      })
      const bulk = yield* BulkWork
      const outcome = yield* Effect.flatMap(request, (batch) =>
        performAs(team.orchestrator, StoryActions.reject)(bulk.reject(batch)),
      )
      expect(outcome._tag).toBe("Applied")
      expect(outcome.results.find((r) => r.story_id === story("1.2"))).toMatchObject({
        reason: "reason is required and cannot be blank",
      })
      const storyPlanning = yield* StoryPlanning
      expect(
        yield* storyPlanning.getStory(story("1.1")).pipe(performAs(team.user, WorkActions.readStory)),
      ).toMatchObject({
        agent_status: "pending",
        verified_status: "rejected",
        rejection_reason: "broken",
      })
      expect(
        yield* storyPlanning.getStory(story("1.2")).pipe(performAs(team.user, WorkActions.readStory)),
      ).toMatchObject({
        agent_status: "reported_done",
      })
      const results = yield* (yield* StoryRecords)
        .verifications(story("1.1"), {
          page: 1,
          page_size: 5,
        })
        .pipe(performAs(team.user, WorkActions.readVerifications))
      expect(results.data[0]).toMatchObject({ result: "fail", review_type: "bulk_reject" })
    }).pipe(Effect.provide(MemoryLoopctl)),
  )

  it.effect("mark-complete still works for embedders through the Verification service", () =>
    Effect.gen(function* () {
      const story = yield* seeded
      const outcome = yield* performAs(
        team.orchestrator,
        StoryActions.markComplete,
      )(
        (yield* BulkWork).markComplete({
          stories: [
            { story_id: story("1.1") },
            { story_id: story("1.2"), summary: "old", review_type: "legacy" },
          ],
        }),
      )
      expect(outcome).toMatchObject({ _tag: "Applied" })
      expect(outcome.results.every((r) => r.status === "success")).toBe(true)
      const direct = yield* performAs(
        team.orchestrator,
        StoryActions.markComplete,
      )(
        (yield* Verification).markComplete(
          Either.getOrThrow(decodeRequest(BulkCompletionRequest)({ stories: [{ story_id: story("1.3") }] }))
            .stories,
        ),
      )
      expect(direct.results).toEqual([{ story_id: story("1.3"), status: "success" }])
    }).pipe(Effect.provide(MemoryLoopctl)),
  )
})

describe("story records", () => {
  it.effect("verifications need orchestrator or above; artifacts any role; both 404 an unknown story", () =>
    Effect.gen(function* () {
      const story = yield* seeded
      const records = yield* StoryRecords
      const page = { page: 1, page_size: 20 }
      expect(
        yield* failure(
          records
            .verifications(story("1.1"), page)
            .pipe(performAs(team.implementer, WorkActions.readVerifications)),
        ),
      ).toEqual({
        status: 403,
        message: "Insufficient permissions. Required role: orchestrator",
      })
      expect(
        yield* records
          .verifications(story("1.1"), page)
          .pipe(performAs(team.unlinkedOrchestrator, WorkActions.readVerifications)),
      ).toEqual({
        data: [],
        meta: { page: 1, page_size: 20, total_count: 0, total_pages: 0 },
      })
      yield* performAs(
        team.implementer,
        StoryActions.reportArtifact,
      )((yield* StoryLifecycle).reportArtifact(story("1.1"), { artifact_type: "test", path: "a.test.ts" }))
      const listed = yield* records
        .artifacts(story("1.1"), page)
        .pipe(performAs(team.implementer, WorkActions.readArtifacts))
      expect(listed.data).toMatchObject([{ artifact_type: "test", path: "a.test.ts", reported_by: "agent" }])
      const other = makeTeam(2)
      expect(
        yield* failure(
          records.artifacts(story("1.1"), page).pipe(performAs(other.user, WorkActions.readArtifacts)),
        ),
      ).toMatchObject({ status: 404 })
    }).pipe(Effect.provide(MemoryLoopctl)),
  )
})
