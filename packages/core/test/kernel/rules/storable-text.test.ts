import { describe, expect, it } from "@effect/vitest"
import { Option } from "effect"
import { firstUnstorable } from "../../../src/kernel/rules/storable-text.js"

describe("unstorable text in a JSON value", () => {
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
