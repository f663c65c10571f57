import { describe, expect, it } from "@effect/vitest"
import { Effect, LogLevel, Logger, Option } from "effect"
import { type HttpBackend, type HttpBenchmarkOptions, formatHttpResults, runHttpBenchmarkOn } from "./http.js"

/**
 * The HTTP benchmark's code path with a tiny load: every timed request is answered 2xx by both
 * servers (the run fails otherwise), every claim really claimed a story of its own, and the
 * report has a line per step. Timings are machine noise here, so nothing below looks at them.
 */

const databaseUrl = process.env.DATABASE_URL?.trim() || undefined
const options: HttpBenchmarkOptions = {
  clients: [1, 4],
  reads: 20,
  claims: 10,
  bareSeconds: 1,
  databaseUrl: Option.fromNullable(databaseUrl),
}

const backends: ReadonlyArray<HttpBackend> = [
  { kind: "pglite" },
  ...(databaseUrl === undefined ? [] : [{ kind: "postgres" as const, serverUrl: databaseUrl }]),
]

describe("the HTTP benchmark", () => {
  for (const backend of backends) {
    it.effect(
      `runs every step on ${backend.kind} with only 2xx answers and a real claim per timed claim`,
      () =>
        Effect.gen(function* () {
          const result = yield* runHttpBenchmarkOn(backend, options)
          expect(result.steps.map((step) => [step.operation, step.clients])).toEqual([
            ["GET /stories/:id", 1],
            ["GET /stories/:id", 4],
            ["POST /stories/:id/claim", 1],
            ["POST /stories/:id/claim", 4],
          ])
          for (const step of result.steps) {
            expect(step.loopctl.requests).toBe(step.operation.startsWith("GET") ? 20 : 10)
            expect(step.loopctl.non2xx + step.loopctl.errors).toBe(0)
            expect(step.bare.non2xx + step.bare.errors).toBe(0)
          }
          // Warm-up (20 reads → 20 claims) plus 10 timed claims per step.
          expect(result.claimed).toBe(20 + 2 * 10)
          const report = formatHttpResults(options, [result])
          expect(report.filter((line) => line.includes("ratio"))).toHaveLength(4)
        }).pipe(Logger.withMinimumLogLevel(LogLevel.Warning)),
      120_000,
    )
  }
})
