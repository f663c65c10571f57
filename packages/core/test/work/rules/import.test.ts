import { describe, expect, it } from "@effect/vitest"
import { Either, FastCheck, Option } from "effect"
import { Conflict, ValidationFailed } from "../../../src/kernel/domain/errors.js"
import {
  type ImportOptions,
  type ImportPlan,
  concurrentCreateConflict,
  findImportCycle,
  freshImportConflict,
  initialStatusOf,
  isMergeImport,
  normaliseCriterion,
  validateImport,
} from "../../../src/work/rules/import.js"

const planOf = (body: unknown, options: ImportOptions = {}): ImportPlan => {
  const result = validateImport(body, options)
  if (Either.isLeft(result)) throw new Error(`expected a valid import, got: ${result.left.message}`)
  return result.right
}

const rejectionOf = (body: unknown, options: ImportOptions = {}): ValidationFailed => {
  const result = validateImport(body, options)
  if (Either.isRight(result)) throw new Error("expected the import to be refused")
  if (!(result.left instanceof ValidationFailed)) throw new Error(`expected a 422, got ${result.left._tag}`)
  return result.left
}

/** Asserts the 422's message and its single field path. */
const expectRejection = (
  body: unknown,
  message: string,
  path: string,
  problem: string,
  options?: ImportOptions,
) => {
  const error = rejectionOf(body, options)
  expect(error.message).toBe(message)
  expect(error.details).toEqual({ [path]: [problem] })
}

const story = (number: unknown, extra: Record<string, unknown> = {}) => ({
  number,
  title: `Story ${number}`,
  ...extra,
})
const epic = (
  number: unknown,
  stories: ReadonlyArray<unknown> = [],
  extra: Record<string, unknown> = {},
) => ({
  number,
  title: `Epic ${number}`,
  stories,
  ...extra,
})

describe("validateImport — the messages of §5.2, in order", () => {
  it("epics must be an array", () => {
    expectRejection({ epics: "nope" }, "epics must be an array", "epics", "must be an array")
    expectRejection({ epics: null }, "epics must be an array", "epics", "must be an array")
    expectRejection([1, 2], "epics must be an array", "epics", "must be an array")
  })

  it("a missing epics key is an empty import", () => {
    expect(planOf({})).toEqual({
      merge: false,
      epics: [],
      stories: [],
      story_dependencies: [],
      epic_dependencies: [],
    })
  })

  it("dependency lists that are not arrays are a 422, not a crash", () => {
    expectRejection(
      { epics: [], story_dependencies: { story: "1.1" } },
      "story_dependencies must be an array",
      "story_dependencies",
      "must be an array",
    )
    expectRejection(
      { epics: [], epic_dependencies: "1->2" },
      "epic_dependencies must be an array",
      "epic_dependencies",
      "must be an array",
    )
  })

  it("payload exceeds maximum of 500 epics", () => {
    const epics = Array.from({ length: 501 }, (_, i) => epic(i + 1))
    expectRejection(
      { epics },
      "payload exceeds maximum of 500 epics",
      "epics",
      "exceeds maximum of 500 epics",
    )
    expect(planOf({ epics: epics.slice(0, 500) }).epics).toHaveLength(500)
  })

  it("payload exceeds maximum of 20000 total stories", () => {
    const stories = (major: number, count: number) =>
      Array.from({ length: count }, (_, i) => story(`${major}.${i}`))
    expectRejection(
      { epics: [epic(1, stories(1, 10_000)), epic(2, stories(2, 10_001))] },
      "payload exceeds maximum of 20000 total stories",
      "epics",
      "exceeds maximum of 20000 total stories",
    )
    expect(
      planOf({ epics: [epic(1, stories(1, 10_000)), epic(2, stories(2, 10_000))] }).stories,
    ).toHaveLength(20_000)
  })

  it("epics[i]: must be an object", () => {
    expectRejection(
      { epics: [epic(1), "two"] },
      "epics[1]: must be an object",
      "epics[1]",
      "must be an object",
    )
  })

  it("epics[i].number: is required", () => {
    expectRejection(
      { epics: [{ title: "No number" }] },
      "epics[0].number: is required",
      "epics[0].number",
      "is required",
    )
  })

  it("epics[i].title: can't be blank (null, missing or empty)", () => {
    for (const title of [null, undefined, ""]) {
      expectRejection(
        { epics: [epic(1), { number: 2, title }] },
        "epics[1].title: can't be blank",
        "epics[1].title",
        "can't be blank",
      )
    }
  })

  it("epics[i].stories: must be an array", () => {
    expectRejection(
      { epics: [epic(1, [], { stories: { number: "1.1" } })] },
      "epics[0].stories: must be an array",
      "epics[0].stories",
      "must be an array",
    )
  })

  it("epics[i].stories[j]: must be an object", () => {
    expectRejection(
      { epics: [epic(1, [story("1.1"), 7])] },
      "epics[0].stories[1]: must be an object",
      "epics[0].stories[1]",
      "must be an object",
    )
  })

  it("epics[i].stories[j].number: is required", () => {
    expectRejection(
      { epics: [epic(1, [{ title: "x" }])] },
      "epics[0].stories[0].number: is required",
      "epics[0].stories[0].number",
      "is required",
    )
  })

  it("epics[i].stories[j].title: can't be blank", () => {
    expectRejection(
      { epics: [epic(1, [story("1.1"), { number: "1.2", title: "" }])] },
      "epics[0].stories[1].title: can't be blank",
      "epics[0].stories[1].title",
      "can't be blank",
    )
  })

  it("acceptance criteria must be null, [] or a list of objects", () => {
    const problem =
      "must be an array of objects with 'id' and 'description' keys, " +
      'e.g. [{"id": "AC-1", "description": "Feature works"}]'
    for (const acceptance_criteria of ["works", [{ id: "AC-1" }, "works"], { id: "AC-1" }]) {
      expectRejection(
        { epics: [epic(1, [story("1.1", { acceptance_criteria })])] },
        `epics[0].stories[0].acceptance_criteria ${problem}`,
        "epics[0].stories[0].acceptance_criteria",
        problem,
      )
    }
    for (const acceptance_criteria of [null, []]) {
      expect(
        planOf({ epics: [epic(1, [story("1.1", { acceptance_criteria })])] }).stories[0]?.acceptance_criteria,
      ).toEqual([])
    }
  })

  it("epics[i].number: must be a positive integer (got …)", () => {
    expectRejection(
      { epics: [epic(1), epic("abc")] },
      'epics[1].number: must be a positive integer (got "abc")',
      "epics[1].number",
      'must be a positive integer (got "abc")',
    )
    expectRejection(
      { epics: [epic(0)] },
      "epics[0].number: must be a positive integer (got 0)",
      "epics[0].number",
      "must be a positive integer (got 0)",
    )
    expectRejection(
      { epics: [epic(1.5)] },
      "epics[0].number: must be a positive integer (got 1.5)",
      "epics[0].number",
      "must be a positive integer (got 1.5)",
    )
  })

  it('Duplicate epic number: n (after normalising, so 3 and "3" collide)', () => {
    expectRejection(
      { epics: [epic(3), epic(4), epic("3")] },
      "Duplicate epic number: 3",
      "epics[2].number",
      "is a duplicate of epics[0].number",
    )
  })

  it("Duplicate story number: n, across epics", () => {
    expectRejection(
      { epics: [epic(1, [story("1.1")]), epic(2, [story("2.1"), story("1.1")])] },
      "Duplicate story number: 1.1",
      "epics[1].stories[1].number",
      "is a duplicate of epics[0].stories[0].number",
    )
    expectRejection(
      { epics: [epic(1, [story(7), story("7")])] },
      "Duplicate story number: 7",
      "epics[0].stories[1].number",
      "is a duplicate of epics[0].stories[0].number",
    )
  })

  it("a story number format error is a 422 with the story-number messages", () => {
    expectRejection(
      { epics: [epic(1, [story("US-1.1")])] },
      "epics[0].stories[0].number: must be in format 'major.minor' or 'major'",
      "epics[0].stories[0].number",
      "must be in format 'major.minor' or 'major'",
    )
    expectRejection(
      { epics: [epic(1, [story("10000.1")])] },
      "epics[0].stories[0].number: each part must be a non-negative integer less than 10000",
      "epics[0].stories[0].number",
      "each part must be a non-negative integer less than 10000",
    )
    expectRejection(
      { epics: [epic(1, [story(1.1)])] },
      "epics[0].stories[0].number: must be in format 'major.minor' or 'major'",
      "epics[0].stories[0].number",
      "must be in format 'major.minor' or 'major'",
    )
  })

  it("negative hours and unknown initial statuses are refused, not dropped (D26)", () => {
    const error = rejectionOf({
      epics: [
        epic(1, [
          story("1.1", {
            estimated_hours: -5,
            initial_agent_status: "done",
            initial_verified_status: "verifed",
          }),
        ]),
      ],
    })
    expect(error.details).toEqual({
      "epics[0].stories[0].estimated_hours": ["must be a number of hours of at least 0"],
      "epics[0].stories[0].initial_agent_status": ["must be one of: pending, reported_done"],
      "epics[0].stories[0].initial_verified_status": ["must be one of: unverified, verified, pass"],
    })
    const named = validateImport({
      epics: [
        epic(1, [story("1.1", { initial_agent_status: "pending", initial_verified_status: "unverified" })]),
      ],
    })
    expect(Either.isRight(named)).toBe(true)
  })

  it("a merge flag that is neither true nor false is refused (D26)", () => {
    const query = validateImport({ epics: [] }, { merge: "yes" })
    expect(Either.isLeft(query) && query.left._tag).toBe("BadRequest")
    const body = validateImport({ epics: [], merge: 1 })
    expect(Either.isLeft(body) && body.left._tag === "ValidationFailed" && body.left.details).toEqual({
      merge: ["must be true or false"],
    })
    expect(Either.isRight(validateImport({ epics: [], merge: "false" }, { merge: "false" }))).toBe(true)
  })

  it("field errors of one entity come together, by field, joined with '; '", () => {
    const error = rejectionOf({
      epics: [epic(1, [story("1.1"), story("x.y", { title: "t".repeat(501), estimated_hours: "lots" })])],
    })
    expect(error.message).toBe(
      "epics[0].stories[1].estimated_hours: must be a number of hours of at least 0; " +
        "epics[0].stories[1].number: must be in format 'major.minor' or 'major'; " +
        "epics[0].stories[1].title: should be at most 500 character(s)",
    )
    expect(error.details).toEqual({
      "epics[0].stories[1].estimated_hours": ["must be a number of hours of at least 0"],
      "epics[0].stories[1].number": ["must be in format 'major.minor' or 'major'"],
      "epics[0].stories[1].title": ["should be at most 500 character(s)"],
    })
  })

  it("epic field rules: blank-looking title, position, metadata", () => {
    expectRejection(
      { epics: [epic(1, [], { title: "   " })] },
      "epics[0].title: can't be blank",
      "epics[0].title",
      "can't be blank",
    )
    expectRejection(
      { epics: [epic(1, [], { position: -1 })] },
      "epics[0].position: must be greater than or equal to 0",
      "epics[0].position",
      "must be greater than or equal to 0",
    )
    expectRejection(
      { epics: [epic(1, [], { metadata: [1] })] },
      "epics[0].metadata: must be a JSON object",
      "epics[0].metadata",
      "must be a JSON object",
    )
  })

  it("Unresolved dependency reference: story '<n>' not found in import", () => {
    expectRejection(
      { epics: [epic(1, [story("1.1")])], story_dependencies: [{ story: "1.1", depends_on: "9.9" }] },
      "Unresolved dependency reference: story '9.9' not found in import",
      "story_dependencies[0].depends_on",
      "story '9.9' not found in import",
    )
    expectRejection(
      {
        epics: [epic(1, [story("1.1")])],
        story_dependencies: [{ story_number: "2.1", depends_on_story: "1.1" }],
      },
      "Unresolved dependency reference: story '2.1' not found in import",
      "story_dependencies[0].story_number",
      "story '2.1' not found in import",
    )
  })

  it("Unresolved dependency reference: epic '<n>' not found in import", () => {
    expectRejection(
      { epics: [epic(1)], epic_dependencies: [{ epic: 1, depends_on: 2 }] },
      "Unresolved dependency reference: epic '2' not found in import",
      "epic_dependencies[0].depends_on",
      "epic '2' not found in import",
    )
  })

  it("a dependency item must be an object with both ends", () => {
    expectRejection(
      { epics: [epic(1, [story("1.1")])], story_dependencies: ["1.1"] },
      "story_dependencies[0]: must be an object",
      "story_dependencies[0]",
      "must be an object",
    )
    expectRejection(
      { epics: [epic(1, [story("1.1")])], story_dependencies: [{ story: "1.1" }] },
      "story_dependencies[0].depends_on: is required",
      "story_dependencies[0].depends_on",
      "is required",
    )
  })

  it("Cycle detected: names the cycle by story numbers", () => {
    expectRejection(
      {
        epics: [epic(1, [story("1.1"), story("1.2"), story("1.3")])],
        story_dependencies: [
          { story: "1.3", depends_on: "1.1" },
          { story: "1.1", depends_on: "1.2" },
          { story: "1.2", depends_on: "1.1" },
        ],
      },
      "Cycle detected: 1.1 -> 1.2 -> 1.1",
      "story_dependencies[1]",
      "closes the cycle 1.1 -> 1.2 -> 1.1",
    )
    expectRejection(
      { epics: [epic(1, [story("1.1")])], story_dependencies: [{ story: "1.1", depends_on: "1.1" }] },
      "Cycle detected: 1.1 -> 1.1",
      "story_dependencies[0]",
      "closes the cycle 1.1 -> 1.1",
    )
  })

  it("Cycle detected among epic dependencies, by epic numbers", () => {
    expectRejection(
      {
        epics: [epic(1), epic(2)],
        epic_dependencies: [
          { epic: 2, depends_on: 1 },
          { epic: 1, depends_on: 2 },
        ],
      },
      "Cycle detected: 2 -> 1 -> 2",
      "epic_dependencies[0]",
      "closes the cycle 2 -> 1 -> 2",
    )
  })

  it("a duplicate dependency pair in the payload is a 422", () => {
    expectRejection(
      {
        epics: [epic(1, [story("1.1"), story("1.2")])],
        story_dependencies: [
          { story: "1.2", depends_on: "1.1" },
          { story_number: "1.2", depends_on_story: "1.1" },
        ],
      },
      "Duplicate story dependency: 1.2 -> 1.1",
      "story_dependencies[1]",
      "is a duplicate of story_dependencies[0]",
    )
    expectRejection(
      {
        epics: [epic(1), epic(2)],
        epic_dependencies: [
          { epic: 2, depends_on: 1 },
          { epic: "2", depends_on_epic: "1" },
        ],
      },
      "Duplicate epic dependency: 2 -> 1",
      "epic_dependencies[1]",
      "is a duplicate of epic_dependencies[0]",
    )
  })

  it("stops at the first error, in the order of §5.2", () => {
    // A story problem of epic 0 comes before an epic problem of epic 1 (steps 3–4 interleave).
    expectRejection(
      { epics: [epic(1, [{ number: "1.1" }]), { title: "no number" }] },
      "epics[0].stories[0].title: can't be blank",
      "epics[0].stories[0].title",
      "can't be blank",
    )
    // Shapes (step 3) before epic numbers (step 5), numbers before duplicates (step 6).
    expectRejection(
      { epics: [epic("x"), epic(2, [], { title: null })] },
      "epics[1].title: can't be blank",
      "epics[1].title",
      "can't be blank",
    )
    expectRejection(
      { epics: [epic(2), epic(2), epic(-1)] },
      "epics[2].number: must be a positive integer (got -1)",
      "epics[2].number",
      "must be a positive integer (got -1)",
    )
    // Duplicates (step 6) before field rules (step 8), field rules before dependencies.
    expectRejection(
      { epics: [epic(1, [story("US-1"), story("1.1"), story("1.1")])] },
      "Duplicate story number: 1.1",
      "epics[0].stories[2].number",
      "is a duplicate of epics[0].stories[1].number",
    )
    expectRejection(
      { epics: [epic(1, [story("US-1")])], story_dependencies: [{ story: "9.9", depends_on: "1.1" }] },
      "epics[0].stories[0].number: must be in format 'major.minor' or 'major'",
      "epics[0].stories[0].number",
      "must be in format 'major.minor' or 'major'",
    )
    // Epic field rules run before any story's.
    expectRejection(
      { epics: [epic(1, [story("US-1")]), epic(2, [], { position: "first" })] },
      "epics[1].position: must be greater than or equal to 0",
      "epics[1].position",
      "must be greater than or equal to 0",
    )
    // Story dependencies before epic dependencies; a cycle before a duplicate pair.
    expectRejection(
      {
        epics: [epic(1, [story("1.1"), story("1.2")])],
        story_dependencies: [
          { story: "1.2", depends_on: "1.1" },
          { story: "1.2", depends_on: "1.1" },
          { story: "1.1", depends_on: "1.2" },
        ],
        epic_dependencies: [{ epic: 1, depends_on: 5 }],
      },
      "Cycle detected: 1.2 -> 1.1 -> 1.2",
      "story_dependencies[0]",
      "closes the cycle 1.2 -> 1.1 -> 1.2",
    )
  })
})

describe("validateImport — normalisation", () => {
  it("builds the plan: numbers, positions, defaults, hours", () => {
    const plan = planOf({
      epics: [
        epic(
          "72",
          [story(3, { estimated_hours: "1.5" }), story("72.1", { estimated_hours: 4, description: "d" })],
          {
            phase: "p",
          },
        ),
        epic(5, [], { position: 9, metadata: { a: 1 }, description: "about" }),
      ],
    })
    expect(plan.epics).toEqual([
      {
        number: 72,
        title: "Epic 72",
        description: null,
        phase: "p",
        position: 0,
        metadata: {},
        update: { title: "Epic 72", phase: "p" },
      },
      {
        number: 5,
        title: "Epic 5",
        description: "about",
        phase: null,
        position: 9,
        metadata: { a: 1 },
        update: { title: "Epic 5", description: "about", position: 9, metadata: { a: 1 } },
      },
    ])
    expect(plan.stories).toEqual([
      {
        epic_number: 72,
        number: "3",
        sort_key: 30000,
        title: "Story 3",
        description: null,
        acceptance_criteria: [],
        estimated_hours: 1.5,
        metadata: {},
        initial: null,
        update: { title: "Story 3", estimated_hours: 1.5 },
      },
      {
        epic_number: 72,
        number: "72.1",
        sort_key: 720010,
        title: "Story 72.1",
        description: "d",
        acceptance_criteria: [],
        estimated_hours: 4,
        metadata: {},
        initial: null,
        update: { title: "Story 72.1", description: "d", estimated_hours: 4 },
      },
    ])
  })

  it("accepts the dependency key aliases and converts numbers on both kinds", () => {
    const plan = planOf({
      epics: [epic(1, [story(1), story("1.2")]), epic(2, [story("2.1")])],
      story_dependencies: [
        { story: "1.2", depends_on: 1 },
        { story_number: "2.1", depends_on_story: "1.2" },
      ],
      epic_dependencies: [{ epic_number: "2", depends_on_epic: "1" }],
    })
    expect(plan.story_dependencies).toEqual([
      { story: "1.2", depends_on: "1" },
      { story: "2.1", depends_on: "1.2" },
    ])
    expect(plan.epic_dependencies).toEqual([{ epic: 2, depends_on: 1 }])
  })

  it("normalises acceptance criteria: description becomes criterion and wins, other keys stay", () => {
    const plan = planOf({
      epics: [
        epic(1, [
          story("1.1", {
            acceptance_criteria: [
              { id: "AC-1", description: "x" },
              { id: "AC-2", description: "new", criterion: "old", evidence: "e2e" },
              { criterion: "kept" },
            ],
          }),
        ]),
      ],
    })
    expect(plan.stories[0]?.acceptance_criteria).toEqual([
      { id: "AC-1", criterion: "x" },
      { id: "AC-2", criterion: "new", evidence: "e2e" },
      { criterion: "kept" },
    ])
    expect(normaliseCriterion({ criterion: "c" })).toEqual({ criterion: "c" })
    expect(normaliseCriterion({ description: null })).toEqual({ criterion: null })
  })
})

describe("initial statuses (D7)", () => {
  const rdv = { agent_status: "reported_done", verified_status: "verified" }
  const rdu = { agent_status: "reported_done", verified_status: "unverified" }

  it("'verified' and 'pass' are synonyms for reported done and verified", () => {
    expect(initialStatusOf({ initial_verified_status: "verified" })).toEqual(rdv)
    expect(initialStatusOf({ initial_verified_status: "pass" })).toEqual(rdv)
    expect(initialStatusOf({ initial_verified_status: "pass", initial_agent_status: "pending" })).toEqual(rdv)
  })

  it("initial_agent_status reported_done alone means reported done, unverified", () => {
    expect(initialStatusOf({ initial_agent_status: "reported_done" })).toEqual(rdu)
    expect(
      initialStatusOf({ initial_agent_status: "reported_done", initial_verified_status: "unverified" }),
    ).toEqual(rdu)
  })

  it("the defaults, null or nothing are no override (other values are refused as the story is read)", () => {
    expect(initialStatusOf({})).toBeNull()
    expect(
      initialStatusOf({ initial_agent_status: "pending", initial_verified_status: "unverified" }),
    ).toBeNull()
    expect(initialStatusOf({ initial_agent_status: null, initial_verified_status: null })).toBeNull()
  })

  it("reaches the plan in fresh mode, for any role, and never in merge mode", () => {
    const body = {
      epics: [
        epic(1, [
          story("1.1", { initial_verified_status: "pass" }),
          story("1.2", { initial_agent_status: "reported_done" }),
          story("1.3", { initial_agent_status: "pending" }),
        ]),
      ],
    }
    expect(planOf(body).stories.map((s) => s.initial)).toEqual([rdv, rdu, null])
    expect(planOf(body, { merge: "true" }).stories.map((s) => s.initial)).toEqual([null, null, null])
  })
})

describe("merge flag", () => {
  it('is on for ?merge=true, a body merge of "true" and a body merge of true', () => {
    expect(isMergeImport({}, "true")).toBe(true)
    expect(isMergeImport({ merge: "true" })).toBe(true)
    expect(isMergeImport({ merge: true })).toBe(true)
    expect(planOf({ merge: true }).merge).toBe(true)
    expect(planOf({}, { merge: "true" }).merge).toBe(true)
  })

  it("is off otherwise", () => {
    expect(isMergeImport({})).toBe(false)
    expect(isMergeImport({}, "1")).toBe(false)
    expect(isMergeImport({}, "TRUE")).toBe(false)
    expect(isMergeImport({ merge: false }, "false")).toBe(false)
    expect(isMergeImport({ merge: "yes" })).toBe(false)
    expect(isMergeImport(null, undefined)).toBe(false)
    expect(planOf({ merge: "false" }).merge).toBe(false)
  })
})

describe("the project's existing content", () => {
  const existing = {
    epicNumbers: [1],
    storyNumbers: ["1.1", "1.2"],
    storyDependencies: [{ story: "1.2", depends_on: "1.1" }],
    epicDependencies: [],
  }

  it("fresh mode: numbers that already exist give the 409 with both lists", () => {
    const result = validateImport(
      { epics: [epic(1, [story("1.1"), story("1.3")]), epic(2, [story("2.1")])] },
      { existing },
    )
    expect(Either.isLeft(result)).toBe(true)
    const error = Either.getLeft(result).pipe(Option.getOrUndefined)
    expect(error).toBeInstanceOf(Conflict)
    expect(error?.message).toBe("Import conflicts with existing data. Use merge=true to update.")
    expect(error?.details).toEqual({ duplicate_epic_numbers: [1], duplicate_story_numbers: ["1.1"] })
  })

  it("fresh mode: even adding stories to an existing epic conflicts", () => {
    const conflict = freshImportConflict(
      { epics: [{ number: 1 }], stories: [{ number: "1.9" }] },
      { epicNumbers: [1], storyNumbers: ["1.1"] },
    )
    expect(Option.map(conflict, (c) => c.details)).toEqual(
      Option.some({ duplicate_epic_numbers: [1], duplicate_story_numbers: [] }),
    )
    expect(freshImportConflict({ epics: [{ number: 2 }], stories: [{ number: "2.1" }] }, existing)).toEqual(
      Option.none(),
    )
  })

  it("a create that raced the import is named, never answered with 'use merge=true'", () => {
    const one = concurrentCreateConflict("epic", [2])
    expect(one).toBeInstanceOf(Conflict)
    expect(one.message).toBe(
      "Import conflicts with data created while it ran: epic number 2 was created by another request. Retry the import.",
    )
    expect(one.details).toEqual({ duplicate_epic_numbers: [2] })
    const many = concurrentCreateConflict("story", ["1.2", "1.3"])
    expect(many.message).toContain("one of the story numbers 1.2, 1.3 was created by another request")
    expect(many.details).toEqual({ duplicate_story_numbers: ["1.2", "1.3"] })
    expect(many.message).not.toContain("merge=true")
  })

  it("fresh mode: the conflict comes after duplicates and before field rules", () => {
    expectRejection(
      { epics: [epic(1), epic(1)] },
      "Duplicate epic number: 1",
      "epics[1].number",
      "is a duplicate of epics[0].number",
      { existing },
    )
    const result = validateImport({ epics: [epic(1, [story("US-1")])] }, { existing })
    expect(Either.getLeft(result).pipe(Option.map((e) => e._tag))).toEqual(Option.some("Conflict"))
  })

  it("fresh mode: dependencies may reference only payload items", () => {
    expectRejection(
      { epics: [epic(2, [story("2.1")])], story_dependencies: [{ story: "2.1", depends_on: "1.1" }] },
      "Unresolved dependency reference: story '1.1' not found in import",
      "story_dependencies[0].depends_on",
      "story '1.1' not found in import",
      { existing },
    )
  })

  it("merge mode: no conflict, and existing numbers are valid dependency targets", () => {
    const plan = planOf(
      {
        epics: [epic(1, [story("1.1"), story("1.3")]), epic(2, [story("2.1")])],
        story_dependencies: [{ story: "2.1", depends_on: "1.2" }],
        epic_dependencies: [{ epic: 2, depends_on: 1 }],
      },
      { merge: "true", existing },
    )
    expect(plan.merge).toBe(true)
    expect(plan.story_dependencies).toEqual([{ story: "2.1", depends_on: "1.2" }])
    // An existing pair given again is not a duplicate: the service skips it.
    expect(
      planOf(
        { merge: true, epics: [], story_dependencies: [{ story: "1.2", depends_on: "1.1" }] },
        { existing },
      ).story_dependencies,
    ).toEqual([{ story: "1.2", depends_on: "1.1" }])
  })

  it("merge mode: a cycle through existing edges is refused and named", () => {
    expectRejection(
      { epics: [], story_dependencies: [{ story: "1.1", depends_on: "1.2" }] },
      "Cycle detected: 1.2 -> 1.1 -> 1.2",
      "story_dependencies[0]",
      "closes the cycle 1.2 -> 1.1 -> 1.2",
      { merge: "true", existing },
    )
    expectRejection(
      { epics: [epic(2)], epic_dependencies: [{ epic: 1, depends_on: 2 }] },
      "Cycle detected: 2 -> 1 -> 2",
      "epic_dependencies[0]",
      "closes the cycle 2 -> 1 -> 2",
      { merge: "true", existing: { ...existing, epicDependencies: [{ epic: 2, depends_on: 1 }] } },
    )
  })
})

describe("findImportCycle", () => {
  it("finds none in a DAG and names the cycle it finds, starting and ending on one node", () => {
    expect(findImportCycle<string>([])).toEqual(Option.none())
    expect(
      findImportCycle([
        ["a", "b"],
        ["b", "c"],
        ["a", "c"],
      ]),
    ).toEqual(Option.none())
    expect(
      findImportCycle([
        ["x", "a"],
        ["a", "b"],
        ["b", "c"],
        ["c", "a"],
      ]),
    ).toEqual(Option.some(["a", "b", "c", "a"]))
  })

  /** Kahn's algorithm: the graph is acyclic iff every node can be removed. */
  const acyclic = (edges: ReadonlyArray<readonly [number, number]>): boolean => {
    const nodes = new Set(edges.flat())
    const indegree = new Map([...nodes].map((node) => [node, 0]))
    for (const [, to] of edges) indegree.set(to, (indegree.get(to) ?? 0) + 1)
    const ready = [...nodes].filter((node) => indegree.get(node) === 0)
    let removed = 0
    for (let node = ready.pop(); node !== undefined; node = ready.pop()) {
      removed++
      for (const [from, to] of edges) {
        if (from !== node) continue
        const left = (indegree.get(to) ?? 0) - 1
        indegree.set(to, left)
        if (left === 0) ready.push(to)
      }
    }
    return removed === nodes.size
  }

  it.prop(
    "agrees with a topological sort, and every reported step is an edge",
    { edges: FastCheck.array(FastCheck.tuple(FastCheck.nat(8), FastCheck.nat(8)), { maxLength: 14 }) },
    ({ edges }) => {
      const cycle = findImportCycle(edges)
      expect(Option.isNone(cycle)).toBe(acyclic(edges))
      if (Option.isSome(cycle)) {
        const steps = cycle.value
        expect(steps[0]).toBe(steps[steps.length - 1])
        expect(new Set(steps.slice(1)).size).toBe(steps.length - 1)
        for (let i = 0; i + 1 < steps.length; i++) {
          expect(edges.some(([from, to]) => from === steps[i] && to === steps[i + 1])).toBe(true)
        }
      }
    },
  )

  it("survives a long chain without exhausting the stack", () => {
    const chain = Array.from({ length: 20_000 }, (_, i) => [i + 1, i] as const)
    expect(findImportCycle(chain)).toEqual(Option.none())
    expect(Option.map(findImportCycle([...chain, [0, 20_000] as const]), (c) => c.length)).toEqual(
      Option.some(20_002),
    )
  })
})
