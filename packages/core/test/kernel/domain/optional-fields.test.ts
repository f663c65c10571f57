import { describe, expect, it } from "@effect/vitest"
import { Either, FastCheck, Schema } from "effect"
import { StoredInt } from "../../../src/kernel/domain/fields.js"
import { nullOr, optionalNullable, optionalOrNull } from "../../../src/kernel/domain/optional-fields.js"
import { decodeRequest } from "../../../src/kernel/domain/refusal.js"
import { RequiredText, TextField } from "../../../src/kernel/domain/text-fields.js"

/** The 422 details of `input` read by `schema`, or none when it reads. */
const detailsOf = <A, I>(schema: Schema.Schema<A, I>, input: unknown) =>
  Either.match(decodeRequest(schema)(input), {
    onLeft: (refused) => refused.details,
    onRight: () => undefined,
  })

/** Values a text field refuses, with what the field alone says of each. */
const wrongValue = FastCheck.oneof(
  FastCheck.integer(),
  FastCheck.boolean(),
  FastCheck.constant(""),
  FastCheck.constant("x".repeat(11)),
  FastCheck.constant("a\u0000"),
)

describe("null handling", () => {
  it.prop(
    "`| null` adds no message: a wrong value reads as the field alone says",
    [wrongValue],
    ([value]) => {
      const sameAsAlone = <A, I>(field: Schema.Schema<A, I>) => {
        const alone = detailsOf(Schema.Struct({ f: field }), { f: value })
        if (alone === undefined) return
        expect(detailsOf(Schema.Struct({ f: nullOr(field) }), { f: value })).toEqual(alone)
        expect(detailsOf(Schema.Struct({ f: optionalOrNull(field) }), { f: value })).toEqual(alone)
        expect(detailsOf(Schema.Struct({ f: optionalNullable(field) }), { f: value })).toEqual(alone)
      }
      sameAsAlone(RequiredText({ max: 10 }))
      sameAsAlone(TextField({ max: 10 }))
      sameAsAlone(StoredInt(0, "must be ≥ 0"))
    },
  )

  it("optionalOrNull keeps null; optionalNullable reads null as absent", () => {
    const kept = Schema.Struct({ f: optionalOrNull(TextField({ max: 3 })) })
    const dropped = Schema.Struct({ f: optionalNullable(TextField({ max: 3 })) })
    expect(decodeRequest(kept)({ f: null })).toEqual(Either.right({ f: null }))
    expect(decodeRequest(kept)({})).toEqual(Either.right({}))
    expect(decodeRequest(dropped)({ f: null })).toEqual(Either.right({}))
    expect(decodeRequest(dropped)({ f: undefined })).toEqual(Either.right({}))
    expect(decodeRequest(dropped)({ f: "abc" })).toEqual(Either.right({ f: "abc" }))
  })

  it("a required field that is null can't be blank", () => {
    expect(detailsOf(Schema.Struct({ f: RequiredText({ max: 3 }) }), { f: null })).toEqual({
      f: ["can't be blank"],
    })
    expect(detailsOf(Schema.Struct({ f: StoredInt(0, "must be ≥ 0") }), { f: null })).toEqual({
      f: ["can't be blank"],
    })
  })
})
