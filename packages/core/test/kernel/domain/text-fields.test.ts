import { describe, expect, it } from "@effect/vitest"
import { Either, FastCheck, Schema } from "effect"
import { blankMessage } from "../../../src/kernel/domain/fields.js"
import { decodeRequest } from "../../../src/kernel/domain/refusal.js"
import { unstorableMessage } from "../../../src/kernel/domain/storable.js"
import {
  NonBlankText,
  RequiredText,
  Text,
  TextField,
  characterCount,
} from "../../../src/kernel/domain/text-fields.js"

/** What a body `{title}` read by `field` answers: the decoded title, or its 422 details. */
const read = (field: Schema.Schema<string>, value: unknown) =>
  Either.match(decodeRequest(Schema.Struct({ title: field }))({ title: value }), {
    onLeft: (refused) => ({ refused: refused.details }),
    onRight: (body) => ({ title: body.title }),
  })

/** Characters outside the Basic Multilingual Plane: two UTF-16 units each, one character. */
const astral = FastCheck.constantFrom("😀", "𝄞", "𠀋", "🇫")
const whitespace = FastCheck.stringOf(FastCheck.constantFrom(" ", "\t", "\n", "\r", "\u00a0", "\u2003"))

describe("characterCount", () => {
  it.prop("counts code points, as Postgres's length() does", [FastCheck.fullUnicodeString()], ([text]) => {
    expect(characterCount(text)).toBe(Array.from(text).length)
  })

  it.prop("counts a lone surrogate as one character", [FastCheck.string({ unit: "binary" })], ([text]) => {
    expect(characterCount(text)).toBe(Array.from(text).length)
  })
})

describe("RequiredText", () => {
  it.prop(
    "takes exactly `max` characters, astral ones counted once (twice `max` UTF-16 units)",
    [FastCheck.integer({ min: 1, max: 300 }), astral],
    ([max, character]) => {
      const field = RequiredText({ max })
      expect(read(field, character.repeat(max))).toEqual({ title: character.repeat(max) })
      expect(read(field, character.repeat(max + 1))).toEqual({
        refused: { title: [`should be at most ${max} character(s)`] },
      })
    },
  )

  it.prop("missing, null or blank text can't be blank", [whitespace], ([blank]) => {
    const field = RequiredText({ max: 10 })
    expect(read(field, blank)).toEqual({ refused: { title: [blankMessage] } })
    expect(read(field, null)).toEqual({ refused: { title: [blankMessage] } })
    expect(decodeRequest(Schema.Struct({ title: field }))({})).toEqual(
      Either.left(expect.objectContaining({ details: { title: [blankMessage] } })),
    )
  })

  it.prop(
    "a value that is not text reads as the field says",
    [FastCheck.oneof(FastCheck.integer(), FastCheck.boolean(), FastCheck.array(FastCheck.string()))],
    ([value]) => {
      expect(read(RequiredText({ max: 10 }), value)).toEqual({ refused: { title: ["is invalid"] } })
      expect(read(RequiredText({ max: 10, notText: blankMessage }), value)).toEqual({
        refused: { title: [blankMessage] },
      })
      expect(read(NonBlankText, value)).toEqual({ refused: { title: [blankMessage] } })
    },
  )

  it.prop(
    "trimmed, text is stored trimmed and only its trimmed length counts",
    [
      FastCheck.string({ minLength: 1, maxLength: 5 }).filter((text) => text.trim() === text),
      whitespace.filter((blank) => blank !== ""),
    ],
    ([text, padding]) => {
      const max = characterCount(text)
      expect(read(RequiredText({ max, trim: true }), `${padding}${text}${padding}`)).toEqual({ title: text })
      expect(read(RequiredText({ max }), `${padding}${text}`)).toEqual({
        refused: { title: [`should be at most ${max} character(s)`] },
      })
    },
  )

  it("text the database cannot keep is refused", () => {
    for (const field of [RequiredText({ max: 10 }), TextField({ max: 10 }), NonBlankText, Text])
      for (const text of ["a\u0000", "b\ud800", "\udc00c"])
        expect(read(field, text)).toEqual({ refused: { title: [unstorableMessage] } })
  })
})

describe("TextField", () => {
  it.prop("takes blank text and counts characters", [whitespace, astral], ([blank, character]) => {
    expect(read(TextField({ max: 3 }), blank.slice(0, 3))).toEqual({ title: blank.slice(0, 3) })
    expect(read(TextField({ max: 3 }), character.repeat(3))).toEqual({ title: character.repeat(3) })
    expect(read(TextField({ max: 3 }), character.repeat(4))).toEqual({
      refused: { title: ["should be at most 3 character(s)"] },
    })
  })

  it("a value that is not text reads as the field says", () => {
    expect(read(TextField({ max: 3 }), 42)).toEqual({ refused: { title: ["is invalid"] } })
    expect(read(TextField({ max: 3 }), null)).toEqual({ refused: { title: ["is invalid"] } })
    expect(read(Text, 42)).toEqual({ refused: { title: ["must be a string"] } })
  })
})
