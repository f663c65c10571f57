import { Effect } from "effect"
import type { Tenants } from "../../identity/ports/tenants.js"
import { OrchestratorStateId } from "../../kernel/domain/ids.js"
import type { JsonObject } from "../../kernel/domain/json.js"
import { type Ids, freshId } from "../../kernel/ports/ids.js"
import type { UnitOfWork } from "../../kernel/ports/unit-of-work.js"
import type { Project } from "../../work/domain/project.js"
import { Projects } from "../../work/ports/projects.js"
import { OrchestratorState } from "../../workflow/domain/orchestrator-state.js"
import { OrchestratorStates } from "../../workflow/ports/orchestrator-states.js"
import {
  type ContractSuite,
  contractCase,
  expectEqual,
  expectFailure,
  expectNone,
  expectSome,
  settle,
} from "./contract.js"
import { aProject, freshTenant, instant, richJson, within } from "./fixtures.js"

const aState = (
  project: Project,
  state_key: string,
  overrides: Partial<OrchestratorState> = {},
): Effect.Effect<OrchestratorState, never, Ids> =>
  Effect.map(
    freshId(OrchestratorStateId),
    (id) =>
      new OrchestratorState({
        id,
        tenant_id: project.tenant_id,
        project_id: project.id,
        state_key,
        state_data: { step: 1 },
        version: 1,
        inserted_at: instant(30),
        updated_at: instant(30),
        ...overrides,
      }),
  )

/** A committed tenant with one project. */
const seedProject = Effect.gen(function* () {
  const tenant = yield* freshTenant()
  const project = yield* aProject(tenant)
  yield* within(
    tenant.id,
    Effect.flatMap(Projects, (projects) => projects.insert(project)),
  )
  return { tenant, project }
})

const states = OrchestratorStates
const find = (project: Project, key: string) => Effect.flatMap(states, (s) => s.find(project.id, key))
const insert = (state: OrchestratorState) => Effect.flatMap(states, (s) => s.insert(state))
const replace = (state: OrchestratorState, expected: number) =>
  Effect.flatMap(states, (s) => s.replace(state, expected))

/** A next version of a stored state, as a save makes it. */
const nextOf = (state: OrchestratorState, state_data: JsonObject, second: number) =>
  new OrchestratorState({ ...state, state_data, version: state.version + 1, updated_at: instant(second, 7) })

/** The OrchestratorStates port: one row per project and key, compare-and-set saves, tenant isolation. */
export const orchestratorStatesContract: ContractSuite<
  OrchestratorStates | Projects | Tenants | UnitOfWork | Ids
> = {
  port: "OrchestratorStates",
  cases: [
    contractCase(
      "insert then find returns every field, nested JSON intact",
      Effect.gen(function* () {
        const { tenant, project } = yield* seedProject
        const state = yield* aState(project, "main", {
          state_data: { ...richJson, deeper: { list: [{ a: [1, { b: null }] }] } },
          inserted_at: instant(31, 123_456),
          updated_at: instant(31, 654_321),
        })
        yield* within(tenant.id, insert(state))
        const found = yield* within(tenant.id, find(project, "main"))
        yield* expectEqual(yield* expectSome(found, "the inserted state"), state, "state after a round-trip")
      }),
    ),
    contractCase(
      "find names one project and one key",
      Effect.gen(function* () {
        const { tenant, project } = yield* seedProject
        const other = yield* aProject(tenant)
        const main = yield* aState(project, "main")
        const experiment = yield* aState(project, "exp", { state_data: { which: "exp" } })
        const elsewhere = yield* aState(other, "main", { state_data: { which: "other project" } })
        yield* within(
          tenant.id,
          Effect.gen(function* () {
            yield* Effect.flatMap(Projects, (projects) => projects.insert(other))
            yield* insert(main)
            yield* insert(experiment)
            yield* insert(elsewhere)
          }),
        )
        const found = yield* within(tenant.id, find(project, "exp"))
        yield* expectEqual(yield* expectSome(found, "the exp state"), experiment, "the exp state")
        const ofOther = yield* within(tenant.id, find(other, "main"))
        yield* expectEqual(
          yield* expectSome(ofOther, "the other project's state"),
          elsewhere,
          "other project",
        )
        yield* expectNone(yield* within(tenant.id, find(project, "never saved")), "a key never saved")
        yield* expectNone(yield* within(tenant.id, find(project, "MAIN")), "keys are case-sensitive")
      }),
    ),
    contractCase(
      "a second insert of one project and key is a DuplicateKey and changes nothing",
      Effect.gen(function* () {
        const { tenant, project } = yield* seedProject
        const first = yield* aState(project, "main", { state_data: { first: true } })
        const second = yield* aState(project, "main", { state_data: { second: true } })
        yield* within(tenant.id, insert(first))
        const refused = yield* expectFailure(
          within(tenant.id, insert(second)),
          "DuplicateKey",
          "a second insert",
        )
        yield* expectEqual(refused.key, "state_key", "the duplicate key named")
        const found = yield* within(tenant.id, find(project, "main"))
        yield* expectEqual(yield* expectSome(found, "the first state"), first, "the first state is kept")
      }),
    ),
    contractCase(
      "replace from the stored version writes the next one and answers true",
      Effect.gen(function* () {
        const { tenant, project } = yield* seedProject
        const stored = yield* aState(project, "main", { version: 5 })
        yield* within(tenant.id, insert(stored))
        const next = nextOf(stored, { step: 6, nested: { ok: [true] } }, 32)
        const replaced = yield* within(tenant.id, replace(next, 5))
        yield* expectEqual(replaced, true, "replace from the stored version")
        const found = yield* within(tenant.id, find(project, "main"))
        yield* expectEqual(yield* expectSome(found, "the saved state"), next, "the stored state")
      }),
    ),
    contractCase(
      "replace from a stale version answers false and changes nothing",
      Effect.gen(function* () {
        const { tenant, project } = yield* seedProject
        const stored = yield* aState(project, "main", { version: 5 })
        yield* within(tenant.id, insert(stored))
        const stale = new OrchestratorState({ ...stored, state_data: { stale: true }, version: 4 })
        yield* expectEqual(yield* within(tenant.id, replace(stale, 3)), false, "replace from version 3")
        const winner = nextOf(stored, { winner: true }, 33)
        yield* expectEqual(yield* within(tenant.id, replace(winner, 5)), true, "the first writer of 5")
        const loser = nextOf(stored, { loser: true }, 34)
        yield* expectEqual(yield* within(tenant.id, replace(loser, 5)), false, "the second writer of 5")
        const found = yield* within(tenant.id, find(project, "main"))
        yield* expectEqual(yield* expectSome(found, "the saved state"), winner, "the winner's state is kept")
      }),
    ),
    contractCase(
      "another tenant cannot find or replace a state",
      Effect.gen(function* () {
        const { tenant, project } = yield* seedProject
        const intruder = yield* freshTenant()
        const stored = yield* aState(project, "main")
        yield* within(tenant.id, insert(stored))
        yield* expectNone(yield* within(intruder.id, find(project, "main")), "a foreign tenant's read")
        yield* settle(within(intruder.id, replace(nextOf(stored, { hijacked: true }, 35), 1)))
        const found = yield* within(tenant.id, find(project, "main"))
        yield* expectEqual(yield* expectSome(found, "the state"), stored, "the state is unchanged")
      }),
    ),
  ],
}
