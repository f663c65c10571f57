import { describe, expect, it } from "@effect/vitest"
import { FastCheck, Schema } from "effect"
import {
  Timestamp,
  parseTimestamp,
  timestampFromDate,
  timestampFromNanos,
} from "../../../src/kernel/domain/timestamp.js"

const isTimestamp = Schema.is(Timestamp)
const arbDate = FastCheck.date({
  min: new Date("1970-01-01T00:00:00Z"),
  max: new Date("9999-12-31T23:59:59Z"),
  noInvalidDate: true,
})

describe("Timestamp", () => {
  it.prop("string order is time order", [arbDate, arbDate], ([a, b]) => {
    const [x, y] = [timestampFromDate(a), timestampFromDate(b)]
    expect(Math.sign(x.localeCompare(y))).toBe(Math.sign(a.getTime() - b.getTime()))
  })
  it.prop(
    "nanoseconds keep their microseconds",
    [FastCheck.bigInt({ min: 0n, max: 253_402_300_799_999_999_999n })],
    ([nanos]) => {
      const ts = timestampFromNanos(nanos)
      expect(isTimestamp(ts)).toBe(true)
      expect(ts.slice(20, 26)).toBe(((nanos / 1000n) % 1_000_000n).toString().padStart(6, "0"))
    },
  )
  it.prop("parsing a formatted timestamp gives it back", [arbDate], ([date]) => {
    const ts = timestampFromDate(date)
    expect(parseTimestamp(ts)).toBe(ts)
  })
  it("refuses impossible dates and accepts offsets", () => {
    expect(isTimestamp("2026-02-30T00:00:00.000000Z")).toBe(false)
    expect(isTimestamp("0000-00-00T00:00:00.000000Z")).toBe(false)
    expect(parseTimestamp("2026-03-27T12:00:00.5-01:30")).toBe("2026-03-27T13:30:00.500000Z")
    expect(parseTimestamp("yesterday")).toBeUndefined()
  })
})

it("parseTimestamp refuses a day that does not exist", () => {
  expect(parseTimestamp("2026-02-30T00:00:00Z")).toBeUndefined()
})
