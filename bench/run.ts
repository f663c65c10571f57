/**
 * Runs every benchmark of bench/ one after the other and prints what each measured:
 * `pnpm bench` (set DATABASE_URL to include real Postgres; BENCH_STORIES, BENCH_HTTP_READS and
 * BENCH_HTTP_CLAIMS, BENCH_IMPORT_STORIES, BENCH_IMPORT_ONE_STORIES/_EPICS/_DEPENDENCIES, BENCH_READY_READS, BENCH_LOOPS,
 * BENCH_QUEUE_STORIES, BENCH_QUEUE_READS and BENCH_FOOTPRINT_STARTS change the sizes;
 * BENCH_ONLY=http runs one benchmark by name). The footprint benchmark starts the compiled server,
 * so run `pnpm build` first.
 * A benchmark that fails prints why and makes the exit code 1; the others still run.
 */
import { Console, Effect, LogLevel, Logger } from "effect"
import { footprintOptions, formatFootprintResults, runFootprintBenchmark } from "./footprint.js"
import { formatHttpResults, httpBenchmarkOptions, runHttpBenchmark } from "./http.js"
import { formatImportResults, importBenchmarkOptions, runImportBenchmark } from "./import.js"
import { formatQueueResults, queueBenchmarkOptions, runQueueBenchmark } from "./queues.js"
import { formatRoundTrips, roundTripOptions, runRoundTripBenchmark } from "./round-trips.js"
import { formatStoreResults, runStoreBenchmark, storeBenchmarkOptions } from "./store.js"
import { formatWorkResults, runWorkBenchmark, workBenchmarkOptions } from "./work.js"

/** One benchmark: its name and the lines of its report. */
interface Benchmark {
  readonly name: string
  readonly run: Effect.Effect<ReadonlyArray<string>, { readonly message: string }>
}

const benchmarks: ReadonlyArray<Benchmark> = [
  {
    name: "round-trips",
    run: Effect.gen(function* () {
      const options = yield* Effect.mapError(roundTripOptions, (error) => ({
        message: `invalid configuration: ${String(error)}`,
      }))
      return formatRoundTrips(yield* runRoundTripBenchmark(options), options.statements)
    }),
  },
  {
    name: "store",
    run: Effect.gen(function* () {
      const options = yield* Effect.mapError(storeBenchmarkOptions, (error) => ({
        message: `invalid configuration: ${String(error)}`,
      }))
      return formatStoreResults(options, yield* runStoreBenchmark(options))
    }),
  },
  {
    name: "http",
    run: Effect.gen(function* () {
      const options = yield* Effect.mapError(httpBenchmarkOptions, (error) => ({
        message: `invalid configuration: ${String(error)}`,
      }))
      return formatHttpResults(options, yield* runHttpBenchmark(options))
    }),
  },
  {
    name: "import",
    run: Effect.gen(function* () {
      const options = yield* Effect.mapError(importBenchmarkOptions, (error) => ({
        message: `invalid configuration: ${String(error)}`,
      }))
      return formatImportResults(options, yield* runImportBenchmark(options))
    }),
  },
  {
    name: "queues",
    run: Effect.gen(function* () {
      const options = yield* Effect.mapError(queueBenchmarkOptions, (error) => ({
        message: `invalid configuration: ${String(error)}`,
      }))
      return formatQueueResults(options, yield* runQueueBenchmark(options))
    }),
  },
  {
    name: "footprint",
    run: Effect.gen(function* () {
      const options = yield* Effect.mapError(footprintOptions, (error) => ({
        message: `invalid configuration: ${String(error)}`,
      }))
      return formatFootprintResults(options, yield* runFootprintBenchmark(options))
    }),
  },
  {
    name: "work",
    run: Effect.gen(function* () {
      const options = yield* Effect.mapError(workBenchmarkOptions, (error) => ({
        message: `invalid configuration: ${String(error)}`,
      }))
      return formatWorkResults(options, yield* runWorkBenchmark(options))
    }),
  },
]

const only = process.env.BENCH_ONLY?.trim()

const program = Effect.forEach(
  benchmarks.filter((benchmark) => only === undefined || only === "" || benchmark.name === only),
  (benchmark) =>
    benchmark.run.pipe(
      Effect.flatMap((lines) => Console.log(lines.join("\n"))),
      Effect.catchAll((error) =>
        Effect.zipRight(
          Console.error(`${benchmark.name}: failed: ${error.message}`),
          Effect.sync(() => {
            process.exitCode = 1
          }),
        ),
      ),
    ),
  { discard: true },
).pipe(
  // The migrations log each file they apply; the report is what this run is for.
  Logger.withMinimumLogLevel(LogLevel.Warning),
)

Effect.runPromise(program).catch((defect: unknown) => {
  console.error(defect)
  process.exitCode = 1
})
