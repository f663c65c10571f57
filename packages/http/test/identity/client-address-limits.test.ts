import type { HttpServer } from "@effect/platform"
import type * as SqlClient from "@effect/sql/SqlClient"
import { describe, expect, it } from "@effect/vitest"
import type { Access } from "@loopctl/core"
import { Effect, Layer, Option } from "effect"
import type { HttpServerOptions } from "../../src/index.js"
import { backends, call, provisionTenant } from "../support/identity-support.js"
import { type Answer, type LoggedLine, collectLogs, loopbackProxy, realServer } from "../support/support.js"

/**
 * The limits that count per client address, over HTTP: signup attempts (5 an hour) and failed
 * authentications (30 a minute by default). D30: the client address is the connection's peer;
 * `X-Forwarded-For` counts only when the peer is a proxy named in `LOOPCTL_TRUST_PROXY`, so a
 * client cannot spread its attempts over made-up addresses.
 *
 * The counts live in clock-aligned windows. A case runs on a server of its own, and if its
 * requests happened to straddle a window boundary (the count restarts there) it is run again on
 * a fresh server, so what is asserted never depends on when the test runs.
 */

type Served = HttpServer.HttpServer | SqlClient.SqlClient | Access

/**
 * Runs `observe` against a fresh server with `options`; again (up to three times) when its
 * requests crossed a boundary of the `windowSeconds` windows. Returns what it observed and the
 * server's log lines.
 */
const inOneWindow = <A, E>(
  database: Layer.Layer<SqlClient.SqlClient, E>,
  options: Omit<HttpServerOptions, "port" | "host">,
  windowSeconds: number,
  observe: Effect.Effect<A, never, Served>,
) =>
  Effect.gen(function* () {
    const windowNow = () => Math.floor(Date.now() / 1000 / windowSeconds)
    for (let attempt = 1; attempt <= 3; attempt++) {
      const logs: Array<LoggedLine> = []
      const observed = yield* Effect.scoped(
        Effect.gen(function* () {
          const context = yield* Layer.build(
            realServer(database, options).pipe(Layer.provide(collectLogs(logs))),
          )
          const started = windowNow()
          const result = yield* Effect.provide(observe, context)
          return windowNow() === started ? Option.some(result) : Option.none()
        }),
      )
      if (Option.isSome(observed)) return { observed: observed.value, logs }
    }
    throw new Error("three runs in a row crossed a window boundary")
  }).pipe(Effect.orDie)

const statuses = (answers: ReadonlyArray<Answer>) => answers.map((answer) => answer.status)

/** `POST /signup/options` as if from `forwardedFor`. */
const signupAttempt = (forwardedFor: string) =>
  call("POST", "/signup/options", { body: {}, headers: { "x-forwarded-for": forwardedFor } })

/** An authenticated read with `key`, as if from `forwardedFor` when given. */
const readTenant = (key: string, forwardedFor?: string) =>
  call("GET", "/api/v1/tenants/me", {
    key,
    headers: forwardedFor === undefined ? {} : { "x-forwarded-for": forwardedFor },
  })

const repeat = <A, E, R>(times: number, effect: (i: number) => Effect.Effect<A, E, R>) =>
  Effect.forEach(
    Array.from({ length: times }, (_, i) => i + 1),
    effect,
  )

/** The README's 429 body (D14) and a Retry-After that says the same number of seconds. */
const expectTooMany = (answer: Answer | undefined) => {
  const retryAfter = Number(answer?.headers.get("retry-after"))
  expect(retryAfter).toBeGreaterThanOrEqual(1)
  expect(retryAfter).toBeLessThanOrEqual(60)
  expect(answer?.body).toEqual({
    error: {
      status: 429,
      message: `Too many requests. Retry after ${retryAfter} seconds.`,
      retry_after_seconds: retryAfter,
    },
  })
}

const unknownKey = "lc_this_key_was_never_issued_0000000000000"

for (const { name, database } of backends) {
  describe(`the signup limit's client address on ${name} (D30)`, () => {
    it.live(
      "without a trusted proxy, X-Forwarded-For is ignored: 8 made-up addresses are one client",
      () =>
        Effect.gen(function* () {
          const { observed, logs } = yield* inOneWindow(
            database,
            {},
            3600,
            repeat(8, (i) => signupAttempt(`203.0.113.${i}`)),
          )
          expect(statuses(observed)).toEqual([200, 200, 200, 200, 200, 429, 429, 429])
          // The request log names the peer, not the address the client made up.
          const logged = logs.filter((line) => line.message === "request")
          expect(logged.map((line) => line.annotations.client_address)).toEqual(
            Array.from({ length: 8 }, () => "127.0.0.1"),
          )
        }),
      120_000,
    )

    it.live(
      "behind a trusted proxy, the address the proxy appended counts, not what the client wrote before it",
      () =>
        Effect.gen(function* () {
          const { observed, logs } = yield* inOneWindow(
            database,
            { trustedProxies: loopbackProxy },
            3600,
            Effect.all({
              // One client (198.51.100.20, as the proxy saw it) that writes a new address each time.
              spoofing: repeat(6, (i) => signupAttempt(`192.0.2.${i}, 198.51.100.20`)),
              // Another client behind the same proxy has a count of its own.
              neighbour: signupAttempt("198.51.100.21"),
            }),
          )
          expect(statuses(observed.spoofing)).toEqual([200, 200, 200, 200, 200, 429])
          expect(observed.neighbour.status).toBe(200)
          const logged = logs.filter((line) => line.message === "request")
          expect(logged.map((line) => line.annotations.client_address)).toEqual([
            ...Array.from({ length: 6 }, () => "198.51.100.20"),
            "198.51.100.21",
          ])
        }),
      120_000,
    )
  })

  describe(`failed authentications per client address on ${name}`, () => {
    it.live(
      "the 31st refused key of a minute is 429 with the D14 body; made-up addresses do not help",
      () =>
        Effect.gen(function* () {
          const { observed } = yield* inOneWindow(
            database,
            {},
            60,
            repeat(31, (i) => readTenant(`${unknownKey}${i}`, `203.0.113.${i}`)),
          )
          expect(statuses(observed.slice(0, 30))).toEqual(Array.from({ length: 30 }, () => 401))
          expectTooMany(observed[30])
        }),
      120_000,
    )

    it.live(
      "only refusals count, a valid key is never refused by it, and other addresses have counts of their own",
      () =>
        Effect.gen(function* () {
          const { observed } = yield* inOneWindow(
            database,
            { trustedProxies: loopbackProxy, authFailuresPerMinute: 3 },
            60,
            Effect.gen(function* () {
              const tenant = yield* provisionTenant("auth-failures")
              const client = "198.51.100.40"
              // Successful authentications are not counted against the address.
              const valid = yield* repeat(5, () => readTenant(tenant.userKey, client))
              const refused = yield* repeat(4, (i) => readTenant(`${unknownKey}${i}`, client))
              const revokedOrUnknown = yield* readTenant("lc_short", client)
              const stillValid = yield* readTenant(tenant.userKey, client)
              const neighbour = yield* readTenant(unknownKey, "198.51.100.41")
              return { valid, refused, revokedOrUnknown, stillValid, neighbour }
            }),
          )
          expect(statuses(observed.valid)).toEqual([200, 200, 200, 200, 200])
          expect(statuses(observed.refused)).toEqual([401, 401, 401, 429])
          expectTooMany(observed.refused[3])
          expectTooMany(observed.revokedOrUnknown)
          // Over its limit, the address is still served with a key that is valid.
          expect(observed.stillValid.status).toBe(200)
          expect(observed.neighbour.status).toBe(401)
        }),
      120_000,
    )
  })
}
