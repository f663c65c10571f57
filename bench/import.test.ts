import { describe, expect, it } from "@effect/vitest"
import { Effect, LogLevel, Logger, Option } from "effect"
import {
  type ImportBenchmarkOptions,
  formatImportResults,
  importDocument,
  runImportBenchmarkOn,
} from "./import.js"
import type { ServerBackend } from "./server.js"

/**
 * The import benchmark's code path on a tiny breakdown: the one request creates every epic,
 * story and edge of the document, the raw copy runs, and the report has a ratio per backend.
 * Timings are machine noise here, so nothing below looks at them.
 */

const databaseUrl = process.env.DATABASE_URL?.trim() || undefined
const options: ImportBenchmarkOptions = {
  stories: 300,
  epics: 7,
  dependencies: 600,
  databaseUrl: Option.fromNullable(databaseUrl),
}

const backends: ReadonlyArray<ServerBackend> = [
  { kind: "pglite" },
  ...(databaseUrl === undefined ? [] : [{ kind: "postgres" as const, serverUrl: databaseUrl }]),
]

describe("the import document", () => {
  it("has the stories, epics and edges asked for, each edge to an earlier story", () => {
    const { document, epics, edges } = importDocument(options)
    expect(epics).toBe(7)
    expect(edges).toBe(600)
    const numbers = document.epics.flatMap((epic) => epic.stories.map((story) => String(story.number)))
    expect(numbers).toHaveLength(300)
    const position = new Map(numbers.map((number, i) => [number, i]))
    const pairs = new Set(document.story_dependencies.map((d) => `${d.story}>${d.depends_on}`))
    expect(pairs.size).toBe(600)
    for (const edge of document.story_dependencies)
      expect(position.get(edge.story) ?? -1).toBeGreaterThan(
        position.get(edge.depends_on) ?? Number.MAX_VALUE,
      )
  })
})

describe("the import benchmark", () => {
  for (const backend of backends) {
    it.effect(
      `imports the whole document in one request on ${backend.kind}`,
      () =>
        Effect.gen(function* () {
          const result = yield* runImportBenchmarkOn(backend, options)
          expect(result.epicsCreated).toBe(7)
          expect(result.storiesCreated).toBe(300)
          expect(result.dependenciesCreated).toBe(600)
          const report = formatImportResults(options, [result])
          expect(report.filter((line) => line.includes("ratio"))).toHaveLength(1)
        }).pipe(Logger.withMinimumLogLevel(LogLevel.Warning)),
      300_000,
    )
  }
})
