import { Deferred, Effect, Ref } from "effect"

/**
 * Helpers of the race suites: requests released together by a barrier, so that each reaches
 * the server while the others are in flight (each on its own HTTP connection and, on Postgres,
 * its own database connection).
 */

/**
 * Runs every request at once: each waits at a barrier that opens only when the last of them has
 * arrived, then they all go. Answers in the order of `requests`.
 */
export const allAtOnce = <A, E, R>(
  requests: ReadonlyArray<Effect.Effect<A, E, R>>,
): Effect.Effect<Array<A>, E, R> =>
  Effect.gen(function* () {
    const gate = yield* Deferred.make<void>()
    const arrived = yield* Ref.make(0)
    const arrive = Effect.flatMap(
      Ref.updateAndGet(arrived, (n) => n + 1),
      (n) => (n === requests.length ? Deferred.succeed(gate, undefined) : Effect.void),
    )
    return yield* Effect.forEach(
      requests,
      (request) => Effect.zipRight(Effect.zipRight(arrive, Deferred.await(gate)), request),
      { concurrency: "unbounded" },
    )
  })

/** How many times each race is run: interleavings differ from round to round. */
export const rounds = 8
