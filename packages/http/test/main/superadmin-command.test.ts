import { spawnSync } from "node:child_process"
import { mkdtempSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { fileURLToPath } from "node:url"
import { describe, expect, it } from "@effect/vitest"
import { pgliteDatabase } from "@loopctl/adapters-pg"
import { Access, PlatformActor } from "@loopctl/core"
import { MemoryLoopctl } from "@loopctl/core/memory"
import { Cause, Effect, Either, Exit, Layer, Option, Redacted } from "effect"
import {
  UsageError,
  applicationLayer,
  createSuperadmin,
  describeStartFailure,
  parseCommand,
  superadminBootstrap,
} from "../../src/index.js"

/** The superadmin's two ways in (D8): the key from configuration, and `create-superadmin`. */

const main = fileURLToPath(new URL("../../src/main/main.ts", import.meta.url))

/** Runs `loopctl-server` with `args` on a PGlite directory of its own. */
const runServerCommand = (args: ReadonlyArray<string>, dataDir: string) =>
  spawnSync(process.execPath, ["--import", "tsx", "--conditions=@loopctl/source", main, ...args], {
    env: { ...process.env, DATABASE_URL: "", LOOPCTL_DATA_DIR: dataDir },
    encoding: "utf8",
    timeout: 60_000,
  })

describe("the command line", () => {
  it("serves without arguments and creates a superadmin key with an optional name", () => {
    expect(parseCommand([])).toEqual(Either.right({ _tag: "Serve" }))
    expect(parseCommand(["create-superadmin"])).toEqual(
      Either.right({ _tag: "CreateSuperadmin", name: "superadmin" }),
    )
    expect(parseCommand(["create-superadmin", "--name", "ops"])).toEqual(
      Either.right({ _tag: "CreateSuperadmin", name: "ops" }),
    )
    expect(parseCommand(["create-superadmin", "--name=ops"])).toEqual(
      Either.right({ _tag: "CreateSuperadmin", name: "ops" }),
    )
    for (const args of [["serve"], ["create-superadmin", "--name"], ["create-superadmin", "--nam", "x"]])
      expect(Either.isLeft(parseCommand(args))).toBe(true)
  })

  it("names an unknown command on one line and exits 1", () => {
    const result = runServerCommand(["frobnicate"], join(tmpdir(), "unused"))
    expect(result.status).toBe(1)
    expect(result.stdout).toBe("")
    expect(result.stderr.trim()).toBe(
      'loopctl-server: unknown command "frobnicate"; usage: loopctl-server [create-superadmin [--name <name>]]',
    )
  })
})

describe("superadmin bootstrap from LOOPCTL_SUPERADMIN_KEY", () => {
  const key = "lc_bootstrap_key_0123456789abcdef"
  const authenticate = Effect.flatMap(Access, (access) => access.authenticate(key))

  it.effect("ensures the key exists, once however often the server starts", () =>
    Effect.gen(function* () {
      const bootstrap = superadminBootstrap(Option.some(Redacted.make(key)))
      yield* Layer.build(bootstrap)
      yield* Layer.build(bootstrap)
      const { caller, tenant } = yield* authenticate
      expect(caller).toBeInstanceOf(PlatformActor)
      expect(tenant).toBeNull()
    }).pipe(Effect.scoped, Effect.provide(MemoryLoopctl)),
  )

  it.effect("does nothing when the variable is not set", () =>
    Effect.gen(function* () {
      yield* Layer.build(superadminBootstrap(Option.none()))
      const refused = yield* Effect.flip(authenticate)
      expect(refused._tag).toBe("Unauthorized")
    }).pipe(Effect.scoped, Effect.provide(MemoryLoopctl)),
  )

  it.effect("refuses a value the core will not take, as a configuration error naming the variable", () =>
    Effect.gen(function* () {
      const exit = yield* Effect.exit(Layer.build(superadminBootstrap(Option.some(Redacted.make("short")))))
      expect(Exit.isFailure(exit)).toBe(true)
      if (Exit.isFailure(exit)) {
        const line = Option.getOrThrow(describeStartFailure(exit.cause))
        expect(line).toMatch(/^invalid configuration: .*LOOPCTL_SUPERADMIN_KEY.*at least 16 characters/)
        expect(Cause.isFailType(exit.cause)).toBe(true)
      }
    }).pipe(Effect.scoped, Effect.provide(MemoryLoopctl)),
  )
})

describe("loopctl-server create-superadmin", () => {
  it.effect(
    "prints a new key once, alone on stdout, and the key then authenticates as a platform superadmin",
    () =>
      Effect.gen(function* () {
        const dataDir = mkdtempSync(join(tmpdir(), "loopctl-superadmin-"))
        yield* Effect.addFinalizer(() => Effect.sync(() => rmSync(dataDir, { recursive: true, force: true })))
        const result = runServerCommand(["create-superadmin", "--name", "ops"], dataDir)
        expect({ status: result.status, error: result.error, stderr: result.stderr }).toMatchObject({
          status: 0,
        })
        const printed = result.stdout.split("\n").filter((line) => line !== "")
        expect(printed).toHaveLength(1)
        const raw = printed[0] ?? ""
        expect(raw).toMatch(/^lc_[A-Za-z0-9_-]{40}$/)
        expect(result.stderr).toContain('created superadmin key "ops"')
        expect(result.stderr).toContain("shown only this once")
        const { caller } = yield* Effect.flatMap(Access, (access) => access.authenticate(raw)).pipe(
          Effect.provide(applicationLayer(Option.none()).pipe(Layer.provide(pgliteDatabase({ dataDir })))),
        )
        expect(caller).toBeInstanceOf(PlatformActor)
        expect(caller).toMatchObject({ key_name: "ops" })
      }).pipe(Effect.scoped),
    90_000,
  )
})

describe("create-superadmin's refusals", () => {
  it.effect("a blank name is a usage error, and nothing is printed", () =>
    Effect.gen(function* () {
      const refused = yield* Effect.flip(createSuperadmin(" "))
      expect(refused).toEqual(new UsageError({ message: "--name can't be blank" }))
    }).pipe(Effect.provide(MemoryLoopctl)),
  )

  it("a usage error is printed as it is", () => {
    expect(describeStartFailure(Cause.fail(new UsageError({ message: "usage: x" })))).toEqual(
      Option.some("usage: x"),
    )
  })
})
