import { describe, expect, it } from "@effect/vitest"
import { Effect, Layer, Option } from "effect"
import type { AuditLog } from "../../../src/audit/ports/audit-log.js"
import { OrchestratorStateId, ProjectId } from "../../../src/kernel/domain/ids.js"
import { Timestamp } from "../../../src/kernel/domain/timestamp.js"
import type { UnitOfWork } from "../../../src/kernel/ports/unit-of-work.js"
import {
  AuditLogTest,
  IdsTest,
  OrchestratorStatesTest,
  OutboxTest,
  ProjectsTest,
  UnitOfWorkTest,
} from "../../../src/testing/narrow/index.js"
import { Project } from "../../../src/work/domain/project.js"
import type { Projects } from "../../../src/work/ports/projects.js"
import { OrchestratorState } from "../../../src/workflow/domain/orchestrator-state.js"
import { CheckpointActions } from "../../../src/workflow/policy/checkpoint-actions.js"
import type { OrchestratorStates } from "../../../src/workflow/ports/orchestrator-states.js"
import { OrchestratorCheckpoints } from "../../../src/workflow/use-cases/orchestrator-checkpoints.js"
import { performAs } from "../../fixtures/perform-as.js"
import { makeTeam } from "../../fixtures/team.js"

/**
 * What the checkpoint use cases reach, on narrow test layers: each test stubs only the port
 * members it expects to be used, and any other member dies naming itself. So these tests also
 * say what is NOT touched: a refused role reads nothing, a lost compare-and-set audits nothing.
 * The behaviour over a whole store is in checkpoints-and-ui-runs.test.ts.
 */

const team = makeTeam(1)
const at = Timestamp.make("2026-01-01T00:00:00.000000Z")
const projectId = ProjectId.make("00000000-0000-4000-8000-000000000101")

const project = new Project({
  id: projectId,
  tenant_id: team.tenant_id,
  name: "Shop",
  slug: "shop",
  repo_url: null,
  description: null,
  tech_stack: null,
  status: "active",
  mission: null,
  metadata: {},
  inserted_at: at,
  updated_at: at,
})

const savedAtVersion = (version: number) =>
  new OrchestratorState({
    id: OrchestratorStateId.make("00000000-0000-4000-8000-000000000102"),
    tenant_id: team.tenant_id,
    project_id: projectId,
    state_key: "main",
    state_data: { step: version },
    version,
    inserted_at: at,
    updated_at: at,
  })

/** The work runs as it is: these tests are about which ports it reaches, not about transactions. */
const inline = UnitOfWorkTest({ transact: (_tenant, work) => work })

/** OrchestratorCheckpoints on the given stubs; every port not listed dies whole. */
const checkpointsOn = (stubs: {
  readonly uow?: Layer.Layer<UnitOfWork>
  readonly projects?: Layer.Layer<Projects>
  readonly states?: Layer.Layer<OrchestratorStates>
  readonly audit?: Layer.Layer<AuditLog>
}) =>
  OrchestratorCheckpoints.Default.pipe(
    Layer.provide(
      Layer.mergeAll(
        stubs.uow ?? UnitOfWorkTest(),
        stubs.projects ?? ProjectsTest(),
        stubs.states ?? OrchestratorStatesTest(),
        stubs.audit ?? AuditLogTest(),
        OutboxTest(),
        IdsTest(),
      ),
    ),
  )

describe("OrchestratorCheckpoints on narrow ports", () => {
  it.effect("a refused role reads and writes nothing: no port is reached", () =>
    Effect.gen(function* () {
      const checkpoints = yield* OrchestratorCheckpoints
      const body = { state_key: "main", state_data: {} }
      expect(
        yield* Effect.flip(performAs(team.user, CheckpointActions.save)(checkpoints.save(projectId, body))),
      ).toMatchObject({
        _tag: "Forbidden",
      })
      expect(
        yield* Effect.flip(
          performAs(team.implementer, CheckpointActions.read)(checkpoints.load(projectId, {})),
        ),
      ).toMatchObject({
        _tag: "Forbidden",
      })
      expect(
        yield* Effect.flip(
          performAs(team.user, CheckpointActions.history)(checkpoints.history(projectId, {})),
        ),
      ).toMatchObject({
        _tag: "Forbidden",
      })
    }).pipe(Effect.provide(checkpointsOn({}))),
  )

  it.effect("an unknown project is 404 before any checkpoint is read", () =>
    Effect.gen(function* () {
      const checkpoints = yield* OrchestratorCheckpoints
      expect(
        yield* Effect.flip(
          performAs(team.orchestrator, CheckpointActions.read)(checkpoints.load(projectId, {})),
        ),
      ).toMatchObject({
        _tag: "NotFound",
        message: "Project not found",
      })
    }).pipe(
      Effect.provide(
        checkpointsOn({
          uow: inline,
          projects: ProjectsTest({ findById: () => Effect.succeed(Option.none()) }),
        }),
      ),
    ),
  )

  it.effect("a save that loses the compare-and-set to another writer is a Conflict and audits nothing", () =>
    Effect.gen(function* () {
      const checkpoints = yield* OrchestratorCheckpoints
      const lost = yield* Effect.flip(
        performAs(
          team.orchestrator,
          CheckpointActions.save,
        )(checkpoints.save(projectId, { state_key: "main", version: 1, state_data: {} })),
      )
      expect(lost).toMatchObject({ _tag: "Conflict", message: "Conflict" })
    }).pipe(
      Effect.provide(
        checkpointsOn({
          uow: inline,
          projects: ProjectsTest({ findById: () => Effect.succeed(Option.some(project)) }),
          states: OrchestratorStatesTest({
            find: () => Effect.succeed(Option.some(savedAtVersion(1))),
            // Another orchestrator saved version 2 between our find and our replace.
            replace: () => Effect.succeed(false),
          }),
        }),
      ),
    ),
  )

  it.effect("the history of a key never saved is empty and the audit log is not read", () =>
    Effect.gen(function* () {
      const checkpoints = yield* OrchestratorCheckpoints
      const history = yield* performAs(
        team.orchestrator,
        CheckpointActions.history,
      )(checkpoints.history(projectId, { state_key: "other" }))
      expect(history).toEqual({ data: [], meta: { page: 1, page_size: 25, total_count: 0, total_pages: 0 } })
    }).pipe(
      Effect.provide(
        checkpointsOn({
          uow: inline,
          projects: ProjectsTest({ findById: () => Effect.succeed(Option.some(project)) }),
          states: OrchestratorStatesTest({ find: () => Effect.succeed(Option.none()) }),
        }),
      ),
    ),
  )
})
