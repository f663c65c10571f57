import { describe, expect, it } from "@effect/vitest"
import { FastCheck, Option } from "effect"
import { firstUnstorable, isUnstorable } from "../../../src/kernel/rules/storable-text.js"

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

  it("names the first unstorable string or key inside a JSON value by its path", () => {
    expect(firstUnstorable({ a: [1, { b: "ok" }, { c: "no\u0000" }], d: "\ud800" }, "data")).toEqual(
      Option.some("data.a[2].c"),
    )
    expect(firstUnstorable({ ok: { "\u0000": 1 } }, "data")).toEqual(Option.some("data.ok"))
    expect(firstUnstorable({ ok: [true, null, 1.5, "fine"] }, "data")).toEqual(Option.none())
    expect(firstUnstorable(undefined, "data")).toEqual(Option.none())
  })

  it("walks any depth without recursion", () => {
    let deep: unknown = "bad\u0000"
    for (let i = 0; i < 20_000; i++) deep = [deep]
    expect(Option.isSome(firstUnstorable(deep, "x"))).toBe(true)
  })
})
