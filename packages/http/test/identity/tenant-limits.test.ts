import { expect, layer } from "@effect/vitest"
import { Effect, Layer, Option, Redacted, Schema } from "effect"
import { applicationLayer, httpServerLayer } from "../../src/index.js"
import { backends, call, provisionTenant, read } from "../support/identity-support.js"
import { collectLogs, realServer, rootKey } from "../support/support.js"

/**
 * A tenant cannot raise its own limits past the platform's maxima: its user key may set
 * `rate_limit_requests_per_minute` and `max_projects` only up to what the operator configured
 * (LOOPCTL_MAX_RATE_LIMIT_PER_MINUTE, LOOPCTL_MAX_PROJECTS_PER_TENANT); above is a 422 that names
 * the setting and the maximum, and nothing is stored. The superadmin is not held to it.
 */

const Settings = Schema.Struct({
  tenant: Schema.Struct({ settings: Schema.Record({ key: Schema.String, value: Schema.Unknown }) }),
})

const settingsOf = (key: string) =>
  Effect.map(call("GET", "/api/v1/tenants/me", { key }), (answer) => read(Settings, answer).tenant.settings)

const patchOwn = (key: string, settings: Readonly<Record<string, unknown>>) =>
  call("PATCH", "/api/v1/tenants/me", { key, body: { settings } })

const refusal = (details: ReadonlyArray<string>) => ({
  error: { status: 422, message: "Validation failed", details: { settings: details } },
})

for (const { name, database } of backends) {
  layer(realServer(database).pipe(Layer.provide(collectLogs([]))), {
    timeout: 120_000,
    excludeTestServices: true,
  })(`the platform's maxima on tenant settings, defaults, on ${name}`, (it) => {
    it.effect("a user key cannot set its tenant's rate limit above 10000 or max_projects above 1000", () =>
      Effect.gen(function* () {
        const tenant = yield* provisionTenant("maxima")
        const above = yield* patchOwn(tenant.userKey, {
          rate_limit_requests_per_minute: 10_001,
          max_projects: 1_001,
        })
        expect(above.status).toBe(422)
        expect(above.body).toMatchObject(
          refusal([
            "rate_limit_requests_per_minute must be at most 10000 (the platform maximum)",
            "max_projects must be at most 1000 (the platform maximum)",
          ]),
        )
        // The refusal stored nothing, not even the valid half of a mixed patch.
        const mixed = yield* patchOwn(tenant.userKey, {
          rate_limit_requests_per_minute: 500,
          max_projects: 50_000,
        })
        expect(mixed.status).toBe(422)
        expect(yield* settingsOf(tenant.userKey)).toEqual({})

        const atMost = yield* patchOwn(tenant.userKey, {
          rate_limit_requests_per_minute: 10_000,
          max_projects: 1_000,
        })
        expect(atMost.status).toBe(200)
        expect(yield* settingsOf(tenant.userKey)).toEqual({
          rate_limit_requests_per_minute: 10_000,
          max_projects: 1_000,
        })
      }),
    )

    it.effect("the superadmin may grant a tenant more (up to the settings' own bounds)", () =>
      Effect.gen(function* () {
        const tenant = yield* provisionTenant("granted")
        const granted = yield* call("PATCH", `/api/v1/admin/tenants/${tenant.id}`, {
          key: rootKey,
          body: { settings: { rate_limit_requests_per_minute: 50_000, max_projects: 5_000 } },
        })
        expect(granted.status).toBe(200)
        expect(yield* settingsOf(tenant.userKey)).toEqual({
          rate_limit_requests_per_minute: 50_000,
          max_projects: 5_000,
        })
        // What was granted cannot be raised further by the tenant itself.
        const raised = yield* patchOwn(tenant.userKey, { rate_limit_requests_per_minute: 60_000 })
        expect(raised.status).toBe(422)
      }),
    )
  })

  const configured = httpServerLayer({ port: 0, host: "127.0.0.1" }).pipe(
    Layer.provideMerge(
      applicationLayer(Option.some(Redacted.make(rootKey)), {
        rate_limit_requests_per_minute: 600,
        max_projects: 5,
      }),
    ),
    Layer.provideMerge(database),
    Layer.provide(collectLogs([])),
  )

  layer(configured, { timeout: 120_000, excludeTestServices: true })(
    `the platform's maxima on tenant settings, configured, on ${name}`,
    (it) => {
      it.effect("the configured maxima are the ones enforced and named", () =>
        Effect.gen(function* () {
          const tenant = yield* provisionTenant("configured-maxima")
          const above = yield* patchOwn(tenant.userKey, {
            rate_limit_requests_per_minute: 601,
            max_projects: 6,
          })
          expect(above.body).toMatchObject(
            refusal([
              "rate_limit_requests_per_minute must be at most 600 (the platform maximum)",
              "max_projects must be at most 5 (the platform maximum)",
            ]),
          )
          const atMost = yield* patchOwn(tenant.userKey, {
            rate_limit_requests_per_minute: 600,
            max_projects: 5,
          })
          expect(atMost.status).toBe(200)
        }),
      )
    },
  )
}
