import { describe, expect, it } from "@effect/vitest"
import { FastCheck } from "effect"
import { isStorableJson, isUnstorable } from "../../../src/kernel/domain/storable.js"

describe("storable text", () => {
  it("refuses NUL and unpaired surrogates, keeps every other text", () => {
    expect(["a\u0000b", "\ud800", "x\ud800y", "\udc00", "\udc00\ud800"].map(isUnstorable)).toEqual([
      true,
      true,
      true,
      true,
      true,
    ])
    expect(["", "plain", "Grüße 世界", "😀", "a\u0001b", "\ud83d\ude00"].map(isUnstorable)).toEqual([
      false,
      false,
      false,
      false,
      false,
      false,
    ])
  })

  it("any text without NUL that survives a UTF-8 round trip is storable", () => {
    FastCheck.assert(
      FastCheck.property(FastCheck.fullUnicodeString(), (text) => {
        expect(isUnstorable(text)).toBe(text.includes("\u0000"))
      }),
    )
  })

  it("JSON is storable exactly when none of its strings and keys is unstorable", () => {
    expect(isStorableJson({ a: [1, "ok", { b: null }] })).toBe(true)
    expect(isStorableJson({ a: [1, "no\u0000"] })).toBe(false)
    expect(isStorableJson({ "\ud800": 1 })).toBe(false)
    const bad = FastCheck.constantFrom("nul\u0000", "\ud800", "a\udc00b")
    FastCheck.assert(
      FastCheck.property(FastCheck.jsonValue(), bad, (value, text) => {
        expect(isStorableJson(value)).toBe(true)
        expect(isStorableJson({ deep: [value, { text }] })).toBe(false)
        expect(isStorableJson({ [text]: value })).toBe(false)
      }),
    )
  })
})
