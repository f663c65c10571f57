import { describe, expect, it } from "@effect/vitest"
import { Either, FastCheck } from "effect"
import { decodeRequest } from "../../../src/kernel/domain/refusal.js"
import {
  ProjectStoryCreation,
  STORY_TITLE_MAX,
  StoryCreation,
  StoryPatch,
  epicNumberRequiredMessage,
  hoursProblem,
} from "../../../src/work/domain/story-commands.js"
import { sortKeyOf } from "../../../src/work/domain/story-number.js"

/**
 * The story command Schemas hold the limits create, PATCH and import share: the title's length,
 * the estimate, the number's format. Each is checked at its boundary over generated values.
 */

const create = decodeRequest(StoryCreation)
const patch = decodeRequest(StoryPatch)
const detailsOf = (outcome: Either.Either<unknown, { readonly details?: unknown }>) =>
  Either.match(outcome, { onLeft: (refused) => refused.details, onRight: () => undefined })

describe("story title", () => {
  it.prop(
    "a title of 1..500 characters is kept as sent, on create and PATCH",
    [FastCheck.string({ minLength: 1, maxLength: STORY_TITLE_MAX }).filter((t) => t.trim() !== "")],
    ([title]) => {
      expect(create({ number: "1.1", title })).toMatchObject({ right: { title } })
      expect(patch({ title })).toMatchObject({ right: { title } })
    },
  )
  it.prop(
    "a title longer than 500 characters is refused at the title, on create and PATCH",
    [FastCheck.integer({ min: STORY_TITLE_MAX + 1, max: STORY_TITLE_MAX + 600 })],
    ([length]) => {
      const title = "t".repeat(length)
      const problem = { title: [`should be at most ${STORY_TITLE_MAX} character(s)`] }
      expect(detailsOf(create({ number: "1.1", title }))).toEqual(problem)
      expect(detailsOf(patch({ title }))).toEqual(problem)
    },
  )
  it("the boundary counts characters (code points): 500 pass, 501 do not", () => {
    expect(Either.isRight(create({ number: "1", title: "x".repeat(500) }))).toBe(true)
    expect(Either.isLeft(create({ number: "1", title: "x".repeat(501) }))).toBe(true)
    // An astral character is one character, as the column's CHECK (length(title) <= 500) counts it.
    expect(Either.isRight(create({ number: "1", title: "😀".repeat(500) }))).toBe(true)
    expect(Either.isLeft(create({ number: "1", title: "😀".repeat(501) }))).toBe(true)
  })
  it("a blank or missing title can't be blank; null on PATCH is no change", () => {
    expect(detailsOf(create({ number: "1" }))).toEqual({ title: ["can't be blank"] })
    expect(detailsOf(create({ number: "1", title: "  " }))).toEqual({ title: ["can't be blank"] })
    expect(detailsOf(patch({ title: " " }))).toEqual({ title: ["can't be blank"] })
    expect(patch({ title: null })).toMatchObject({ right: { title: null } })
  })
})

describe("estimated hours", () => {
  it.prop(
    "any finite number of at least 0, or text holding one, is an estimate",
    [FastCheck.double({ min: 0, max: 1e9, noNaN: true }), FastCheck.boolean()],
    ([hours, asText]) => {
      const sent = asText ? String(hours) : hours
      expect(create({ number: "1", title: "t", estimated_hours: sent })).toMatchObject({
        right: { estimated_hours: Number(String(hours)) },
      })
      expect(patch({ estimated_hours: sent })).toMatchObject({
        right: { estimated_hours: Number(String(hours)) },
      })
    },
  )
  it.prop(
    "a negative number is refused on create and PATCH alike, never dropped",
    [FastCheck.double({ max: -Number.MIN_VALUE, noNaN: true, noDefaultInfinity: true })],
    ([hours]) => {
      const problem = { estimated_hours: [hoursProblem] }
      expect(detailsOf(create({ number: "1", title: "t", estimated_hours: hours }))).toEqual(problem)
      expect(detailsOf(patch({ estimated_hours: hours }))).toEqual(problem)
    },
  )
  it("what is not a number of hours is refused; null is no estimate", () => {
    for (const hours of ["lots", "", "0x10", true, {}, [], Number.POSITIVE_INFINITY]) {
      expect(detailsOf(patch({ estimated_hours: hours }))).toEqual({ estimated_hours: [hoursProblem] })
    }
    expect(create({ number: "1", title: "t", estimated_hours: null })).toMatchObject({
      right: { estimated_hours: null },
    })
    expect(create({ number: "1", title: "t", estimated_hours: 0 })).toMatchObject({
      right: { estimated_hours: 0 },
    })
  })
})

describe("story number", () => {
  // Minors up to 999: the sort key gives a minor ten slots, so 0.1000 and 1 share one.
  const arbNumber = FastCheck.tuple(
    FastCheck.nat(9999),
    FastCheck.option(FastCheck.nat(999), { nil: undefined }),
  )
  it.prop(
    "valid numbers decode and their sort keys follow (major, minor) order",
    [arbNumber, arbNumber],
    ([a, b]) => {
      const parse = ([major, minor]: readonly [number, number | undefined]) =>
        Either.getOrThrow(
          create({ number: minor === undefined ? `${major}` : `${major}.${minor}`, title: "t" }),
        ).number
      const order = a[0] - b[0] || (a[1] ?? 0) - (b[1] ?? 0)
      expect(Math.sign(sortKeyOf(parse(a)) - sortKeyOf(parse(b)))).toBe(Math.sign(order))
    },
  )
  it.prop(
    "text that is not M or M.m is refused at the number",
    [FastCheck.string().filter((s) => !/^\d+(\.\d+)?$/.test(s))],
    ([number]) => {
      expect(Object.keys(detailsOf(create({ number, title: "t" })) ?? {})).toEqual(["number"])
    },
  )
  it("US-1.1 and 1.10000 are refused with the spec's messages; an integer reads as its text", () => {
    expect(detailsOf(create({ number: "US-1.1", title: "t" }))).toEqual({
      number: ["must be in format 'major.minor' or 'major'"],
    })
    expect(detailsOf(create({ number: "1.10000", title: "t" }))).toEqual({
      number: ["each part must be a non-negative integer less than 10000"],
    })
    expect(create({ number: 7, title: "t" })).toMatchObject({ right: { number: "7" } })
  })
})

describe("project story placement", () => {
  const place = decodeRequest(ProjectStoryCreation)
  it("epic_number is a positive integer, as a number or as text", () => {
    expect(place({ epic_number: "3", number: "3.1", title: "t" })).toMatchObject({
      right: { epic_number: 3 },
    })
    expect(place({ epic_number: 3, number: "3.1", title: "t" })).toMatchObject({ right: { epic_number: 3 } })
  })
  it("a missing one says it is required, beside the story's own problems", () => {
    expect(place({ number: "x" })).toMatchObject({
      left: {
        message: epicNumberRequiredMessage,
        details: {
          epic_number: ["can't be blank"],
          number: ["must be in format 'major.minor' or 'major'"],
          title: ["can't be blank"],
        },
      },
    })
  })
  it("one that is no positive integer names the number as sent", () => {
    expect(place({ epic_number: "abc", number: "1.1", title: "t" })).toMatchObject({
      left: {
        message:
          "Epic number abc not found in this project. Create the epic first, or pass the number of an existing one.",
        details: { epic_number: ["does not name an epic of this project"] },
      },
    })
  })
})
