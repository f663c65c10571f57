import { HttpServerResponse } from "@effect/platform"
import { describe, expect, it } from "@effect/vitest"
import { Unavailable } from "@loopctl/core"
import { Cause, Effect } from "effect"
import { answerFailure } from "../../src/edge/failures.js"

/**
 * A unit of work that the database kept aborting for conflicts with concurrent transactions
 * gives up by dying with the core's `Unavailable` (its port has no error channel for it). The
 * server answers that as a 503 in the error envelope, not as a 500.
 */

describe("a unit of work that gave up", () => {
  it.effect("is answered 503 Unavailable in the envelope", () =>
    Effect.gen(function* () {
      const message = "The request kept conflicting with concurrent requests and was not applied. Retry it."
      const response = HttpServerResponse.toWeb(yield* answerFailure(Cause.die(new Unavailable({ message }))))
      expect(response.status).toBe(503)
      expect(yield* Effect.promise(() => response.json())).toEqual({ error: { status: 503, message } })
    }),
  )
})
