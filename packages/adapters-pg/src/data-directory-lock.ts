import { randomUUID } from "node:crypto"
import { linkSync, mkdirSync, readFileSync, renameSync, unlinkSync, writeFileSync } from "node:fs"
import { join, resolve } from "node:path"
import { Effect, type Scope } from "effect"
import { DataDirectoryInUse, DatabaseUnavailable, causeMessage, codeOf } from "./errors.js"

/**
 * D31: an embedded data directory belongs to one process at a time. PGlite keeps the whole
 * database in the memory of the process that opened it, so a second process on the same files
 * would work on its own copy and overwrite the first one's writes.
 *
 * The lock is a file in the directory holding the holder's PID, in the manner of Postgres'
 * `postmaster.pid`. It is created complete and atomically (written under a private name, then
 * hard-linked to its place, which fails when the place is taken), so nobody ever reads a
 * half-written one. A lock whose PID is no longer alive was left by a killed process and is
 * taken over; a normal stop removes it.
 */

/** The lock file's name inside the data directory. */
export const lockFileName = "loopctl.lock"

/** Whether a process with this PID exists (EPERM: it does, under another user). */
const isAlive = (pid: number): boolean => {
  try {
    process.kill(pid, 0)
    return true
  } catch (error) {
    return codeOf(error) === "EPERM"
  }
}

/** The PID in a lock file: a number, none if the file is gone, `unreadable` if it holds no PID. */
const holderOf = (path: string): number | "gone" | "unreadable" => {
  try {
    const pid = Number(readFileSync(path, "utf8").trim())
    return Number.isSafeInteger(pid) && pid > 0 ? pid : "unreadable"
  } catch (error) {
    if (codeOf(error) === "ENOENT") return "gone"
    throw error
  }
}

const removeIfPresent = (path: string) => {
  try {
    unlinkSync(path)
  } catch (error) {
    if (codeOf(error) !== "ENOENT") throw error
  }
}

/**
 * Moves a lock judged stale out of the way. Renaming is atomic, so of several processes that
 * found the same stale lock only one moves it; one that comes later and moves a lock another
 * process has just taken (its PID is not the stale one) puts it back.
 */
const clearStale = (lock: string, stalePid: number | "unreadable") => {
  const aside = `${lock}.stale-${randomUUID()}`
  try {
    renameSync(lock, aside)
  } catch (error) {
    if (codeOf(error) === "ENOENT") return
    throw error
  }
  const moved = holderOf(aside)
  if (moved !== stalePid && typeof moved === "number" && isAlive(moved)) {
    try {
      linkSync(aside, lock)
    } catch (error) {
      if (codeOf(error) !== "EEXIST") throw error
    }
  }
  removeIfPresent(aside)
}

type Attempt = { readonly _tag: "Held"; readonly pid: number } | { readonly _tag: "Acquired" }

/** Takes the lock for this process, or names the live process that holds it. */
const takeLock = (lock: string): Attempt => {
  const own = `${lock}.${process.pid}-${randomUUID()}`
  writeFileSync(own, `${process.pid}\n`, { flag: "wx" })
  try {
    // Each round either takes the lock, finds a live holder, or clears a stale lock; a few
    // rounds only repeat when other processes race for the same directory.
    for (let round = 0; round < 8; round++) {
      try {
        linkSync(own, lock)
        return { _tag: "Acquired" }
      } catch (error) {
        if (codeOf(error) !== "EEXIST") throw error
      }
      const holder = holderOf(lock)
      if (holder === "gone") continue
      if (typeof holder === "number" && isAlive(holder)) return { _tag: "Held", pid: holder }
      clearStale(lock, holder)
    }
    throw new Error(`other processes keep taking ${lock}`)
  } finally {
    removeIfPresent(own)
  }
}

/** Removes the lock, if it is still this process's. */
const releaseLock = (lock: string) => {
  if (holderOf(lock) === process.pid) removeIfPresent(lock)
}

/**
 * Holds the data directory `dataDir` (created if missing) for this process until the scope
 * closes. Fails with {@link DataDirectoryInUse} when a live process holds it, this one included
 * (two PGlite instances on one directory corrupt each other in one process as well).
 */
export const lockDataDirectory = (
  dataDir: string,
): Effect.Effect<void, DataDirectoryInUse | DatabaseUnavailable, Scope.Scope> => {
  const directory = resolve(dataDir)
  const lock = join(directory, lockFileName)
  return Effect.acquireRelease(
    Effect.flatMap(
      Effect.try({
        try: () => {
          mkdirSync(directory, { recursive: true })
          return takeLock(lock)
        },
        catch: (cause) =>
          new DatabaseUnavailable({
            message: `cannot open the embedded database in ${dataDir}: its lock file cannot be made (${causeMessage(cause)}). Check LOOPCTL_DATA_DIR (a writable directory) or set DATABASE_URL to use Postgres.`,
          }),
      }),
      (attempt) =>
        attempt._tag === "Acquired"
          ? Effect.void
          : Effect.fail(
              new DataDirectoryInUse({
                message: `the data directory ${directory} is in use by the loopctl process with PID ${attempt.pid}; stop it first or set LOOPCTL_DATA_DIR to another directory (if no such process runs, delete ${lock})`,
                directory,
                pid: attempt.pid,
              }),
            ),
    ),
    // A lock that cannot be removed is left for the next start to find stale.
    () => Effect.ignore(Effect.try(() => releaseLock(lock))),
  )
}
