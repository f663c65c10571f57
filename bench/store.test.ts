import { describe, expect, it } from "@effect/vitest"
import { Effect, LogLevel, Logger, Option } from "effect"
import {
  type EpicOutcome,
  type StoreBackend,
  type StoreBenchmarkOptions,
  formatStoreResults,
  runStoreBenchmarkOn,
  summaryLine,
  useCases,
} from "./store.js"

/**
 * The store benchmark's code path on a tiny N: every story of both sides ends verified and both
 * sides wrote the same rows. Timings are machine noise here, so nothing below looks at them.
 */

const databaseUrl = process.env.DATABASE_URL?.trim() || undefined
const stories = 3
const options: StoreBenchmarkOptions = {
  stories,
  warmupStories: 1,
  databaseUrl: Option.fromNullable(databaseUrl),
}

/** Per story: six audit entries (every use case but request-review) and seven events; once per epic: its completion. */
const expectedOutcome: EpicOutcome = {
  stories,
  verified: stories,
  review_records: stories,
  verification_results: stories,
  audit_entries: stories * 6 + 1,
  epic_completions: 1,
  outbox_events: stories * useCases.length + 1,
}

const walksEveryStory = (backend: StoreBackend) =>
  Effect.gen(function* () {
    const result = yield* runStoreBenchmarkOn(backend, options)
    expect(result.backend).toBe(backend.kind)
    for (const side of [result.loopctl, result.baseline]) {
      expect(side.stories).toBe(stories)
      expect(side.transactions).toBe(stories * useCases.length)
      expect([...side.msPerUseCase.keys()]).toEqual([...useCases])
      expect(side.outcome).toEqual(expectedOutcome)
    }
    expect(summaryLine(result)).toMatch(
      new RegExp(`^${backend.kind}: loopctl \\d+ tx/s, raw SQL \\d+ tx/s, ratio \\d+\\.\\d{2}$`),
    )
    expect(formatStoreResults(options, [result])).toContain(summaryLine(result))
  }).pipe(Logger.withMinimumLogLevel(LogLevel.Warning))

describe("store benchmark, smoke run (no timings asserted)", () => {
  it.effect(
    "on PGlite in a data directory: every story verified, both sides wrote the same",
    () => walksEveryStory({ kind: "pglite" }),
    60_000,
  )

  it.effect.skipIf(databaseUrl === undefined)(
    "on Postgres (skipped unless DATABASE_URL is set): every story verified, both sides wrote the same",
    () =>
      databaseUrl === undefined ? Effect.void : walksEveryStory({ kind: "postgres", serverUrl: databaseUrl }),
    60_000,
  )
})
