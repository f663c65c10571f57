import { describe, expect, it } from "@effect/vitest"
import { Effect, LogLevel, Logger, Option } from "effect"
import { type QueueBenchmarkOptions, formatQueueResults, runQueueBenchmarkOn } from "./queues.js"
import type { ServerBackend } from "./server.js"

/**
 * The queue benchmark's code path on a small project: the seeded graph is read back through both
 * queues, each answers a full page with the same total as its raw statement would, and the
 * report has its lines. Timings are machine noise here, so nothing below looks at them.
 */

const databaseUrl = process.env.DATABASE_URL?.trim() || undefined
const options: QueueBenchmarkOptions = {
  stories: 1000,
  reads: 3,
  databaseUrl: Option.fromNullable(databaseUrl),
}

const backends: ReadonlyArray<ServerBackend> = [
  { kind: "pglite" },
  ...(databaseUrl === undefined ? [] : [{ kind: "postgres" as const, serverUrl: databaseUrl }]),
]

describe("the queue benchmark", () => {
  for (const backend of backends) {
    it.effect(
      `seeds a project and reads its ready and blocked queues on ${backend.kind}`,
      () =>
        Effect.gen(function* () {
          const result = yield* runQueueBenchmarkOn(backend, options)
          expect(result.stories).toBe(1000)
          expect(result.dependencies).toBeGreaterThan(1500)
          for (const queue of [result.ready, result.blocked]) {
            expect(queue.items).toBe(100)
            expect(queue.total).toBeGreaterThan(100)
            expect(queue.loopctl.requests).toBe(3)
            expect(queue.loopctl.non2xx + queue.loopctl.errors).toBe(0)
          }
          const report = formatQueueResults(options, [result])
          expect(report.filter((line) => line.includes("ratio"))).toHaveLength(2)
        }).pipe(Logger.withMinimumLogLevel(LogLevel.Warning)),
      300_000,
    )
  }
})
