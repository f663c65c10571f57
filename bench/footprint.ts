/**
 * The footprint benchmark: how long the compiled loopctl server takes from `node <entry>` to its
 * first 200 on `GET /health`, and how much memory it holds when idle, on Postgres (DATABASE_URL,
 * a fresh database) and on the embedded database (PGlite in a temporary directory), beside a bare
 * `node:http` server started the same way in the same run.
 *
 * Each database is started once first, untimed for the ratios (it creates the schema; on PGlite
 * it also runs initdb), then `starts` more times on that existing data: the figures are the
 * medians of those, as a user restarting the server sees them. Run `pnpm build` before, since
 * the entry is compiled JavaScript: by default the bundle `pnpm start` runs
 * (`packages/http/dist/bundle/main.js`, see scripts/bundle-server.mjs); `BENCH_SERVER_ENTRY`
 * names another, e.g. `packages/http/dist/main/main.js`, the unbundled output of tsc.
 */
import { existsSync } from "node:fs"
import { join } from "node:path"
import { fileURLToPath } from "node:url"
import { Config, Duration, Effect, Option } from "effect"
import { type ChildServerPlan, type StartFigures, measureStart } from "./child-server.js"
import { freshDatabase, temporaryDirectory } from "./databases.js"

/** The repository root: the entry and the data directory are resolved from it. */
export const repositoryRoot = fileURLToPath(new URL("..", import.meta.url))

/** What `pnpm start` runs after building. */
export const compiledEntry = "packages/http/dist/bundle/main.js"

export interface FootprintOptions {
  /** The server's entry file, relative to the repository root. */
  readonly entry: string
  /** Timed starts on existing data, after the first. */
  readonly starts: number
  /** How long each server idles before its memory is read. */
  readonly idle: Duration.Duration
  readonly databaseUrl: Option.Option<string>
}

export const footprintOptions: Config.Config<FootprintOptions> = Config.all({
  entry: Config.string("BENCH_SERVER_ENTRY").pipe(Config.withDefault(compiledEntry)),
  starts: Config.integer("BENCH_FOOTPRINT_STARTS").pipe(Config.withDefault(3)),
  idle: Config.succeed(Duration.seconds(2)),
  databaseUrl: Config.option(Config.nonEmptyString("DATABASE_URL")),
})

/** A server that answers `/health` and nothing else: what Node alone costs to start and hold. */
const bareServerSource = `
const http = require("node:http")
http
  .createServer((request, response) => {
    response.writeHead(200, { "content-type": "application/json" })
    response.end('{"status":"ok"}')
  })
  .listen(Number(process.env.PORT), "127.0.0.1")
`

/** The figures of one server: its first start, and the medians of the starts after it. */
export interface FootprintResult {
  readonly server: "bare node:http" | "postgres" | "embedded"
  readonly first: StartFigures
  readonly median: StartFigures
  readonly starts: number
}

const median = (values: ReadonlyArray<number>): number => {
  const sorted = [...values].sort((a, b) => a - b)
  const middle = Math.floor(sorted.length / 2)
  return sorted.length % 2 === 1
    ? (sorted[middle] ?? 0)
    : ((sorted[middle - 1] ?? 0) + (sorted[middle] ?? 0)) / 2
}

/** Starts the server of `plan` once, then `starts` times more, and sums that up. */
const measure = (server: FootprintResult["server"], plan: ChildServerPlan, starts: number) =>
  Effect.gen(function* () {
    const first = yield* measureStart(plan)
    const later = yield* Effect.forEach(Array.from({ length: Math.max(1, starts) }), () => measureStart(plan))
    return {
      server,
      first,
      starts: later.length,
      median: {
        startMs: median(later.map((figures) => figures.startMs)),
        idleRssMb: median(later.map((figures) => figures.idleRssMb)),
        peakRssMb: median(later.map((figures) => figures.peakRssMb)),
      },
    } satisfies FootprintResult
  })

/** The plan of the loopctl server with `env` (the database's variables). */
const loopctlPlan = (options: FootprintOptions, env: ChildServerPlan["env"]): ChildServerPlan => ({
  args: [options.entry],
  cwd: repositoryRoot,
  env: { HOST: "127.0.0.1", LOOPCTL_SUPERADMIN_KEY: undefined, ...env },
  idle: options.idle,
  // The first embedded start runs initdb, which takes long on a busy machine.
  timeout: Duration.minutes(3),
})

/** Whether `entry` exists (it is built by `pnpm build`). */
export const entryBuilt = (entry: string): boolean => existsSync(join(repositoryRoot, entry))

/** Runs the bare server, then loopctl on Postgres (when DATABASE_URL is set), then embedded. */
export const runFootprintBenchmark = (options: FootprintOptions) =>
  Effect.gen(function* () {
    if (!entryBuilt(options.entry))
      return yield* Effect.fail({
        message: `${options.entry} does not exist; run \`pnpm build\` first`,
      })
    const bare = yield* measure(
      "bare node:http",
      {
        args: ["-e", bareServerSource],
        cwd: repositoryRoot,
        env: {},
        idle: options.idle,
        timeout: Duration.seconds(30),
      },
      options.starts,
    )
    const postgres = yield* Option.match(options.databaseUrl, {
      onNone: () => Effect.succeed(Option.none<FootprintResult>()),
      onSome: (serverUrl) =>
        Effect.scoped(
          Effect.flatMap(freshDatabase(serverUrl), ({ url }) =>
            measure("postgres", loopctlPlan(options, { DATABASE_URL: url }), options.starts),
          ),
        ).pipe(Effect.map(Option.some)),
    })
    const embedded = yield* Effect.scoped(
      Effect.flatMap(temporaryDirectory, (directory) =>
        measure(
          "embedded",
          loopctlPlan(options, { DATABASE_URL: undefined, LOOPCTL_DATA_DIR: join(directory, "data") }),
          options.starts,
        ),
      ),
    )
    return [bare, ...Option.toArray(postgres), embedded]
  }).pipe(Effect.mapError((error) => ({ message: error.message })))

const ms = (value: number) => `${Math.round(value)} ms`
const mb = (value: number) => `${Math.round(value)} MB`
const ratio = (value: number, base: number) => (base > 0 ? `${(value / base).toFixed(1)}×` : "n/a")

/** The report: a line per server, loopctl's figures with their ratio to the bare server's. */
export const formatFootprintResults = (
  options: FootprintOptions,
  results: ReadonlyArray<FootprintResult>,
): ReadonlyArray<string> => {
  const bare = results.find((result) => result.server === "bare node:http")
  const lines = [
    `footprint: ${options.entry} started as a child process; medians of ${options.starts} starts on existing data after a first start, idle ${Duration.format(options.idle)} before reading /proc/<pid>/status`,
  ]
  for (const result of results) {
    const against = (pick: (figures: StartFigures) => number) =>
      result === bare || bare === undefined ? "" : ` (ratio ${ratio(pick(result.median), pick(bare.median))})`
    lines.push(
      `  ${result.server.padEnd(15)} start to healthy ${ms(result.median.startMs).padStart(8)}${against((f) => f.startMs)}` +
        `, idle RSS ${mb(result.median.idleRssMb).padStart(7)}${against((f) => f.idleRssMb)}` +
        `, peak RSS ${mb(result.median.peakRssMb)}` +
        `; first start ${ms(result.first.startMs)}, idle RSS ${mb(result.first.idleRssMb)}`,
    )
  }
  return lines
}
