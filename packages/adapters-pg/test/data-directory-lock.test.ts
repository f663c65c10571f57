import { spawnSync } from "node:child_process"
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { describe, expect, it } from "@effect/vitest"
import { Effect, Exit, Scope } from "effect"
import { lockDataDirectory, lockFileName } from "../src/index.js"

/**
 * The data-directory lock on its own (D31): who holds it, what a stale one is, what is left
 * behind. The black-box side (servers and commands as child processes) is in the http tests.
 */

const directory = Effect.acquireRelease(
  Effect.sync(() => mkdtempSync(join(tmpdir(), "loopctl-lock-"))),
  (path) => Effect.sync(() => rmSync(path, { recursive: true, force: true })),
)

/** The PID of a process that has already exited. */
const deadPid = (): number => {
  const child = spawnSync(process.execPath, ["-e", ""])
  if (child.pid === undefined) throw new Error("could not start a process")
  return child.pid
}

const lockContent = (dataDir: string) => readFileSync(join(dataDir, lockFileName), "utf8").trim()

describe("lockDataDirectory", () => {
  it.scoped("holds the directory until its scope closes, and creates a missing one", () =>
    Effect.gen(function* () {
      const dataDir = join(yield* directory, "nested", "data")
      const scope = yield* Scope.make()
      yield* Scope.extend(lockDataDirectory(dataDir), scope)
      expect(lockContent(dataDir)).toBe(String(process.pid))
      yield* Scope.close(scope, Exit.void)
      // Nothing is left behind: not the lock, not the temporary file it was made from.
      expect(readdirSync(dataDir)).toEqual([])
    }),
  )

  it.scoped("refuses a directory a live process holds, this one included, naming it and the PID", () =>
    Effect.gen(function* () {
      const dataDir = yield* directory
      yield* lockDataDirectory(dataDir)
      const refused = yield* Effect.flip(Effect.scoped(lockDataDirectory(dataDir)))
      expect(refused).toMatchObject({ _tag: "DataDirectoryInUse", directory: dataDir, pid: process.pid })
      expect(refused.message).toContain(dataDir)
      expect(refused.message).toContain(`PID ${process.pid}`)
      // The refusal left the holder's lock alone.
      expect(lockContent(dataDir)).toBe(String(process.pid))
    }),
  )

  it.scoped("takes over a lock whose process is gone, or that names no process", () =>
    Effect.gen(function* () {
      const parent = yield* directory
      for (const [name, content] of [
        ["dead", `${deadPid()}\n`],
        ["empty", ""],
        ["garbage", "not a pid"],
      ] as const) {
        const dataDir = join(parent, name)
        mkdirSync(dataDir)
        writeFileSync(join(dataDir, lockFileName), content)
        yield* Effect.scoped(
          Effect.zipRight(
            lockDataDirectory(dataDir),
            Effect.sync(() => expect(lockContent(dataDir)).toBe(String(process.pid))),
          ),
        )
        expect(existsSync(join(dataDir, lockFileName))).toBe(false)
      }
    }),
  )

  it.scoped("does not remove a lock that another process took after this one", () =>
    Effect.gen(function* () {
      const dataDir = yield* directory
      const scope = yield* Scope.make()
      yield* Scope.extend(lockDataDirectory(dataDir), scope)
      // Someone removed the lock by hand and another process (here: PID 1, always alive) took it.
      writeFileSync(join(dataDir, lockFileName), "1\n")
      yield* Scope.close(scope, Exit.void)
      expect(lockContent(dataDir)).toBe("1")
    }),
  )
})
