import { describe, expect, it } from "@effect/vitest"
import { Either } from "effect"
import { EpicId, ProjectId, TenantId } from "../../../src/kernel/domain/ids.js"
import { Timestamp } from "../../../src/kernel/domain/timestamp.js"
import { Epic, EpicPatch } from "../../../src/work/domain/epic.js"
import { Project, ProjectPatch } from "../../../src/work/domain/project.js"
import { applyEpicChanges, epicChanges, epicListFilter } from "../../../src/work/rules/epic-changes.js"
import {
  applyProjectChanges,
  archiveProject,
  projectChanges,
  projectListFilter,
  reactivates,
} from "../../../src/work/rules/project-changes.js"
import { decoded } from "../../fixtures/decoded.js"
import { errorEnvelope } from "../../fixtures/wire-status.js"

/** A PATCH body as the contract decodes it, then read as changes. */
const parseProjectChanges = (body: unknown) => Either.map(decoded(ProjectPatch)(body), projectChanges)

/** An epic PATCH body as the contract decodes it, then read as changes. */
const parseEpicChanges = (body: unknown) => Either.map(decoded(EpicPatch)(body), epicChanges)

const before = Timestamp.make("2026-01-01T00:00:00.000000Z")
const later = Timestamp.make("2026-01-02T00:00:00.000001Z")

const project = new Project({
  id: ProjectId.make("00000000-0000-4000-8000-000000000001"),
  tenant_id: TenantId.make("00000000-0000-4000-8000-000000000002"),
  name: "Shop",
  slug: "shop",
  repo_url: "https://example.org/shop.git",
  description: "A shop",
  tech_stack: null,
  status: "active",
  mission: "Sell",
  metadata: { team: "a" },
  inserted_at: before,
  updated_at: before,
})

const epic = new Epic({
  id: EpicId.make("00000000-0000-4000-8000-000000000003"),
  tenant_id: project.tenant_id,
  project_id: project.id,
  number: 1,
  title: "Accounts",
  description: null,
  phase: "p1",
  position: 0,
  metadata: {},
  inserted_at: before,
  updated_at: before,
})

/** The 422 details of a refused body, or the parsed changes. */
const outcome = <A>(parsed: Either.Either<A, Parameters<typeof errorEnvelope>[0]>) =>
  Either.match(parsed, {
    onLeft: (e) => ({ refused: errorEnvelope(e).error }),
    onRight: (changes) => ({ changes }),
  })

describe("project PATCH", () => {
  it("takes the writable fields and ignores the slug, nulls and unknown keys", () => {
    expect(
      outcome(
        parseProjectChanges({
          name: "Shop 2",
          slug: "renamed",
          repo_url: null,
          description: "",
          tech_stack: "ts",
          mission: "  Sell more  ",
          metadata: { team: "b" },
          id: "x",
        }),
      ),
    ).toEqual({
      changes: {
        name: "Shop 2",
        description: null,
        tech_stack: "ts",
        mission: "Sell more",
        metadata: { team: "b" },
      },
    })
  })

  it("an empty mission clears it; a known status is taken", () => {
    expect(outcome(parseProjectChanges({ mission: "", status: "archived" }))).toEqual({
      changes: { mission: null, status: "archived" },
    })
  })

  it("reports every bad field at once", () => {
    expect(
      outcome(parseProjectChanges({ name: "", repo_url: 5, mission: "m".repeat(2001), metadata: [1] })),
    ).toEqual({
      refused: {
        status: 422,
        message: "Validation failed",
        details: {
          name: ["can't be blank"],
          repo_url: ["is invalid"],
          mission: ["should be at most 2000 character(s)"],
          metadata: ["must be a JSON object"],
        },
      },
    })
  })

  it("a body that is not an object is refused as a whole", () => {
    expect(outcome(parseProjectChanges([1, 2]))).toMatchObject({ refused: { status: 422 } })
    expect(outcome(parseProjectChanges(null))).toMatchObject({ refused: { status: 422 } })
  })

  it("records only the fields that really change, and keeps the stored project when none do", () => {
    const same = applyProjectChanges(project, { name: "Shop", metadata: { team: "a" } }, later)
    expect(same).toEqual({ project, changed: [], old_state: {}, new_state: {} })
    const update = applyProjectChanges(project, { name: "Shop", description: null, mission: "Sell" }, later)
    expect(update.changed).toEqual(["description"])
    expect(update.old_state).toEqual({ description: "A shop" })
    expect(update.new_state).toEqual({ description: null })
    expect(update.project).toEqual(new Project({ ...project, description: null, updated_at: later }))
  })

  it("archiving sets the status once; a second archive changes nothing", () => {
    const archived = archiveProject(project, later)
    expect(archived.project.status).toBe("archived")
    expect([archived.old_state, archived.new_state]).toEqual([{ status: "active" }, { status: "archived" }])
    expect(archiveProject(archived.project, later).changed).toEqual([])
  })

  it("bringing an archived project back is a reactivation", () => {
    const archived = new Project({ ...project, status: "archived" })
    expect(reactivates(archived, { status: "active" })).toBe(true)
    expect(reactivates(project, { status: "active" })).toBe(false)
    expect(reactivates(archived, { name: "x" })).toBe(false)
  })

  it("refuses an unknown status instead of dropping it (D26)", () => {
    expect(outcome(parseProjectChanges({ name: "Shop 2", status: "paused" }))).toEqual({
      refused: {
        status: 422,
        message: "Validation failed",
        details: { status: ["must be one of: active, archived"] },
      },
    })
  })
})

describe("project list query", () => {
  it("picks a status, includes archived ones on request; blank is no filter", () => {
    expect(projectListFilter({})).toEqual(Either.right({}))
    expect(projectListFilter({ status: "", include_archived: " " })).toEqual(Either.right({}))
    expect(projectListFilter({ status: "archived" })).toEqual(Either.right({ status: "archived" }))
    expect(projectListFilter({ status: "active", include_archived: "true" })).toEqual(
      Either.right({ status: "active" }),
    )
    expect(projectListFilter({ include_archived: "true" })).toEqual(Either.right({ status: "any" }))
    expect(projectListFilter({ include_archived: "1" })).toEqual(Either.right({ status: "any" }))
    expect(projectListFilter({ include_archived: "false" })).toEqual(Either.right({}))
  })
  it("refuses an unknown status or flag with a 400 naming it (D26)", () => {
    expect(outcome(projectListFilter({ include_archived: "yes", status: "deleted" }))).toEqual({
      refused: {
        status: 400,
        message:
          "status must be one of: active, archived, any; include_archived must be true or false (or 1 or 0)",
        details: {
          status: ["must be one of: active, archived, any"],
          include_archived: ["must be true or false (or 1 or 0)"],
        },
      },
    })
  })
})

describe("epic PATCH", () => {
  it("takes the writable fields and ignores the number and nulls", () => {
    expect(
      outcome(
        parseEpicChanges({
          number: 9,
          title: "Sign in",
          description: null,
          phase: "",
          position: 3,
          metadata: {},
        }),
      ),
    ).toEqual({ changes: { title: "Sign in", phase: null, position: 3, metadata: {} } })
  })

  it("reports every bad field at once", () => {
    expect(outcome(parseEpicChanges({ title: "  ", position: -1, description: "d".repeat(50_001) }))).toEqual(
      {
        refused: {
          status: 422,
          message: "Validation failed",
          details: {
            title: ["can't be blank"],
            description: ["should be at most 50000 character(s)"],
            position: ["must be greater than or equal to 0"],
          },
        },
      },
    )
    expect(outcome(parseEpicChanges({ title: "t".repeat(501), position: 1.5 }))).toMatchObject({
      refused: { details: { title: ["should be at most 500 character(s)"], position: expect.any(Array) } },
    })
  })

  it("records what changed and stamps the time", () => {
    const update = applyEpicChanges(epic, { title: "Accounts", position: 2 }, later)
    expect(update.changed).toEqual(["position"])
    expect(update.epic).toEqual(new Epic({ ...epic, position: 2, updated_at: later }))
    expect(applyEpicChanges(epic, { phase: "p1" }, later).epic).toBe(epic)
  })

  it("the list filters by a non-empty phase only", () => {
    expect(epicListFilter({ phase: "p1" })).toEqual({ phase: "p1" })
    expect(epicListFilter({ phase: "" })).toEqual({})
    expect(epicListFilter({})).toEqual({})
  })
})
