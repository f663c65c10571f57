import { describe, expect, it } from "@effect/vitest"
import { FastCheck } from "effect"
import {
  apiBuckets,
  decide,
  tooManyRequestsMessage,
  windowAt,
} from "../../../src/identity/rules/rate-limit.js"

describe("rate limit rules", () => {
  it.prop(
    "a window contains its instant, is aligned, and resets one length later",
    [FastCheck.integer({ min: 0, max: 4_000_000_000 }), FastCheck.constantFrom(60, 3600)],
    ([now, length]) => {
      const w = windowAt(now, length)
      expect(w.start % length).toBe(0)
      expect(w.start <= now && now < w.reset).toBe(true)
      expect(w.reset - w.start).toBe(length)
    },
  )

  it.prop(
    "allowed iff every counted bucket is within its limit; remaining never negative",
    [
      FastCheck.integer({ min: 1, max: 1000 }),
      FastCheck.nat(4000),
      FastCheck.nat(4000),
      FastCheck.integer({ min: 0, max: 59 }),
    ],
    ([limit, keyCount, tenantCount, second]) => {
      const buckets = apiBuckets("k", "t", limit)
      const window = windowAt(1_764_000_000 + second, 60)
      const counts = keyCount > limit ? [keyCount] : [keyCount, tenantCount]
      const decision = decide(buckets, counts, window, 1_764_000_000 + second)
      expect(decision.allowed).toBe(keyCount <= limit && tenantCount <= 3 * limit)
      expect(decision.remaining).toBeGreaterThanOrEqual(0)
      expect(decision.limit).toBe(limit)
      expect(decision.retry_after_seconds).toBeGreaterThanOrEqual(1)
      expect(decision.retry_after_seconds).toBeLessThanOrEqual(60)
      if (!decision.allowed) expect(decision.remaining).toBe(0)
    },
  )

  it("the tenant bucket allows three times the key limit", () => {
    expect(apiBuckets("k", "t", 300)).toEqual([
      { bucket: "key:k", limit: 300 },
      { bucket: "tenant:t", limit: 900 },
    ])
    expect(tooManyRequestsMessage(45)).toBe("Too many requests. Retry after 45 seconds.")
  })
})
