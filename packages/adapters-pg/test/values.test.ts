import { describe, expect, it } from "@effect/vitest"
import { Timestamp } from "@loopctl/core"
import { Schema } from "effect"
import { int8FromPg, timestampFromPg } from "../src/index.js"

describe("reading column values", () => {
  it("turns Postgres timestamptz text into the core's Timestamp format", () => {
    const cases: ReadonlyArray<readonly [string, string]> = [
      ["2026-03-27 12:00:00.123456+00", "2026-03-27T12:00:00.123456Z"],
      ["2026-03-27 12:00:00+00", "2026-03-27T12:00:00.000000Z"],
      ["2026-03-27 12:00:00.1+00", "2026-03-27T12:00:00.100000Z"],
      ["2026-03-27 14:00:00.5+02", "2026-03-27T12:00:00.500000Z"],
      ["2026-03-27 01:30:00.000001-05:30", "2026-03-27T07:00:00.000001Z"],
      ["2026-01-01 00:59:59.999999+01", "2025-12-31T23:59:59.999999Z"],
      ["1888-01-01 00:00:00+00:53:28", "1887-12-31T23:06:32.000000Z"],
      ["0099-06-01 00:00:00+00", "0099-06-01T00:00:00.000000Z"],
    ]
    for (const [pg, iso] of cases) {
      expect(timestampFromPg(pg)).toBe(iso)
      expect(Schema.is(Timestamp)(timestampFromPg(pg))).toBe(true)
    }
  })

  it("leaves values it cannot express as ISO UTC untouched", () => {
    for (const value of ["infinity", "-infinity", "0044-03-15 12:00:00+00 BC", "12345-01-01 00:00:00+00"]) {
      expect(timestampFromPg(value)).toBe(value)
    }
  })

  it("reads int8 as a number", () => {
    expect(int8FromPg("9007199254740991")).toBe(9007199254740991)
    expect(int8FromPg("-42")).toBe(-42)
  })
})
