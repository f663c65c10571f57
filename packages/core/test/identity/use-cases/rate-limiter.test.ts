import { describe, expect, it } from "@effect/vitest"
import { Effect, Either, Exit, Option, TestClock } from "effect"
import { apiLimit, authFailureLimit, signupLimit, windowAt } from "../../../src/identity/rules/rate-limit.js"
import { admit, countRequest, decideCounted } from "../../../src/identity/use-cases/rate-limiter.js"
import { aTenant } from "../../../src/testing/contracts/fixtures.js"
import { MemoryLoopctl } from "../../../src/testing/memory/index.js"

/** The one rate limiter: every limit is counted and refused the same way, with its own window and message. */

const refusedWith = <A, E extends { readonly message: string; readonly retry_after_seconds: number }, R>(
  effect: Effect.Effect<A, E, R>,
) =>
  Effect.map(Effect.either(effect), (result) =>
    Either.match(result, {
      onLeft: (refused) => ({ message: refused.message, retry_after_seconds: refused.retry_after_seconds }),
      onRight: () => "admitted",
    }),
  )

describe("the rate limiter", () => {
  it.effect(
    "refuses the request over an API key's minute limit, with the README's message and the reset",
    () =>
      Effect.gen(function* () {
        yield* TestClock.adjust("15 seconds")
        const limit = apiLimit("key-1", "tenant-1", 2)
        for (let i = 0; i < 2; i++) yield* admit(limit)
        expect(yield* refusedWith(admit(limit))).toEqual({
          message: "Too many requests. Retry after 45 seconds.",
          retry_after_seconds: 45,
        })
        yield* TestClock.adjust("45 seconds")
        expect(yield* refusedWith(admit(limit))).toBe("admitted")
      }).pipe(Effect.provide(MemoryLoopctl)),
  )

  it.effect("counts without refusing when asked for the decision only; the decision says what is left", () =>
    Effect.gen(function* () {
      const limit = authFailureLimit("203.0.113.1", 1)
      const first = yield* countRequest(limit)
      const second = yield* countRequest(limit)
      expect([first.allowed, first.remaining, second.allowed, second.remaining]).toEqual([true, 0, false, 0])
    }).pipe(Effect.provide(MemoryLoopctl)),
  )

  it.effect("signup's hourly limit and the failed-authentication limit are counted apart per address", () =>
    Effect.gen(function* () {
      for (let i = 0; i < 5; i++) yield* admit(signupLimit("198.51.100.7"))
      expect(yield* refusedWith(admit(signupLimit("198.51.100.7")))).toEqual({
        message: "Too many registration attempts. Please try again later.",
        retry_after_seconds: 3600,
      })
      expect(yield* refusedWith(admit(authFailureLimit("198.51.100.7", 30)))).toBe("admitted")
    }).pipe(Effect.provide(MemoryLoopctl)),
  )

  it.effect(
    "decides a request the store counted while authenticating; a count under another limit is a defect",
    () =>
      Effect.gen(function* () {
        const tenant = yield* aTenant({ settings: { rate_limit_requests_per_minute: 2 } })
        const window = windowAt(15, 60)
        const decided = (counted: Parameters<typeof decideCounted>[0]) =>
          Effect.exit(decideCounted(counted, "key-1", tenant, window, 15))
        const refused = yield* decided(Option.some({ perKeyLimit: 2, counts: [3] }))
        expect(Exit.isSuccess(refused) && refused.value).toEqual({
          allowed: false,
          limit: 2,
          remaining: 0,
          reset: 60,
          retry_after_seconds: 45,
        })
        expect(Exit.isFailure(yield* decided(Option.some({ perKeyLimit: 300, counts: [1, 1] })))).toBe(true)
        expect(Exit.isFailure(yield* decided(Option.none()))).toBe(true)
      }).pipe(Effect.provide(MemoryLoopctl)),
  )
})
