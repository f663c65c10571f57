import { type ChildProcess, spawn } from "node:child_process"
import { mkdtempSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { fileURLToPath } from "node:url"
import { Effect, type Scope } from "effect"

/**
 * `loopctl-server` as real child processes: started from its TypeScript source, on a PGlite
 * directory, answering on a free port. A test waits for what the process says (its
 * "Listening on" line, or its exit), never for a length of time.
 */

const main = fileURLToPath(new URL("../../src/main/main.ts", import.meta.url))

/** The child's environment: ours, on embedded PGlite (never the Postgres of DATABASE_URL), on a free port. */
const childEnv = (env: Readonly<Record<string, string>>): NodeJS.ProcessEnv => ({
  ...process.env,
  DATABASE_URL: "",
  PORT: "0",
  HOST: "127.0.0.1",
  ...env,
})

/** How a process ended: its exit code (null when a signal ended it) and what it wrote. */
export interface Ended {
  readonly code: number | null
  readonly signal: NodeJS.Signals | null
  readonly stdout: string
  readonly stderr: string
}

/** What became of a process that was meant to refuse to start. */
export type Outcome =
  | ({ readonly _tag: "Exited" } & Ended)
  | { readonly _tag: "Listening"; readonly url: string; readonly stderr: string }

const launch = (args: ReadonlyArray<string>, env: Readonly<Record<string, string>>) =>
  spawn(process.execPath, ["--import", "tsx", "--conditions=@loopctl/source", main, ...args], {
    env: childEnv(env),
    stdio: ["ignore", "pipe", "pipe"],
  })

/** The address in the server's "Listening on http://…" log line, once it is written. */
const listeningUrl = (stdout: string): string | undefined =>
  /"message":"Listening on (http:\/\/[^"]+)"/.exec(stdout)?.[1]

/**
 * Watches a child until it listens or exits, whichever comes first; a listening child is left
 * running. stdout and stderr keep being collected in `output`.
 */
const watch = (child: ChildProcess) => {
  const output = { stdout: "", stderr: "" }
  const ended = new Promise<Ended>((resolve) =>
    child.once("exit", (code, signal) => resolve({ code, signal, ...output })),
  )
  const outcome = new Promise<Outcome>((resolve) => {
    child.stdout?.on("data", (chunk: Buffer) => {
      output.stdout += chunk.toString("utf8")
      const url = listeningUrl(output.stdout)
      if (url !== undefined) resolve({ _tag: "Listening", url, stderr: output.stderr })
    })
    child.stderr?.on("data", (chunk: Buffer) => {
      output.stderr += chunk.toString("utf8")
    })
    void ended.then((end) => resolve({ _tag: "Exited", ...end }))
  })
  return { ended, outcome }
}

/** A server child that listens. */
export interface RunningServer {
  readonly pid: number
  readonly url: string
  readonly child: ChildProcess
  /** Resolves when the process has exited. */
  readonly ended: Promise<Ended>
}

const stopped = (server: RunningServer, signal: NodeJS.Signals) =>
  Effect.promise(() => {
    if (server.child.exitCode === null && server.child.signalCode === null) server.child.kill(signal)
    return server.ended
  })

/** Sends `signal` to the server and waits until it has exited. */
export const stopServer = (server: RunningServer, signal: NodeJS.Signals = "SIGTERM"): Effect.Effect<Ended> =>
  stopped(server, signal)

/**
 * Starts `loopctl-server` with `env` and waits for it to listen; it is stopped (SIGTERM, then
 * awaited) when the scope closes. A child that exits instead fails the test with what it said.
 */
export const startServer = (
  env: Readonly<Record<string, string>>,
): Effect.Effect<RunningServer, never, Scope.Scope> =>
  Effect.acquireRelease(
    Effect.promise(async () => {
      const child = launch([], env)
      const { ended, outcome } = watch(child)
      const result = await outcome
      if (result._tag === "Exited")
        throw new Error(`loopctl-server did not start (exit ${result.code}): ${result.stderr}`)
      return { pid: child.pid ?? -1, url: result.url, child, ended }
    }),
    (server) => stopped(server, "SIGTERM"),
  )

/**
 * Runs `loopctl-server args` with `env` until it exits, or until it listens (then it is stopped,
 * and the outcome says it listened: a server that should have refused to start did not).
 */
export const runServer = (
  args: ReadonlyArray<string>,
  env: Readonly<Record<string, string>>,
): Effect.Effect<Outcome> =>
  Effect.promise(async () => {
    const child = launch(args, env)
    const { ended, outcome } = watch(child)
    const result = await outcome
    if (result._tag === "Listening") {
      child.kill("SIGTERM")
      await ended
    }
    return result
  })

/** A fresh directory under the system's temporary one, removed when the scope closes. */
export const temporaryDirectory = (label: string): Effect.Effect<string, never, Scope.Scope> =>
  Effect.acquireRelease(
    Effect.sync(() => mkdtempSync(join(tmpdir(), `loopctl-${label}-`))),
    (directory) => Effect.sync(() => rmSync(directory, { recursive: true, force: true })),
  )
