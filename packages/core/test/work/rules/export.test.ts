import { describe, expect, it } from "@effect/vitest"
import { Either, FastCheck, Schema } from "effect"
import { Timestamp } from "../../../src/kernel/domain/timestamp.js"
import { ExportDocument, exportProject } from "../../../src/work/rules/export.js"
import { type ImportPlan, validateImport } from "../../../src/work/rules/import.js"
import {
  type Breakdown,
  aProject,
  entitiesFromPlan,
  freshView,
  importDocument,
} from "../../fixtures/breakdown.js"

const meta = { exported_at: Timestamp.make("2026-03-01T12:00:00.123456Z"), loopctl_version: "0.1.0" }

const planOf = (body: unknown, options: Parameters<typeof validateImport>[1] = {}): ImportPlan => {
  const result = validateImport(body, options)
  if (Either.isLeft(result)) throw new Error(`expected a valid import, got: ${result.left.message}`)
  return result.right
}

const exportOf = (breakdown: Breakdown) =>
  exportProject(
    aProject(),
    breakdown.epics,
    breakdown.stories,
    breakdown.storyDependencies,
    breakdown.epicDependencies,
    meta,
  )

/** The export as a client receives it: encoded by its schema and sent as JSON. */
const onTheWire = (breakdown: Breakdown): unknown =>
  JSON.parse(JSON.stringify(Schema.encodeSync(ExportDocument)(exportOf(breakdown))))

const sample = {
  epics: [
    {
      number: 2,
      title: "Second",
      stories: [
        { number: "2.10", title: "ten" },
        { number: "2.2", title: "two", initial_agent_status: "reported_done" },
      ],
    },
    {
      number: 1,
      title: "First",
      phase: "p1",
      stories: [
        { number: "1.1", title: "one", estimated_hours: "2.5", initial_verified_status: "pass" },
        {
          number: "1.2",
          title: "also one",
          acceptance_criteria: [{ id: "AC-1", description: "works" }],
          metadata: { k: 1 },
        },
      ],
    },
  ],
  story_dependencies: [
    { story: "2.10", depends_on: "1.1" },
    { story: "1.2", depends_on: "1.1" },
    { story: "2.2", depends_on: "1.2" },
  ],
  epic_dependencies: [{ epic: 2, depends_on: 1 }],
}

describe("exportProject", () => {
  it("orders epics by number, stories by sort key and names dependencies by numbers", () => {
    const document = exportOf(entitiesFromPlan(planOf(sample)))
    expect(document.epics.map((epic) => epic.number)).toEqual([1, 2])
    expect(document.epics.map((epic) => epic.stories.map((story) => story.number))).toEqual([
      ["1.1", "1.2"],
      ["2.2", "2.10"],
    ])
    expect(document.story_dependencies).toEqual([
      { story: "1.2", depends_on: "1.1" },
      { story: "2.2", depends_on: "1.2" },
      { story: "2.10", depends_on: "1.1" },
    ])
    expect(document.epic_dependencies).toEqual([{ epic: 2, depends_on: 1 }])
  })

  it("carries the metadata, the project fields (not the mission) and hours as numbers", () => {
    const document = exportOf(entitiesFromPlan(planOf(sample)))
    const project = aProject()
    expect(document.export_metadata).toEqual({
      exported_at: meta.exported_at,
      loopctl_version: "0.1.0",
      project_id: project.id,
      tenant_id: project.tenant_id,
    })
    expect(document.project).toEqual({
      name: "Demo",
      slug: "demo",
      description: null,
      repo_url: "https://example.com/demo.git",
      tech_stack: "typescript",
      status: "active",
      metadata: { team: "core" },
    })
    expect(document.project).not.toHaveProperty("mission")
    const [first] = document.epics
    expect(first?.stories[0]?.estimated_hours).toBe(2.5)
    expect(first?.stories[1]?.estimated_hours).toBeNull()
    expect(first?.stories[1]?.acceptance_criteria).toEqual([{ id: "AC-1", criterion: "works" }])
  })

  it("maps statuses onto the initial_* fields an import reads back, keeping the statuses too", () => {
    const document = exportOf(entitiesFromPlan(planOf(sample)))
    const stories = document.epics.flatMap((epic) => epic.stories)
    const byNumber = new Map(stories.map((story) => [String(story.number), story]))
    expect(byNumber.get("1.1")).toMatchObject({
      agent_status: "reported_done",
      verified_status: "verified",
      initial_agent_status: "reported_done",
      initial_verified_status: "verified",
    })
    expect(byNumber.get("2.2")).toMatchObject({
      agent_status: "reported_done",
      verified_status: "unverified",
      initial_agent_status: "reported_done",
      initial_verified_status: null,
    })
    expect(byNumber.get("1.2")).toMatchObject({
      agent_status: "pending",
      verified_status: "unverified",
      initial_agent_status: null,
      initial_verified_status: null,
    })
    const reimported = planOf(onTheWire(entitiesFromPlan(planOf(sample))))
    const initial = new Map(reimported.stories.map((story) => [String(story.number), story.initial]))
    expect(initial.get("1.1")).toEqual({ agent_status: "reported_done", verified_status: "verified" })
    expect(initial.get("2.2")).toEqual({ agent_status: "reported_done", verified_status: "unverified" })
    expect(initial.get("1.2")).toBeNull()
  })

  it("gives empty arrays for an empty project", () => {
    const document = exportOf({ epics: [], stories: [], storyDependencies: [], epicDependencies: [] })
    expect(document.epics).toEqual([])
    expect(document.story_dependencies).toEqual([])
    expect(document.epic_dependencies).toEqual([])
  })

  it("is a valid ExportDocument", () => {
    const document = exportOf(entitiesFromPlan(planOf(sample)))
    expect(Schema.is(ExportDocument)(document)).toBe(true)
  })

  it.prop(
    "import → export → import is the identity on random documents",
    { document: importDocument },
    ({ document }) => {
      const plan = planOf(document)
      const again = planOf(onTheWire(entitiesFromPlan(plan)))
      expect(freshView(again)).toEqual(freshView(plan))
    },
    { fastCheck: { numRuns: 200 } },
  )

  it.prop(
    "export is deterministic: the same rows in any order give the same document",
    {
      input: importDocument.chain((document) => {
        const breakdown = entitiesFromPlan(planOf(document))
        const shuffled = <A>(items: ReadonlyArray<A>) =>
          FastCheck.shuffledSubarray([...items], { minLength: items.length, maxLength: items.length })
        return FastCheck.record({
          breakdown: FastCheck.constant(breakdown),
          shuffled: FastCheck.record({
            epics: shuffled(breakdown.epics),
            stories: shuffled(breakdown.stories),
            storyDependencies: shuffled(breakdown.storyDependencies),
            epicDependencies: shuffled(breakdown.epicDependencies),
          }),
        })
      }),
    },
    ({ input }) => {
      expect(exportOf(input.shuffled)).toEqual(exportOf(input.breakdown))
    },
    { fastCheck: { numRuns: 100 } },
  )

  it("exports a sort-key tie deterministically (2.0 and 1.1000 share a key)", () => {
    const body = {
      epics: [
        {
          number: 1,
          title: "E",
          stories: ["2.0", "1.1000", "2"].map((number) => ({ number, title: number })),
        },
      ],
    }
    const forward = entitiesFromPlan(planOf(body))
    const backward = { ...forward, stories: [...forward.stories].reverse() }
    const numbers = (breakdown: Breakdown) =>
      exportOf(breakdown).epics.flatMap((epic) => epic.stories.map((story) => story.number))
    expect(numbers(forward)).toEqual(["1.1000", "2", "2.0"])
    expect(numbers(backward)).toEqual(numbers(forward))
  })

  it("leaves out rows it cannot name by number", () => {
    const breakdown = entitiesFromPlan(planOf(sample))
    const [firstEpic, ...otherEpics] = breakdown.epics
    expect(firstEpic).toBeDefined()
    const document = exportOf({ ...breakdown, epics: otherEpics })
    const remaining = new Set(otherEpics.map((epic) => epic.number))
    expect(document.epics.every((epic) => remaining.has(epic.number))).toBe(true)
    expect(document.epic_dependencies).toEqual([])
    const exported = new Set(
      document.epics.flatMap((epic) => epic.stories.map((story) => String(story.number))),
    )
    for (const { story, depends_on } of document.story_dependencies) {
      expect(exported.has(story) && exported.has(depends_on)).toBe(true)
    }
  })
})
