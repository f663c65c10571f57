import { randomUUID } from "node:crypto"
import { expect, layer } from "@effect/vitest"
import { Effect, Layer, Schema } from "effect"
import {
  backends,
  call,
  envelope,
  provisionTenant,
  read,
  staffedTenant,
} from "../support/identity-support.js"
import { collectLogs, realServer, rootKey } from "../support/support.js"

/**
 * GET /api/v1/admin/audit (platform.md §7) on the production stack: the superadmin reads every
 * tenant's entries in one list, each naming its tenant, filtered by tenant and by the audit
 * list's other filters; nobody else may.
 */

const Row = Schema.Struct({
  id: Schema.String,
  tenant_id: Schema.NullOr(Schema.String),
  tenant_name: Schema.NullOr(Schema.String),
  tenant_slug: Schema.NullOr(Schema.String),
  entity_type: Schema.String,
  entity_id: Schema.String,
  action: Schema.String,
  actor_type: Schema.String,
  actor_label: Schema.NullOr(Schema.String),
  inserted_at: Schema.String,
})
const Page = Schema.Struct({
  data: Schema.Array(Row),
  meta: Schema.Struct({
    page: Schema.Int,
    page_size: Schema.Int,
    total_count: Schema.Int,
    total_pages: Schema.Int,
  }),
})

const adminAudit = (query: string, key = rootKey) => call("GET", `/api/v1/admin/audit${query}`, { key })

for (const { name, database } of backends) {
  const server = realServer(database).pipe(Layer.provide(collectLogs([])))

  layer(server, { timeout: 120_000, excludeTestServices: true })(
    `the cross-tenant audit on ${name}`,
    (it) => {
      it.effect("lists every tenant's entries with the tenant named, newest first, filtered", () =>
        Effect.gen(function* () {
          const a = yield* provisionTenant("audit-a")
          const b = yield* provisionTenant("audit-b")

          const created = yield* adminAudit("?entity_type=tenant&action=tenant_created&page_size=100")
          expect(created.status).toBe(200)
          const rows = read(Page, created).data
          const ofA = rows.find((row) => row.entity_id === a.id)
          const ofB = rows.find((row) => row.entity_id === b.id)
          expect(ofA).toMatchObject({
            tenant_id: a.id,
            tenant_slug: a.slug,
            tenant_name: "Tenant audit-a",
            actor_type: "superadmin",
          })
          expect(ofB).toMatchObject({ tenant_id: b.id, tenant_slug: b.slug })
          const times = rows.map((row) => row.inserted_at)
          expect([...times].sort().reverse()).toEqual(times)

          const onlyA = read(Page, yield* adminAudit(`?tenant_id=${a.id}`))
          expect(onlyA.data.length).toBeGreaterThanOrEqual(2) // the tenant and its first key
          expect(new Set(onlyA.data.map((row) => row.tenant_id))).toEqual(new Set([a.id]))
          expect(onlyA.data.map((row) => row.entity_type).sort()).toEqual(
            expect.arrayContaining(["api_key", "tenant"]),
          )

          const keysOfA = read(Page, yield* adminAudit(`?tenant_id=${a.id}&entity_type=api_key`))
          expect(keysOfA.data.every((row) => row.entity_type === "api_key")).toBe(true)
          expect(keysOfA.meta.total_count).toBe(keysOfA.data.length)
        }),
      )

      it.effect("pages with meta (20 by default, at most 100), refuses unusable time bounds (D26)", () =>
        Effect.gen(function* () {
          const first = read(Page, yield* adminAudit(""))
          expect(first.meta.page).toBe(1)
          expect(first.meta.page_size).toBe(20)
          expect(first.meta.total_pages).toBe(Math.ceil(first.meta.total_count / 20))
          expect(read(Page, yield* adminAudit("?page_size=1000")).meta.page_size).toBe(100)
          expect(read(Page, yield* adminAudit("?limit=2")).data.length).toBeLessThanOrEqual(2)
          const bad = yield* adminAudit("?from=yesterday")
          expect(bad.status).toBe(400)
          expect(bad.body).toMatchObject({ error: { details: { from: [expect.any(String)] } } })
          const future = read(Page, yield* adminAudit("?from=2999-01-01T00:00:00Z"))
          expect(future.meta.total_count).toBe(0)
          expect(future.meta.total_pages).toBe(0)
        }),
      )

      it.effect("a malformed tenant id is 404; an unknown one lists nothing", () =>
        Effect.gen(function* () {
          const malformed = yield* adminAudit("?tenant_id=not-a-uuid")
          expect(malformed.status).toBe(404)
          expect(malformed.body).toEqual(envelope(404, "Not found"))
          const unknown = read(Page, yield* adminAudit(`?tenant_id=${randomUUID()}`))
          expect(unknown.data).toEqual([])
        }),
      )

      it.effect("a filter holding a NUL is a 400 naming it (D25); one no entry can match lists nothing", () =>
        Effect.gen(function* () {
          const team = yield* staffedTenant("audit-nul")
          for (const value of ["%00", "a%00b"]) {
            const platform = yield* adminAudit(`?entity_type=${value}`)
            expect(platform.status).toBe(400)
            expect(platform.body).toMatchObject({ error: { details: { entity_type: [expect.any(String)] } } })
            const tenant = yield* call("GET", `/api/v1/audit?action=${value}`, { key: team.userKey })
            expect(tenant.status).toBe(400)
            expect(tenant.body).toMatchObject({ error: { details: { action: [expect.any(String)] } } })
            const feed = yield* call(
              "GET",
              `/api/v1/changes?since=2026-01-01T00:00:00Z&entity_type=${value}`,
              {
                key: team.userKey,
              },
            )
            expect(feed.status).toBe(400)
          }
          // Bytes that are no UTF-8 decode to U+FFFD: storable text that no entry holds.
          const platform = yield* adminAudit("?entity_type=%ED%A0%80")
          expect(platform.status).toBe(200)
          expect(read(Page, platform).data).toEqual([])
          const feed = yield* call(
            "GET",
            "/api/v1/changes?since=2026-01-01T00:00:00Z&entity_type=%ED%A0%80",
            {
              key: team.userKey,
            },
          )
          expect(feed.body).toEqual({ data: [], has_more: false, next_since: null })
        }),
      )

      it.effect("every tenant role gets 403; no key gets 401", () =>
        Effect.gen(function* () {
          const team = yield* staffedTenant("audit-roles")
          for (const key of [team.userKey, team.orchestratorKey, team.workerKey]) {
            const answer = yield* adminAudit("", key)
            expect(answer.status).toBe(403)
            expect(answer.body).toEqual(envelope(403, "This endpoint requires the superadmin role"))
          }
          const anonymous = yield* call("GET", "/api/v1/admin/audit")
          expect(anonymous.status).toBe(401)
        }),
      )
    },
  )
}
