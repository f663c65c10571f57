/**
 * A server run as a child process, as a user runs it: `node <entry>` with its own environment,
 * timed from the spawn to the first 200 of `GET /health`, with its resident memory read from
 * `/proc/<pid>/status` (Linux). The footprint benchmark starts the compiled loopctl server and a
 * bare `node:http` server this way.
 */
import { type ChildProcess, spawn } from "node:child_process"
import { readFile } from "node:fs/promises"
import { createServer } from "node:net"
import { Duration, Effect, Schedule, Schema } from "effect"

/** The child could not be started, died, or never answered `/health`. */
export class ChildServerFailed extends Schema.TaggedError<ChildServerFailed>()("ChildServerFailed", {
  message: Schema.String,
}) {}

/** What one start measured. */
export interface StartFigures {
  /** Milliseconds from the spawn to the first 200 of `/health`. */
  readonly startMs: number
  /** `VmRSS` after the server has been idle a while, MB. */
  readonly idleRssMb: number
  /** `VmHWM`: the most resident memory the process has had, MB (start-up peaks land here). */
  readonly peakRssMb: number
}

/** How to start one child server. */
export interface ChildServerPlan {
  /** Arguments to `node` (the entry file, or `-e <source>`). */
  readonly args: ReadonlyArray<string>
  readonly cwd: string
  /** Added to (or, with `undefined`, removed from) this process's environment. */
  readonly env: Readonly<Record<string, string | undefined>>
  /** How long the server is left idle before its memory is read. */
  readonly idle: Duration.DurationInput
  /** How long it may take to answer `/health`. */
  readonly timeout: Duration.DurationInput
}

/** A port nothing listens on right now (asked of the system, then released for the child). */
export const freePort = Effect.async<number, ChildServerFailed>((resume) => {
  const probe = createServer()
  probe.once("error", (cause) =>
    resume(Effect.fail(new ChildServerFailed({ message: `no free port: ${String(cause)}` }))),
  )
  probe.listen(0, "127.0.0.1", () => {
    const address = probe.address()
    const port = typeof address === "object" && address !== null ? address.port : 0
    probe.close(() => resume(Effect.succeed(port)))
  })
})

/** A field of `/proc/<pid>/status` in MB (the kernel gives kB). */
const statusField = (pid: number, field: "VmRSS" | "VmHWM") =>
  Effect.tryPromise({
    try: () => readFile(`/proc/${pid}/status`, "utf8"),
    catch: (cause) => new ChildServerFailed({ message: `cannot read /proc/${pid}/status: ${String(cause)}` }),
  }).pipe(
    Effect.flatMap((status) => {
      const match = new RegExp(`^${field}:\\s+(\\d+) kB`, "m").exec(status)
      return match?.[1] === undefined
        ? Effect.fail(new ChildServerFailed({ message: `no ${field} in /proc/${pid}/status` }))
        : Effect.succeed(Number(match[1]) / 1024)
    }),
  )

/** Ends the child: SIGTERM (the server's graceful stop), then SIGKILL if it has not exited in 15 s. */
const stop = (child: ChildProcess) =>
  Effect.async<void>((resume) => {
    if (child.exitCode !== null || child.signalCode !== null) return resume(Effect.void)
    const kill = setTimeout(() => child.kill("SIGKILL"), 15_000)
    child.once("exit", () => {
      clearTimeout(kill)
      resume(Effect.void)
    })
    child.kill("SIGTERM")
  })

/** The last part of what the child wrote to stderr, for a failure message. */
const tail = (chunks: ReadonlyArray<string>) => chunks.join("").slice(-800).trim()

/**
 * Starts the child on a free port, waits for `/health` to answer 200, leaves it idle for
 * `plan.idle`, reads its memory and stops it (it is stopped however the measurement ends).
 */
export const measureStart = (plan: ChildServerPlan) =>
  Effect.gen(function* () {
    const port = yield* freePort
    const stderr: Array<string> = []
    const env: Record<string, string> = {}
    for (const [name, value] of Object.entries({ ...process.env, ...plan.env, PORT: String(port) }))
      if (value !== undefined) env[name] = value
    const started = performance.now()
    const child = yield* Effect.acquireRelease(
      Effect.sync(() => {
        const child = spawn(process.execPath, plan.args, {
          cwd: plan.cwd,
          env,
          stdio: ["ignore", "ignore", "pipe"],
        })
        child.stderr?.setEncoding("utf8")
        child.stderr?.on("data", (chunk: string) => stderr.push(chunk))
        return child
      }),
      stop,
    )
    const alive = () => child.exitCode === null && child.signalCode === null
    const answered = Effect.tryPromise({
      try: () => fetch(`http://127.0.0.1:${port}/health`),
      catch: () => new ChildServerFailed({ message: "/health is not answering yet" }),
    }).pipe(
      Effect.filterOrFail(
        (response) => response.status === 200,
        (response) => new ChildServerFailed({ message: `/health answered ${response.status}` }),
      ),
    )
    // A process that has exited will never answer, so polling stops at once then.
    yield* answered.pipe(
      Effect.retry({ schedule: Schedule.spaced(Duration.millis(20)), while: alive }),
      Effect.catchAll((error) =>
        alive()
          ? Effect.fail(error)
          : Effect.fail(
              new ChildServerFailed({
                message: `the server exited (${child.exitCode ?? child.signalCode}) before answering /health: ${tail(stderr)}`,
              }),
            ),
      ),
      Effect.timeoutFail({
        duration: plan.timeout,
        onTimeout: () =>
          new ChildServerFailed({
            message: `/health did not answer 200 within ${Duration.format(plan.timeout)}: ${tail(stderr)}`,
          }),
      }),
    )
    const startMs = performance.now() - started
    yield* Effect.sleep(plan.idle)
    const pid = child.pid
    if (pid === undefined) return yield* new ChildServerFailed({ message: "the server has no process id" })
    const idleRssMb = yield* statusField(pid, "VmRSS")
    const peakRssMb = yield* statusField(pid, "VmHWM")
    return { startMs, idleRssMb, peakRssMb } satisfies StartFigures
  }).pipe(Effect.scoped)
