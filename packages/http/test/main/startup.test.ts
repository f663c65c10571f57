import { spawnSync } from "node:child_process"
import { fileURLToPath } from "node:url"
import { HttpServerError } from "@effect/platform"
import { describe, expect, it } from "@effect/vitest"
import { DatabaseUnavailable } from "@loopctl/adapters-pg"
import { Cause, ConfigError, ConfigProvider, Effect, Either, FiberId, Option, Redacted } from "effect"
import { ServerConfig, describeStartFailure } from "../../src/index.js"

/** Configuration from the environment, and what the server says when it cannot start. */

const readConfig = (env: Record<string, string>) =>
  Effect.either(Effect.withConfigProvider(ServerConfig, ConfigProvider.fromMap(new Map(Object.entries(env)))))

describe("ServerConfig", () => {
  it.effect("defaults to 0.0.0.0:4000 with the development key and no superadmin key", () =>
    Effect.gen(function* () {
      const settings = Either.getOrThrow(yield* readConfig({}))
      expect(settings).toMatchObject({ port: 4000, host: "0.0.0.0", encryptionKeyIsDevDefault: true })
      expect(Redacted.value(settings.encryptionKey)).toHaveLength(32)
      expect(Option.isNone(settings.superadminKey)).toBe(true)
    }),
  )

  it.effect("reads PORT, HOST, a 32-byte key and the superadmin key", () =>
    Effect.gen(function* () {
      const key = Buffer.alloc(32, 7).toString("base64")
      const settings = Either.getOrThrow(
        yield* readConfig({
          PORT: "8080",
          HOST: "127.0.0.1",
          LOOPCTL_ENCRYPTION_KEY: key,
          LOOPCTL_SUPERADMIN_KEY: "lc_root",
        }),
      )
      expect(settings).toMatchObject({ port: 8080, host: "127.0.0.1", encryptionKeyIsDevDefault: false })
      expect(Buffer.from(Redacted.value(settings.encryptionKey)).toString("base64")).toBe(key)
      expect(Option.map(settings.superadminKey, Redacted.value)).toEqual(Option.some("lc_root"))
    }),
  )

  it.effect("takes PORT=0, which asks the system for a free port", () =>
    Effect.gen(function* () {
      const settings = Either.getOrThrow(yield* readConfig({ PORT: "0" }))
      expect(settings.port).toBe(0)
    }),
  )

  it.effect("refuses a key that is not 32 bytes of base64, and a port that is not a port", () =>
    Effect.gen(function* () {
      for (const env of [
        { LOOPCTL_ENCRYPTION_KEY: "short" },
        { LOOPCTL_ENCRYPTION_KEY: "not base64 at all!" },
        { PORT: "http" },
        { PORT: "65536" },
        { PORT: "-1" },
      ]) {
        const result = yield* readConfig(env)
        expect(Either.isLeft(result)).toBe(true)
      }
    }),
  )
})

describe("ServerConfig's limits", () => {
  it.effect(
    "defaults: 30 failed authentications a minute, tenant maxima of 10000 requests a minute and 1000 projects",
    () =>
      Effect.gen(function* () {
        const settings = Either.getOrThrow(yield* readConfig({}))
        expect(settings.authFailuresPerMinute).toBe(30)
        expect(settings.tenantMaxima).toEqual({ rate_limit_requests_per_minute: 10_000, max_projects: 1_000 })
      }),
  )

  it.effect(
    "reads LOOPCTL_AUTH_FAILURES_PER_MINUTE, LOOPCTL_MAX_RATE_LIMIT_PER_MINUTE, LOOPCTL_MAX_PROJECTS_PER_TENANT",
    () =>
      Effect.gen(function* () {
        const settings = Either.getOrThrow(
          yield* readConfig({
            LOOPCTL_AUTH_FAILURES_PER_MINUTE: "5",
            LOOPCTL_MAX_RATE_LIMIT_PER_MINUTE: "600",
            LOOPCTL_MAX_PROJECTS_PER_TENANT: "20",
          }),
        )
        expect(settings.authFailuresPerMinute).toBe(5)
        expect(settings.tenantMaxima).toEqual({ rate_limit_requests_per_minute: 600, max_projects: 20 })
      }),
  )

  it.effect("refuses a limit that is not a whole number in range, naming the variable", () =>
    Effect.gen(function* () {
      for (const [name, value] of [
        ["LOOPCTL_AUTH_FAILURES_PER_MINUTE", "0"],
        ["LOOPCTL_AUTH_FAILURES_PER_MINUTE", "many"],
        ["LOOPCTL_MAX_RATE_LIMIT_PER_MINUTE", "100001"],
        ["LOOPCTL_MAX_RATE_LIMIT_PER_MINUTE", "1.5"],
        ["LOOPCTL_MAX_PROJECTS_PER_TENANT", "-1"],
      ] as const) {
        const result = yield* readConfig({ [name]: value })
        expect(Either.isLeft(result), `${name}=${value}`).toBe(true)
        const line = Either.isLeft(result) ? describeStartFailure(Cause.fail(result.left)) : Option.none()
        expect(Option.getOrThrow(line)).toContain(name)
      }
    }),
  )
})

describe("describeStartFailure", () => {
  it("names the problem on one line", () => {
    const inUse = new HttpServerError.ServeError({
      cause: Object.assign(new Error("listen"), { code: "EADDRINUSE" }),
    })
    expect(describeStartFailure(Cause.fail(inUse))).toEqual(
      Option.some("cannot listen: the address is already in use (set PORT or HOST)"),
    )
    expect(
      describeStartFailure(Cause.fail(new DatabaseUnavailable({ message: "cannot connect to 127.0.0.1:1" }))),
    ).toEqual(Option.some("database not ready: cannot connect to 127.0.0.1:1"))
    const config = describeStartFailure(Cause.fail(ConfigError.InvalidData(["PORT"], "Expected a port")))
    expect(Option.getOrThrow(config)).toMatch(/^invalid configuration: .*PORT/)
    expect(Option.getOrThrow(config)).not.toContain("\n")
  })

  it("says nothing for a signal (an interruption)", () => {
    expect(describeStartFailure(Cause.interrupt(FiberId.none))).toEqual(Option.none())
  })
})

describe("loopctl-server", () => {
  it("exits 1 with one line on stderr when it cannot start", () => {
    const main = fileURLToPath(new URL("../../src/main/main.ts", import.meta.url))
    const result = spawnSync(process.execPath, ["--import", "tsx", "--conditions=@loopctl/source", main], {
      env: { ...process.env, LOOPCTL_ENCRYPTION_KEY: "short", DATABASE_URL: "" },
      encoding: "utf8",
      timeout: 30_000,
    })
    expect(result.status).toBe(1)
    const lines = result.stderr.trim().split("\n")
    expect(lines).toHaveLength(1)
    expect(lines[0]).toMatch(/^loopctl-server: invalid configuration: .*LOOPCTL_ENCRYPTION_KEY/)
  })
})
