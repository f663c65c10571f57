import { existsSync, readFileSync } from "node:fs"
import { join, resolve } from "node:path"
import { describe, expect, it } from "@effect/vitest"
import { Effect } from "effect"
import { runServer, startServer, stopServer, temporaryDirectory } from "../support/process-support.js"

/**
 * D31: one process at a time on an embedded data directory. Two servers on one directory each
 * accepted writes the other never saw; `create-superadmin` next to a running server printed a
 * key that server never knew. The directory is locked by whoever opens it; everyone else
 * refuses to start with one line naming the directory and the holder's PID.
 */

const lockFile = (dataDir: string) => join(dataDir, "loopctl.lock")

const health = (url: string) =>
  Effect.promise(async () => {
    const response = await fetch(`${url}/health`)
    return { status: response.status, body: await response.json() }
  })

describe("the embedded data directory is held by one process (D31)", () => {
  it.scoped(
    "a second server and create-superadmin refuse while a server holds it, and start once it stopped",
    () =>
      Effect.gen(function* () {
        const dataDir = join(yield* temporaryDirectory("lock"), "data")
        const env = { LOOPCTL_DATA_DIR: dataDir }
        const holder = yield* startServer(env)

        const second = yield* runServer([], env)
        expect(second).toMatchObject({ _tag: "Exited", code: 1 })
        const refusal = second._tag === "Exited" ? second.stderr.trim().split("\n") : []
        expect(refusal).toHaveLength(1)
        expect(refusal[0]).toMatch(/^loopctl-server: /)
        expect(refusal[0]).toContain(resolve(dataDir))
        expect(refusal[0]).toContain(`PID ${holder.pid}`)

        const command = yield* runServer(["create-superadmin"], env)
        // Nothing on stdout: no key is printed that the running server would not know.
        expect(command).toMatchObject({ _tag: "Exited", code: 1, stdout: "" })
        const commandRefusal = command._tag === "Exited" ? command.stderr.trim().split("\n") : []
        expect(commandRefusal).toHaveLength(1)
        expect(commandRefusal[0]).toContain(resolve(dataDir))
        expect(commandRefusal[0]).toContain(`PID ${holder.pid}`)

        // The holder was not disturbed by either attempt.
        expect(yield* health(holder.url)).toMatchObject({ status: 200, body: { status: "ok" } })

        // A stop releases the directory: the lock file goes with the process.
        const stop = yield* stopServer(holder)
        expect(stop.code).toBe(0)
        expect(existsSync(lockFile(dataDir))).toBe(false)
        const after = yield* runServer(["create-superadmin"], env)
        expect(after).toMatchObject({ _tag: "Exited", code: 0 })
        expect(after._tag === "Exited" ? after.stdout.trim() : "").toMatch(/^lc_[A-Za-z0-9_-]{40}$/)
      }),
    180_000,
  )

  it.scoped(
    "a lock left by a killed process is taken over",
    () =>
      Effect.gen(function* () {
        const dataDir = join(yield* temporaryDirectory("stale-lock"), "data")
        const env = { LOOPCTL_DATA_DIR: dataDir }
        const killed = yield* startServer(env)
        const end = yield* stopServer(killed, "SIGKILL")
        expect(end.signal).toBe("SIGKILL")
        // SIGKILL runs no finalizer: the lock file is still there, naming a process that is gone.
        expect(readFileSync(lockFile(dataDir), "utf8").trim()).toBe(String(killed.pid))

        const next = yield* startServer(env)
        expect(readFileSync(lockFile(dataDir), "utf8").trim()).toBe(String(next.pid))
        expect(yield* health(next.url)).toMatchObject({ status: 200, body: { status: "ok" } })
      }),
    180_000,
  )
})
