import { randomUUID } from "node:crypto"
import { describe, expect, layer } from "@effect/vitest"
import { Effect, Layer, Schema } from "effect"
import {
  type ProvisionedTenant,
  backends,
  call,
  issueKey,
  provisionTenant,
  read,
} from "../support/identity-support.js"
import { type Answer, collectLogs, realServer, rootKey } from "../support/support.js"

/**
 * Rate limits through HTTP (platform.md §6, D14): the headers on every limited response, none on
 * public, unauthenticated or superadmin ones, and the 429 once a key or its tenant is over its
 * limit. Everything is driven by request counts; a run that straddles a minute boundary (seen in
 * `X-RateLimit-Reset`) is repeated on a fresh tenant rather than timed.
 */

const rateHeaders = ["x-ratelimit-limit", "x-ratelimit-remaining", "x-ratelimit-reset"] as const

const headersOf = (answer: Answer) => rateHeaders.map((name) => answer.headers.get(name))

/**
 * Runs `attempt` (which builds its own fresh tenant) until all its answers fall in one rate
 * window, at most three times: the counts only mean something within one window.
 */
const inOneWindow = <R>(attempt: Effect.Effect<ReadonlyArray<Answer>, never, R>) =>
  Effect.gen(function* () {
    for (let tries = 0; tries < 3; tries++) {
      const answers = yield* attempt
      if (new Set(answers.map((answer) => answer.headers.get("x-ratelimit-reset"))).size === 1) return answers
    }
    throw new Error("three attempts in a row straddled a minute boundary")
  })

/** A tenant whose keys may make `perMinute` requests a minute. */
const limitedTenant = (perMinute: number) =>
  provisionTenant(`rate-${perMinute}`, { rate_limit_requests_per_minute: perMinute })

/** More keys of a tenant, made by the (unlimited) superadmin so they count nothing. */
const moreKeys = (tenant: ProvisionedTenant, count: number) =>
  Effect.forEach(
    Array.from({ length: count }, (_, i) => i),
    (i) =>
      Effect.gen(function* () {
        const answer = yield* call("POST", "/api/v1/api_keys", {
          key: rootKey,
          headers: { "x-impersonate-tenant": tenant.id },
          body: { name: `extra-${i}`, role: "user" },
        })
        return read(Schema.Struct({ api_key: Schema.Struct({ raw_key: Schema.String }) }), answer).api_key
          .raw_key
      }),
  )

const me = (key: string) => call("GET", "/api/v1/tenants/me", { key })

for (const { name, database } of backends) {
  const server = realServer(database).pipe(Layer.provide(collectLogs([])))

  layer(server, { timeout: 120_000, excludeTestServices: true })(`rate limits on ${name}`, (it) => {
    describe("headers", () => {
      it.effect("every authenticated response of a tenant key carries them, errors included", () =>
        Effect.gen(function* () {
          const tenant = yield* provisionTenant("headers")
          const agent = yield* issueKey(tenant.userKey, { name: "a", role: "agent" })
          const answers = [
            yield* me(tenant.userKey),
            yield* call("GET", `/api/v1/agents/${randomUUID()}`, { key: tenant.userKey }),
            yield* call("POST", "/api/v1/api_keys", { key: tenant.userKey, body: {} }),
            yield* call("PATCH", "/api/v1/tenants/me", { key: agent.raw, body: {} }),
          ]
          expect(answers.map((answer) => answer.status)).toEqual([200, 404, 422, 403])
          const now = Date.now() / 1000
          for (const answer of answers) {
            const [limit, remaining, reset] = headersOf(answer)
            expect(limit).toBe("300")
            expect(Number(remaining)).toBeGreaterThanOrEqual(296)
            expect(Number(remaining)).toBeLessThanOrEqual(299)
            expect(Number(reset) % 60).toBe(0)
            expect(Number(reset)).toBeGreaterThan(now - 60)
            expect(Number(reset)).toBeLessThanOrEqual(now + 120)
            expect(answer.headers.get("retry-after")).toBeNull()
          }
        }),
      )

      it.effect("public, unauthenticated and superadmin responses carry none", () =>
        Effect.gen(function* () {
          const tenant = yield* provisionTenant("no-headers")
          const answers = [
            yield* call("GET", "/health"),
            yield* call("GET", "/api/v1/"),
            yield* call("GET", "/api/v1/openapi"),
            yield* call("GET", "/api/v1/tenants/me"),
            yield* me("lc_bogus"),
            yield* call("GET", "/api/v1/admin/stats", { key: rootKey }),
            yield* call("GET", "/api/v1/tenants/me", {
              key: rootKey,
              headers: { "x-impersonate-tenant": tenant.id },
            }),
            // Acting in a tenant role does not make a superadmin's request a tenant key's.
            yield* call("GET", "/api/v1/api_keys", {
              key: rootKey,
              headers: { "x-impersonate-tenant": tenant.id, "x-effective-role": "user" },
            }),
          ]
          expect(answers.map((answer) => answer.status)).toEqual([200, 200, 200, 401, 401, 200, 200, 200])
          for (const answer of answers) expect(headersOf(answer)).toEqual([null, null, null])
        }),
      )
    })

    describe("refusals", () => {
      it.effect("with 3 a minute, the 4th request gets 429 with Retry-After and the README body", () =>
        Effect.gen(function* () {
          const answers = yield* inOneWindow(
            Effect.gen(function* () {
              const tenant = yield* limitedTenant(3)
              return yield* Effect.forEach([1, 2, 3, 4], () => me(tenant.userKey))
            }),
          )
          expect(answers.map((answer) => answer.status)).toEqual([200, 200, 200, 429])
          expect(answers.map((answer) => answer.headers.get("x-ratelimit-limit"))).toEqual([
            "3",
            "3",
            "3",
            "3",
          ])
          expect(answers.map((answer) => answer.headers.get("x-ratelimit-remaining"))).toEqual([
            "2",
            "1",
            "0",
            "0",
          ])
          const refused = answers[3]
          const retryAfter = Number(refused?.headers.get("retry-after"))
          expect(retryAfter).toBeGreaterThanOrEqual(1)
          expect(retryAfter).toBeLessThanOrEqual(60)
          expect(refused?.body).toEqual({
            error: {
              status: 429,
              message: `Too many requests. Retry after ${retryAfter} seconds.`,
              retry_after_seconds: retryAfter,
            },
          })
        }),
      )

      it.effect("each key has its own limit below the tenant's (3× the key limit)", () =>
        Effect.gen(function* () {
          const answers = yield* inOneWindow(
            Effect.gen(function* () {
              const tenant = yield* limitedTenant(2)
              const [other] = yield* moreKeys(tenant, 1)
              const first = yield* Effect.forEach([1, 2, 3, 4], () => me(tenant.userKey))
              const second = yield* Effect.forEach([1, 2, 3, 4], () => me(other ?? "missing"))
              return [...first, ...second]
            }),
          )
          expect(answers.map((answer) => answer.status)).toEqual([200, 200, 429, 429, 200, 200, 429, 429])
        }),
      )

      it.effect("the tenant's limit counts every key; its refusal still reports the key's limit", () =>
        Effect.gen(function* () {
          const answers = yield* inOneWindow(
            Effect.gen(function* () {
              const tenant = yield* limitedTenant(1)
              const keys = yield* moreKeys(tenant, 3)
              return yield* Effect.forEach([tenant.userKey, ...keys], me)
            }),
          )
          expect(answers.map((answer) => answer.status)).toEqual([200, 200, 200, 429])
          expect(answers.map((answer) => headersOf(answer).slice(0, 2))).toEqual([
            ["1", "0"],
            ["1", "0"],
            ["1", "0"],
            ["1", "0"],
          ])
        }),
      )

      it.effect("the limit is checked before the role", () =>
        Effect.gen(function* () {
          const answers = yield* inOneWindow(
            Effect.gen(function* () {
              const tenant = yield* limitedTenant(1)
              const [key] = yield* moreKeys(tenant, 1)
              return yield* Effect.forEach([1, 2], () =>
                call("POST", "/api/v1/agents/register", {
                  key: key ?? "missing",
                  body: { name: "x", agent_type: "implementer" },
                }),
              )
            }),
          )
          expect(answers.map((answer) => answer.status)).toEqual([403, 429])
        }),
      )
    })
  })
}
