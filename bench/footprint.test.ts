import { describe, expect, it } from "@effect/vitest"
import { Duration, Effect, Option } from "effect"
import {
  type FootprintOptions,
  compiledEntry,
  entryBuilt,
  formatFootprintResults,
  runFootprintBenchmark,
} from "./footprint.js"

/**
 * The footprint benchmark's code path with one timed start: the compiled server starts, answers
 * /health and is stopped, on each database, beside the bare server, and the report has a line per
 * server. It needs `pnpm build` (CI builds before testing); timings are noise here and unchecked.
 */

const databaseUrl = process.env.DATABASE_URL?.trim() || undefined
const options: FootprintOptions = {
  entry: compiledEntry,
  starts: 1,
  idle: Duration.millis(100),
  databaseUrl: Option.fromNullable(databaseUrl),
}

describe("the footprint benchmark", () => {
  it.skipIf(!entryBuilt(compiledEntry))(
    "starts the compiled server on each database and reads its memory",
    () =>
      Effect.runPromise(
        Effect.gen(function* () {
          const results = yield* runFootprintBenchmark(options)
          expect(results.map((result) => result.server)).toEqual([
            "bare node:http",
            ...(databaseUrl === undefined ? [] : ["postgres"]),
            "embedded",
          ])
          for (const result of results) {
            expect(result.starts).toBe(1)
            expect(result.median.idleRssMb).toBeGreaterThan(0)
            expect(result.first.peakRssMb).toBeGreaterThanOrEqual(result.first.idleRssMb)
          }
          const report = formatFootprintResults(options, results)
          expect(report.filter((line) => line.includes("ratio"))).toHaveLength(results.length - 1)
        }),
      ),
    300_000,
  )
})
