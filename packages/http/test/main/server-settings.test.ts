import { join } from "node:path"
import { describe, expect, it } from "@effect/vitest"
import { Effect, Schema } from "effect"
import { startServer, temporaryDirectory } from "../support/process-support.js"

/**
 * The limits and the proxy trust are read from the environment by `loopctl-server` itself and
 * reach the parts that enforce them: one real server process, configured only by its variables,
 * spoken to over HTTP.
 */

const rootKey = "lc_settings_test_root_key_0123456789"

const request = (
  url: string,
  path: string,
  init: { key?: string; body?: unknown; forwardedFor?: string; method?: string },
) =>
  Effect.promise(async () => {
    const response = await fetch(`${url}${path}`, {
      method: init.method ?? (init.body === undefined ? "GET" : "POST"),
      headers: {
        ...(init.key === undefined ? {} : { authorization: `Bearer ${init.key}` }),
        ...(init.body === undefined ? {} : { "content-type": "application/json" }),
        ...(init.forwardedFor === undefined ? {} : { "x-forwarded-for": init.forwardedFor }),
      },
      ...(init.body === undefined ? {} : { body: JSON.stringify(init.body) }),
    })
    const body: unknown = await response.json()
    return { status: response.status, body }
  })

const Issued = Schema.Struct({ api_key: Schema.Struct({ raw_key: Schema.String }) })

const minute = () => Math.floor(Date.now() / 60_000)

describe("loopctl-server's limits from its environment", () => {
  it.scoped(
    "LOOPCTL_AUTH_FAILURES_PER_MINUTE, LOOPCTL_TRUST_PROXY and LOOPCTL_MAX_PROJECTS_PER_TENANT are enforced",
    () =>
      Effect.gen(function* () {
        const dataDir = join(yield* temporaryDirectory("settings"), "data")
        const server = yield* startServer({
          LOOPCTL_DATA_DIR: dataDir,
          LOOPCTL_SUPERADMIN_KEY: rootKey,
          LOOPCTL_AUTH_FAILURES_PER_MINUTE: "1",
          LOOPCTL_TRUST_PROXY: "loopback",
          LOOPCTL_MAX_PROJECTS_PER_TENANT: "3",
        })

        // One refused key a minute per client; each client (as the trusted proxy names it) has
        // its own count. A pair that straddled a minute is tried again from another client.
        let pair: ReadonlyArray<number> = []
        for (let client = 1; client <= 3 && pair.length === 0; client++) {
          const started = minute()
          const statuses: Array<number> = []
          for (let i = 0; i < 2; i++) {
            const answer = yield* request(server.url, "/api/v1/tenants/me", {
              key: "lc_not_a_key_of_this_server",
              forwardedFor: `198.51.100.${client}`,
            })
            statuses.push(answer.status)
          }
          if (minute() === started) pair = statuses
        }
        expect(pair).toEqual([401, 429])

        const created = yield* request(server.url, "/api/v1/admin/tenants", {
          key: rootKey,
          body: { name: "Settings", slug: "settings-test", email: "ops@settings.test" },
        })
        expect(created.status).toBe(201)
        const userKey = Schema.decodeUnknownSync(Issued)(created.body).api_key.raw_key
        const raised = yield* request(server.url, "/api/v1/tenants/me", {
          key: userKey,
          method: "PATCH",
          body: { settings: { max_projects: 4 } },
        })
        expect(raised).toMatchObject({
          status: 422,
          body: {
            error: { details: { settings: ["max_projects must be at most 3 (the platform maximum)"] } },
          },
        })
      }),
    120_000,
  )
})
