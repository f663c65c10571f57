import { describe, expect, it } from "@effect/vitest"
import { Either, FastCheck, Option } from "effect"
import { AuditEntry } from "../../../src/audit/domain/audit-entry.js"
import { AuditEntryId, OrchestratorStateId, ProjectId, TenantId } from "../../../src/kernel/domain/ids.js"
import { decodeRequest } from "../../../src/kernel/domain/refusal.js"
import { Timestamp } from "../../../src/kernel/domain/timestamp.js"
import { OrchestratorState, SaveRequest } from "../../../src/workflow/domain/orchestrator-state.js"
import {
  auditStateOf,
  expectedVersionOf,
  historyEntryOf,
  planSave,
  stateKeyOf,
} from "../../../src/workflow/rules/orchestrator-state.js"

const at = Timestamp.make("2026-03-27T12:00:00.123456Z")

const stored = (version: number) =>
  new OrchestratorState({
    id: OrchestratorStateId.make("5a1e0000-0000-4000-8000-000000000001"),
    tenant_id: TenantId.make("7e1a0000-0000-4000-8000-000000000001"),
    project_id: ProjectId.make("9a0e0000-0000-4000-8000-000000000001"),
    state_key: "main",
    state_data: { step: version },
    version,
    inserted_at: at,
    updated_at: at,
  })

const parseSaveRequest = decodeRequest(SaveRequest)
const expectedOf = (body: unknown) =>
  expectedVersionOf(Either.getOrThrowWith(parseSaveRequest(body), (error) => new Error(error.message)))

describe("the save request", () => {
  it("reads version, its alias expected_version, and absent as 0", () => {
    const base = { state_key: "main", state_data: {} }
    expect(expectedOf({ ...base, version: 5 })).toBe(5)
    expect(expectedOf({ ...base, expected_version: 4 })).toBe(4)
    expect(expectedOf({ ...base, version: 3, expected_version: 9 })).toBe(3)
    expect(expectedOf(base)).toBe(0)
    expect(expectedOf({ ...base, version: null })).toBe(0)
  })

  it("refuses a version that is not a whole number from 0 up, naming the field (D26)", () => {
    const base = { state_key: "main", state_data: {} }
    for (const version of ["5", 5.5, -1, true, {}, [], 1e300]) {
      const result = parseSaveRequest({ ...base, version })
      expect(Either.isLeft(result) && Object.keys(result.left.details ?? {}), String(version)).toEqual([
        "version",
      ])
    }
    const alias = parseSaveRequest({ ...base, expected_version: "5" })
    expect(Either.isLeft(alias) && Object.keys(alias.left.details ?? {})).toEqual(["expected_version"])
  })

  it("reports every field problem at once", () => {
    const result = parseSaveRequest({ state_key: "", state_data: [1] })
    expect(Either.isLeft(result) && result.left.details).toEqual({
      state_key: ["can't be blank"],
      state_data: ["must be a JSON object"],
    })
    expect(Either.isLeft(parseSaveRequest("not an object"))).toBe(true)
  })

  it("counts a key's length in characters, not UTF-16 units", () => {
    expect(Either.isRight(parseSaveRequest({ state_key: "✓".repeat(255), state_data: {} }))).toBe(true)
    expect(Either.isRight(parseSaveRequest({ state_key: "😀".repeat(255), state_data: {} }))).toBe(true)
    expect(Either.isLeft(parseSaveRequest({ state_key: "😀".repeat(256), state_data: {} }))).toBe(true)
  })
})

describe("planSave", () => {
  it("a first save must expect 0", () => {
    FastCheck.assert(
      FastCheck.property(
        FastCheck.option(FastCheck.integer({ min: -3, max: 50 }), { nil: null }),
        (expected) => {
          const plan = planSave(Option.none(), expected)
          expect(Either.isRight(plan)).toBe(expected === 0)
          if (Either.isRight(plan)) expect(plan.right).toEqual({ _tag: "First", version: 1 })
        },
      ),
    )
  })

  it("a later save must expect exactly the stored version, and writes the next one", () => {
    FastCheck.assert(
      FastCheck.property(
        FastCheck.integer({ min: 1, max: 10_000 }),
        FastCheck.option(FastCheck.integer({ min: -3, max: 10_003 }), { nil: null }),
        (version, expected) => {
          const plan = planSave(Option.some(stored(version)), expected)
          expect(Either.isRight(plan)).toBe(expected === version)
          if (Either.isRight(plan)) expect(plan.right).toMatchObject({ _tag: "Next", version: version + 1 })
          else expect(plan.left.message).toBe("Conflict")
        },
      ),
    )
  })
})

describe("history", () => {
  const entry = (new_state: AuditEntry["new_state"]) =>
    new AuditEntry({
      id: AuditEntryId.make("a0d10000-0000-4000-8000-000000000001"),
      tenant_id: TenantId.make("7e1a0000-0000-4000-8000-000000000001"),
      project_id: null,
      entity_type: "orchestrator_state",
      entity_id: "5a1e0000-0000-4000-8000-000000000001",
      action: "saved",
      actor_type: "api_key",
      actor_id: null,
      actor_label: "orchestrator:lead",
      old_state: null,
      new_state,
      metadata: {},
      inserted_at: at,
    })

  it("reads a save's audit entry back as a line of history", () => {
    const state = stored(3)
    expect(historyEntryOf(entry(auditStateOf(state)))).toEqual(
      Option.some({ version: 3, state_data: { step: 3 }, saved_by: "orchestrator:lead", saved_at: at }),
    )
  })

  it("skips entries that hold no saved state", () => {
    expect(historyEntryOf(entry(null))).toEqual(Option.none())
    expect(historyEntryOf(entry({ version: "3", state_data: {} }))).toEqual(Option.none())
  })

  it("reads a blank or absent key as main", () => {
    expect([stateKeyOf(undefined), stateKeyOf(""), stateKeyOf("  "), stateKeyOf("exp")]).toEqual([
      "main",
      "main",
      "main",
      "exp",
    ])
  })
})
