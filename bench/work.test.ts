import { describe, expect, it } from "@effect/vitest"
import { Effect, LogLevel, Logger, Option } from "effect"
import type { ServerBackend } from "./server.js"
import { type WorkBenchmarkOptions, formatWorkResults, runWorkBenchmarkOn } from "./work.js"

/**
 * The work benchmark's code path on a tiny project: both imports land every story and edge,
 * the ready queue is the stories without prerequisites, every story loop ends verified, and the
 * report has its three lines. Timings are machine noise here, so nothing below looks at them.
 */

const databaseUrl = process.env.DATABASE_URL?.trim() || undefined
const options: WorkBenchmarkOptions = {
  storiesPerDocument: 700,
  readyReads: 10,
  loops: 6,
  concurrency: 3,
  databaseUrl: Option.fromNullable(databaseUrl),
}

const backends: ReadonlyArray<ServerBackend> = [
  { kind: "pglite" },
  ...(databaseUrl === undefined ? [] : [{ kind: "postgres" as const, serverUrl: databaseUrl }]),
]

describe("the work benchmark", () => {
  for (const backend of backends) {
    it.effect(
      `imports, reads the ready queue and runs story loops on ${backend.kind}`,
      () =>
        Effect.gen(function* () {
          const result = yield* runWorkBenchmarkOn(backend, options)
          expect(result.import.stories).toBe(1400)
          // Every story past the first 500 has two prerequisites.
          expect(result.import.dependencies).toBe(2 * (1400 - 500))
          expect(result.ready.size).toBe(500)
          expect(result.ready.loopctl.requests).toBe(10)
          expect(result.ready.loopctl.non2xx + result.ready.bare.non2xx).toBe(0)
          expect(result.loops.verified).toBe(6)
          expect(result.loops.loops).toBe(6)
          const report = formatWorkResults(options, [result])
          expect(report.filter((line) => line.includes("ratio"))).toHaveLength(3)
        }).pipe(Logger.withMinimumLogLevel(LogLevel.Warning)),
      300_000,
    )
  }
})
