import { describe, expect, it } from "@effect/vitest"
import { Cause, Effect, Exit, Option } from "effect"
import { OrchestratorStateId, ProjectId, TenantId } from "../../src/kernel/domain/ids.js"
import { Timestamp } from "../../src/kernel/domain/timestamp.js"
import { Ids } from "../../src/kernel/ports/ids.js"
import { IdsTest, OrchestratorStatesTest, UnstubbedPortMember } from "../../src/testing/narrow/index.js"
import { OrchestratorState } from "../../src/workflow/domain/orchestrator-state.js"
import { OrchestratorStates } from "../../src/workflow/ports/orchestrator-states.js"

/**
 * The narrow test layers of `@loopctl/core/testing`, shown on one port with methods
 * (OrchestratorStates) and one whose member is an effect (Ids).
 */

/** The defect an effect died with, or the exit when it did not die. */
const defectOf = <A, E>(effect: Effect.Effect<A, E>) =>
  Effect.map(Effect.exit(effect), (exit) =>
    Exit.isFailure(exit) ? Option.getOrNull(Cause.dieOption(exit.cause)) : exit,
  )

const PORT = "@loopctl/core/OrchestratorStates"

const project = ProjectId.make("00000000-0000-4000-8000-000000000002")
const at = Timestamp.make("2026-01-01T00:00:00.000000Z")
const placeholderState = new OrchestratorState({
  id: OrchestratorStateId.make("00000000-0000-4000-8000-000000000003"),
  tenant_id: TenantId.make("00000000-0000-4000-8000-000000000004"),
  project_id: project,
  state_key: "main",
  state_data: {},
  version: 1,
  inserted_at: at,
  updated_at: at,
})
const placeholderFind: [ProjectId, string] = [project, "main"]
const placeholderReplace: [OrchestratorState, number] = [placeholderState, 1]

describe("makeTestLayer", () => {
  it.effect("a stubbed method answers what the test says", () =>
    Effect.gen(function* () {
      const states = yield* OrchestratorStates
      expect(yield* states.replace(...placeholderReplace)).toBe(true)
    }).pipe(Effect.provide(OrchestratorStatesTest({ replace: () => Effect.succeed(true) }))),
  )

  it.effect("an unstubbed method dies naming the port and the method, whatever it is called with", () =>
    Effect.gen(function* () {
      const states = yield* OrchestratorStates
      const defect = yield* defectOf(states.find(...placeholderFind))
      expect(defect).toBeInstanceOf(UnstubbedPortMember)
      expect(defect).toMatchObject({ port: PORT, member: "find" })
      expect(defect instanceof UnstubbedPortMember && defect.message).toBe(`${PORT}: unstubbed member "find"`)
      // The stubbed member beside it still works.
      expect(yield* states.replace(...placeholderReplace)).toBe(false)
    }).pipe(Effect.provide(OrchestratorStatesTest({ replace: () => Effect.succeed(false) }))),
  )

  it.effect("with no stubs every member dies; reading a member is harmless, running it is not", () =>
    Effect.gen(function* () {
      const states = yield* OrchestratorStates
      const insert = states.insert
      expect(typeof insert).toBe("function")
      expect(yield* defectOf(states.insert(placeholderState))).toMatchObject({ port: PORT, member: "insert" })
      expect(yield* defectOf(states.replace(...placeholderReplace))).toMatchObject({ member: "replace" })
    }).pipe(Effect.provide(OrchestratorStatesTest())),
  )

  it.effect("an effect member (not a method) dies when run", () =>
    Effect.gen(function* () {
      const ids = yield* Ids
      expect(yield* defectOf(ids.uuid)).toMatchObject({ port: "@loopctl/core/Ids", member: "uuid" })
    }).pipe(Effect.provide(IdsTest())),
  )

  it.effect("an effect member can be stubbed like a method", () =>
    Effect.gen(function* () {
      expect(yield* Effect.flatMap(Ids, (ids) => ids.uuid)).toBe("00000000-0000-4000-8000-000000000001")
    }).pipe(Effect.provide(IdsTest({ uuid: Effect.succeed("00000000-0000-4000-8000-000000000001") }))),
  )
})
