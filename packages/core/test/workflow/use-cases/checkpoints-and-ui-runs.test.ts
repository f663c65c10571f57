import { describe, expect, it } from "@effect/vitest"
import { Effect, Option, TestClock } from "effect"
import { decodeRequest } from "../../../src/kernel/domain/refusal.js"
import { UnitOfWork } from "../../../src/kernel/ports/unit-of-work.js"
import { MemoryLoopctl } from "../../../src/testing/memory/index.js"
import { WorkActions } from "../../../src/work/policy/work-actions.js"
import { ProjectPlanning } from "../../../src/work/use-cases/project-planning.js"
import { FindingRequest } from "../../../src/workflow/domain/ui-test-run.js"
import { CheckpointActions } from "../../../src/workflow/policy/checkpoint-actions.js"
import { UiTestActions } from "../../../src/workflow/policy/ui-test-actions.js"
import { UiTestRuns } from "../../../src/workflow/ports/ui-test-runs.js"
import { OrchestratorCheckpoints } from "../../../src/workflow/use-cases/orchestrator-checkpoints.js"
import { UiTesting } from "../../../src/workflow/use-cases/ui-testing.js"
import { performAs } from "../../fixtures/perform-as.js"
import { makeTeam } from "../../fixtures/team.js"

/**
 * Orchestrator checkpoints and UI test runs embedded, on the memory ports: the use cases alone,
 * without a server or a database (the HTTP suites run them on PGlite and Postgres).
 */

const team = makeTeam(1)
const stranger = makeTeam(2)

const project = Effect.flatMap(ProjectPlanning, (projects) =>
  Effect.map(
    projects
      .createProject({ name: "Shop", slug: "shop" })
      .pipe(performAs(team.user, WorkActions.createProject)),
    (made) => made.id,
  ),
)

describe("OrchestratorCheckpoints", () => {
  it.effect("saves versions, refuses stale ones, and reads the history back newest first", () =>
    Effect.gen(function* () {
      const checkpoints = yield* OrchestratorCheckpoints
      const id = yield* project
      let version = 0
      for (const step of [1, 2, 3]) {
        yield* TestClock.adjust("1 millis")
        version = (yield* performAs(
          team.orchestrator,
          CheckpointActions.save,
        )(
          checkpoints.save(id, {
            state_key: "main",
            version,
            state_data: { step },
          }),
        )).version
      }
      expect(version).toBe(3)
      const stale = yield* Effect.flip(
        performAs(
          team.orchestrator,
          CheckpointActions.save,
        )(checkpoints.save(id, { state_key: "main", version: 2, state_data: {} })),
      )
      expect(stale).toMatchObject({ _tag: "Conflict", message: "Conflict" })
      const loaded = yield* performAs(team.orchestrator, CheckpointActions.read)(checkpoints.load(id, {}))
      expect(loaded).toMatchObject({ version: 3, state_data: { step: 3 } })
      const history = yield* performAs(
        team.orchestrator,
        CheckpointActions.history,
      )(checkpoints.history(id, { page_size: "2" }))
      expect(history.data.map((entry) => entry.version)).toEqual([3, 2])
      expect(history.meta).toEqual({ page: 1, page_size: 2, total_count: 3, total_pages: 2 })
      expect(history.data[0]?.saved_by).toBe("orchestrator:orchestrator-2")
    }).pipe(Effect.provide(MemoryLoopctl)),
  )

  it.effect("users, agents and other tenants are refused", () =>
    Effect.gen(function* () {
      const checkpoints = yield* OrchestratorCheckpoints
      const id = yield* project
      const body = { state_key: "main", state_data: {} }
      expect(
        yield* Effect.flip(performAs(team.user, CheckpointActions.save)(checkpoints.save(id, body))),
      ).toMatchObject({ _tag: "Forbidden" })
      expect(
        yield* Effect.flip(performAs(team.implementer, CheckpointActions.read)(checkpoints.load(id, {}))),
      ).toMatchObject({
        _tag: "Forbidden",
      })
      expect(
        yield* Effect.flip(
          performAs(stranger.orchestrator, CheckpointActions.save)(checkpoints.save(id, body)),
        ),
      ).toMatchObject({
        _tag: "NotFound",
        message: "Project not found",
      })
    }).pipe(Effect.provide(MemoryLoopctl)),
  )
})

describe("UiTesting", () => {
  it.effect("a run collects findings and completes once; a failed step changes nothing", () =>
    Effect.gen(function* () {
      const testing = yield* UiTesting
      const id = yield* project
      const run = yield* performAs(
        team.implementer,
        UiTestActions.start,
      )(testing.start(id, { notes: "smoke" }))
      expect(run).toMatchObject({ status: "running", started_by_agent_id: team.implementer.agent_id })
      yield* performAs(
        team.reviewer,
        UiTestActions.addFinding,
      )(
        testing.addFinding(
          run.id,
          decodeRequest(FindingRequest)({ severity: "blocker", title: "Cannot pay" }),
        ),
      )
      const refused = yield* Effect.flip(
        performAs(
          team.reviewer,
          UiTestActions.addFinding,
        )(testing.addFinding(run.id, decodeRequest(FindingRequest)({ title: "no severity" }))),
      )
      expect(refused).toMatchObject({ _tag: "ValidationFailed", details: { severity: ["can't be blank"] } })
      const done = yield* performAs(
        team.orchestrator,
        UiTestActions.complete,
      )(testing.complete(run.id, { summary: "blocked" }))
      expect(done).toMatchObject({ status: "failed", findings_count: 1, critical_count: 1 })
      const again = yield* Effect.flip(
        performAs(team.orchestrator, UiTestActions.complete)(testing.complete(run.id, { summary: "again" })),
      )
      expect(again.message).toBe("Run is already completed")
      const stored = yield* Effect.flatMap(UnitOfWork, (uow) =>
        uow.transact(
          team.tenant_id,
          Effect.flatMap(UiTestRuns, (runs) => runs.findById(run.id)),
        ),
      )
      expect(Option.getOrNull(stored)).toEqual(done)
      const elsewhere = yield* Effect.flip(performAs(stranger.user, UiTestActions.read)(testing.show(run.id)))
      expect(elsewhere).toMatchObject({ _tag: "NotFound" })
      const listed = yield* performAs(team.user, UiTestActions.list)(testing.list(id, { status: "failed" }))
      expect(listed.data.map((r) => r.id)).toEqual([run.id])
    }).pipe(Effect.provide(MemoryLoopctl)),
  )
})
