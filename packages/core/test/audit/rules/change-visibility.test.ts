import { describe, expect, it } from "@effect/vitest"
import { FastCheck } from "effect"
import { AuditEntry } from "../../../src/audit/domain/audit-entry.js"
import { changeScopeOf, visibleEntry, workEntityTypes } from "../../../src/audit/rules/change-visibility.js"
import { AuditEntryId, TenantId } from "../../../src/kernel/domain/ids.js"
import type { JsonObject } from "../../../src/kernel/domain/json.js"
import { Timestamp } from "../../../src/kernel/domain/timestamp.js"
import type { Role } from "../../../src/work/domain/status.js"

/**
 * What the change feed shows each role (D24): agent keys see the work only, and no entry hands
 * a checkpoint's `state_data` to a role that may not read checkpoints.
 */

const uuid = (n: number) => `00000000-0000-4000-8000-${n.toString(16).padStart(12, "0")}`

const entry = (entity_type: string, new_state: JsonObject | null, old_state: JsonObject | null = null) =>
  new AuditEntry({
    id: AuditEntryId.make(uuid(1)),
    tenant_id: TenantId.make(uuid(2)),
    project_id: null,
    entity_type,
    entity_id: uuid(3),
    action: "saved",
    actor_type: "api_key",
    actor_id: null,
    actor_label: "orchestrator:lead",
    old_state,
    new_state,
    metadata: {},
    inserted_at: Timestamp.make("2026-01-01T00:00:00.000000Z"),
  })

const checkpoint = (data: JsonObject) => ({ state_key: "main", version: 2, state_data: data })

const roles: ReadonlyArray<Role> = ["agent", "orchestrator", "user", "superadmin"]

/** Entity types the audit trail holds, work and otherwise. */
const arbEntityType = FastCheck.constantFrom(
  ...workEntityTypes,
  "orchestrator_state",
  "api_key",
  "tenant",
  "agent",
  "webhook",
  "token_usage_report",
)

describe("the change feed's scope (D24)", () => {
  it("an agent key sees only the work; every other role sees every entry", () => {
    expect(changeScopeOf("agent")).toEqual(workEntityTypes)
    for (const role of ["orchestrator", "user", "superadmin"] as const)
      expect(changeScopeOf(role)).toBe("all")
    for (const hidden of ["orchestrator_state", "api_key", "tenant", "agent", "webhook"])
      expect(workEntityTypes).not.toContain(hidden)
    expect([...workEntityTypes].sort()).toEqual(
      [
        "artifact_report",
        "epic",
        "epic_dependency",
        "project",
        "story",
        "story_dependency",
        "ui_test_run",
      ].sort(),
    )
  })
})

describe("state_data in entries", () => {
  it("is kept for the roles that read checkpoints and removed for the others", () => {
    const saved = entry("orchestrator_state", checkpoint({ plan: "secret" }), checkpoint({ plan: "older" }))
    for (const role of ["orchestrator", "superadmin"] as const)
      expect(visibleEntry(saved, role)).toEqual(saved)
    for (const role of ["user", "agent"] as const) {
      const shown = visibleEntry(saved, role)
      expect(shown.new_state).toEqual({ state_key: "main", version: 2 })
      expect(shown.old_state).toEqual({ state_key: "main", version: 2 })
      expect({ ...shown, new_state: null, old_state: null }).toEqual({
        ...saved,
        new_state: null,
        old_state: null,
      })
    }
  })

  it.prop(
    "no role outside the checkpoint readers receives a state_data field, whatever the entry",
    [
      FastCheck.constantFrom(...roles),
      arbEntityType,
      FastCheck.option(FastCheck.dictionary(FastCheck.string(), FastCheck.jsonValue()), { nil: null }),
      FastCheck.boolean(),
    ],
    ([role, entityType, state, withStateData]) => {
      const newState: JsonObject | null =
        state === null ? null : withStateData ? { ...state, state_data: { plan: "x" } } : state
      const shown = visibleEntry(entry(entityType, newState, newState), role)
      const carries = [shown.new_state, shown.old_state].some((s) => s !== null && "state_data" in s)
      if (role === "orchestrator" || role === "superadmin") expect(shown.new_state).toEqual(newState)
      else expect(carries).toBe(false)
    },
  )
})
