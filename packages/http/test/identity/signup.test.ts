import { randomUUID } from "node:crypto"
import { HttpServer } from "@effect/platform"
import * as SqlClient from "@effect/sql/SqlClient"
import { describe, expect, layer } from "@effect/vitest"
import { DatabaseAccess } from "@loopctl/adapters-pg"
import { Effect, Layer, Schema } from "effect"
import { microsTimestamp } from "../support/answers.js"
import {
  backends,
  call,
  envelope,
  issueKey,
  provisionTenant,
  read,
  registerAgent,
  storedOccurrences,
  uniqueSlug,
} from "../support/identity-support.js"
import { SoftwareAuthenticator } from "../support/software-authenticator.js"
import { type Answer, collectLogs, loopbackProxy, realServer, rootKey, send } from "../support/support.js"

/**
 * Tenant signup with WebAuthn over HTTP (platform.md §2.3, D9, D10), on the production stack:
 * software authenticators answer the server's challenges as browsers would, so the JSON ceremony
 * runs end to end with the real @simplewebauthn verification. The two POST routes share 5
 * requests per hour per client address. The server sees every test request from 127.0.0.1, a
 * local address, so it reads the client from `X-Forwarded-For` as behind a proxy: each case
 * speaks from an address of its own and is not limited by the others. The limit itself is
 * tested on servers of its own, from the bare peer address.
 */

const uuid = expect.stringMatching(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/)
const timestamp = expect.stringMatching(microsTimestamp)

/** Addresses from a documentation range (RFC 5737), a new one for every case. */
let lastAddress = 0
const freshAddress = () => {
  lastAddress += 1
  return `203.0.113.${lastAddress}`
}

/**
 * Waits out the last seconds of a clock hour: the limit counts per clock hour, so a case that
 * straddled the boundary would see its count restart.
 */
const awayFromTheHour = Effect.suspend(() => {
  const left = 3600 - ((Date.now() / 1000) % 3600)
  return left < 30 ? Effect.sleep(`${Math.ceil(left) + 1} seconds`) : Effect.void
})

/** The origin the server expects by default: `http://localhost:<its port>`. */
const serverOrigin = Effect.map(HttpServer.HttpServer, (server) =>
  server.address._tag === "TcpAddress" ? `http://localhost:${server.address.port}` : "http://localhost",
)

const post = (path: string, body: unknown, address?: string) =>
  call("POST", path, { body, headers: address === undefined ? {} : { "x-forwarded-for": address } })

const Options = Schema.Struct({
  challenge_id: Schema.String,
  publicKey: Schema.Struct({ challenge: Schema.String }),
})

/** A started ceremony: what the authenticators must sign, and how to finish it. */
interface Ceremony {
  readonly challenge_id: string
  readonly challenge: string
  readonly origin: string
  readonly address: string
}

/** `POST /signup/options` from `address`. */
const begin = (address: string) =>
  Effect.gen(function* () {
    const answer = yield* post("/signup/options", {}, address)
    if (answer.status !== 200) throw new Error(`signup options: ${answer.status} ${answer.text}`)
    const { challenge_id, publicKey } = read(Options, answer)
    return {
      challenge_id,
      challenge: publicKey.challenge,
      origin: yield* serverOrigin,
      address,
    } satisfies Ceremony
  })

/** The tenant fields of a signup, unique per call. */
const tenantFields = (label: string) => {
  const slug = uniqueSlug(label)
  return { name: `Tenant ${label}`, slug, email: `root@${slug}.test` }
}

/** Each authenticator answers the ceremony's challenge; the first is named, the others take defaults. */
const enrollments = (ceremony: Ceremony, authenticators: ReadonlyArray<SoftwareAuthenticator>) =>
  authenticators.map((authenticator, index) => ({
    ...(index === 0 ? { friendly_name: "Desk key" } : {}),
    response: authenticator.register({
      challenge: ceremony.challenge,
      origin: ceremony.origin,
      rpId: "localhost",
      format: index % 2 === 0 ? "packed" : "none",
    }),
  }))

const complete = (ceremony: Ceremony, body: Readonly<Record<string, unknown>>) =>
  post("/signup/complete", { challenge_id: ceremony.challenge_id, ...body }, ceremony.address)

/** Runs SQL on the owner path (no row-level security), to see what the server stored. */
const owner = <A>(query: (sql: SqlClient.SqlClient) => Effect.Effect<A, unknown>) =>
  Effect.gen(function* () {
    const sql = yield* SqlClient.SqlClient
    const access = yield* DatabaseAccess
    return yield* Effect.orDie(access.asOwner(query(sql)))
  })

/** How many tenants have this slug. */
const tenantsWithSlug = (slug: string) =>
  owner((sql) =>
    Effect.map(
      sql<{ readonly n: number }>`SELECT count(*)::integer AS n FROM tenants WHERE slug = ${slug}`,
      (rows) => rows[0]?.n ?? -1,
    ),
  )

/** How many root authenticators exist in every tenant. */
const authenticatorCount = owner((sql) =>
  Effect.map(
    sql<{ readonly n: number }>`SELECT count(*)::integer AS n FROM tenant_root_authenticators`,
    (rows) => rows[0]?.n ?? -1,
  ),
)

const detailsOf = (answer: Answer): Readonly<Record<string, ReadonlyArray<string>>> =>
  read(
    Schema.Struct({
      error: Schema.Struct({
        details: Schema.optionalWith(
          Schema.Record({ key: Schema.String, value: Schema.Array(Schema.String) }),
          {
            default: () => ({}),
          },
        ),
      }),
    }),
    answer,
  ).error.details

const messageOf = (answer: Answer): string =>
  read(Schema.Struct({ error: Schema.Struct({ message: Schema.String }) }), answer).error.message

for (const { name, database } of backends) {
  // The cases stand for many clients behind a local proxy, each with an address of its own (D30).
  const server = realServer(database, { trustedProxies: loopbackProxy }).pipe(Layer.provide(collectLogs([])))

  layer(server, { timeout: 120_000, excludeTestServices: true })(`signup on ${name}`, (it) => {
    it.effect(
      "GET /signup is a self-contained HTML page that runs the ceremony against the JSON routes",
      () =>
        Effect.gen(function* () {
          const page = yield* send("/signup")
          expect(page.status).toBe(200)
          expect(page.headers.get("content-type")).toContain("text/html")
          expect(page.text).toContain("navigator.credentials.create")
          expect(page.text).toContain("/signup/options")
          expect(page.text).toContain("/signup/complete")
          // Nothing is loaded from elsewhere: no script, style or image sources at all.
          expect(page.text).not.toMatch(/<script[^>]+src=|<link[^>]+href=|<img/i)
        }),
    )

    it.effect("the signup routes are public and listed in /api/v1/routes and the OpenAPI document", () =>
      Effect.gen(function* () {
        const routes = yield* call("GET", "/api/v1/routes", { key: rootKey })
        const listed = read(
          Schema.Struct({
            routes: Schema.Array(
              Schema.Struct({
                method: Schema.String,
                path: Schema.String,
                role: Schema.String,
                description: Schema.String,
              }),
            ),
          }),
          routes,
        ).routes.filter((route) => route.path.startsWith("/signup"))
        expect(listed).toEqual([
          { method: "GET", path: "/signup", role: "public", description: expect.any(String) },
          { method: "POST", path: "/signup/options", role: "public", description: expect.any(String) },
          { method: "POST", path: "/signup/complete", role: "public", description: expect.any(String) },
        ])
        const openApi = yield* send("/api/v1/openapi")
        const paths = read(
          Schema.Struct({ paths: Schema.Record({ key: Schema.String, value: Schema.Unknown }) }),
          openApi,
        ).paths
        expect(Object.keys(paths)).toEqual(
          expect.arrayContaining(["/signup", "/signup/options", "/signup/complete"]),
        )
      }),
    )

    it.effect("POST /signup/options answers a challenge id and creation options for rp localhost", () =>
      Effect.gen(function* () {
        const answer = yield* post("/signup/options", {}, freshAddress())
        expect(answer.status).toBe(200)
        expect(answer.body).toMatchObject({
          challenge_id: uuid,
          publicKey: {
            challenge: expect.stringMatching(/^[A-Za-z0-9_-]{32,}$/),
            rp: { name: "loopctl", id: "localhost" },
            user: { id: expect.any(String), name: expect.any(String) },
            pubKeyCredParams: expect.arrayContaining([{ alg: -7, type: "public-key" }]),
            timeout: 300_000,
            attestation: "none",
          },
        })
        const again = read(Options, yield* post("/signup/options", {}, freshAddress()))
        expect(again.publicKey.challenge).not.toBe(read(Options, answer).publicKey.challenge)
      }),
    )

    it.effect(
      "a full ceremony creates the tenant with its first user key (201, as D9); the key works and is stored nowhere",
      () =>
        Effect.gen(function* () {
          const ceremony = yield* begin(freshAddress())
          const keys = [new SoftwareAuthenticator(), new SoftwareAuthenticator()]
          const fields = tenantFields("signup")
          const created = yield* complete(ceremony, {
            ...fields,
            slug: ` ${fields.slug.toUpperCase()} `,
            email: fields.email.toUpperCase(),
            authenticators: enrollments(ceremony, keys),
          })
          expect(created.status).toBe(201)
          expect(created.body).toEqual({
            tenant: {
              id: uuid,
              name: fields.name,
              slug: fields.slug,
              email: fields.email,
              settings: {},
              status: "active",
              default_story_budget_millicents: null,
              token_data_retention_days: null,
              inserted_at: timestamp,
              updated_at: timestamp,
            },
            api_key: {
              id: uuid,
              raw_key: expect.stringMatching(/^lc_[A-Za-z0-9_-]{40}$/),
              key_prefix: expect.any(String),
              role: "user",
              name: "default",
              agent_id: null,
              expires_at: null,
              inserted_at: timestamp,
            },
          })
          const { tenant, api_key } = read(
            Schema.Struct({
              tenant: Schema.Struct({ id: Schema.String }),
              api_key: Schema.Struct({
                id: Schema.String,
                raw_key: Schema.String,
                key_prefix: Schema.String,
              }),
            }),
            created,
          )
          expect(api_key.key_prefix).toBe(api_key.raw_key.slice(0, 8))

          const me = yield* call("GET", "/api/v1/tenants/me", { key: api_key.raw_key })
          expect(me.status).toBe(200)
          expect(me.body).toMatchObject({ tenant: { id: tenant.id, slug: fields.slug, status: "active" } })

          const audit = yield* call("GET", "/api/v1/audit", { key: api_key.raw_key })
          expect(audit.status).toBe(200)
          const entries = read(
            Schema.Struct({
              data: Schema.Array(Schema.Record({ key: Schema.String, value: Schema.Unknown })),
            }),
            audit,
          ).data
          expect(entries).toEqual(
            expect.arrayContaining([
              expect.objectContaining({
                entity_type: "tenant",
                entity_id: tenant.id,
                action: "tenant_created",
                actor_type: "human",
                actor_id: null,
                actor_label: "human:webauthn",
                new_state: {
                  name: fields.name,
                  slug: fields.slug,
                  email: fields.email,
                  authenticator_count: 2,
                  authenticator_fingerprints: keys.map((key) => key.fingerprint),
                },
              }),
              expect.objectContaining({
                entity_type: "api_key",
                entity_id: api_key.id,
                action: "created",
                actor_type: "human",
                actor_label: "human:webauthn",
                new_state: expect.objectContaining({ name: "default", role: "user" }),
              }),
            ]),
          )
          expect(entries).toHaveLength(2)

          const stored = yield* owner(
            (sql) =>
              sql<{
                readonly credential_id: string
                readonly friendly_name: string
                readonly attestation_format: string
              }>`SELECT credential_id, friendly_name, attestation_format FROM tenant_root_authenticators
               WHERE tenant_id = ${tenant.id} ORDER BY friendly_name`,
          )
          expect(stored).toEqual([
            {
              credential_id: keys[1]?.id,
              friendly_name: "Backup authenticator 1",
              attestation_format: "none",
            },
            { credential_id: keys[0]?.id, friendly_name: "Desk key", attestation_format: "packed" },
          ])
          expect((yield* storedOccurrences(api_key.raw_key)).found).toBe(0)
        }),
    )

    it.effect(
      "a bad signature is 422 naming the failure, stores nothing, and leaves the challenge usable",
      () =>
        Effect.gen(function* () {
          const ceremony = yield* begin(freshAddress())
          const key = new SoftwareAuthenticator()
          const fields = tenantFields("forged")
          const forged = yield* complete(ceremony, {
            ...fields,
            authenticators: [
              {
                response: key.register({
                  challenge: ceremony.challenge,
                  origin: ceremony.origin,
                  rpId: "localhost",
                  format: "packed",
                  tamper: "signature",
                }),
              },
            ],
          })
          expect(forged.status).toBe(422)
          expect(messageOf(forged)).toMatch(/^Invalid attestation of authenticator 1: .*signature/i)
          expect(detailsOf(forged)).toHaveProperty(["authenticators.0.response"])
          expect(yield* tenantsWithSlug(fields.slug)).toBe(0)
          const honest = yield* complete(ceremony, {
            ...fields,
            authenticators: enrollments(ceremony, [key]),
          })
          expect(honest.status).toBe(201)
          expect(yield* tenantsWithSlug(fields.slug)).toBe(1)
        }),
    )

    it.effect("a garbled attestation object, a response of another kind or a wrong origin is 422", () =>
      Effect.gen(function* () {
        const ceremony = yield* begin(freshAddress())
        const key = new SoftwareAuthenticator()
        const fields = tenantFields("garbled")
        const before = yield* authenticatorCount
        const attempt = (response: unknown) =>
          complete(ceremony, { ...fields, authenticators: [{ response }] })
        const base = { challenge: ceremony.challenge, rpId: "localhost" }

        const garbled = yield* attempt(key.register({ ...base, origin: ceremony.origin, tamper: "garbled" }))
        expect(garbled.status).toBe(422)
        expect(messageOf(garbled)).toMatch(/^Invalid attestation of authenticator 1: /)

        const elsewhere = yield* attempt(key.register({ ...base, origin: "https://evil.example" }))
        expect(elsewhere.status).toBe(422)
        expect(messageOf(elsewhere)).toMatch(/origin/i)
        expect(messageOf(elsewhere)).toContain("https://evil.example")

        const assertion = yield* attempt(
          key.register({ ...base, origin: ceremony.origin, type: "webauthn.get" }),
        )
        expect(assertion.status).toBe(422)

        const notAResponse = yield* attempt({ hello: "world" })
        expect(notAResponse.status).toBe(422)
        expect(messageOf(notAResponse)).toContain("not a WebAuthn registration response")

        expect(yield* tenantsWithSlug(fields.slug)).toBe(0)
        expect(yield* authenticatorCount).toBe(before)
      }),
    )

    it.effect("an unknown challenge, and a challenge already used by a finished signup, are 422", () =>
      Effect.gen(function* () {
        const ceremony = yield* begin(freshAddress())
        const key = new SoftwareAuthenticator()
        const unknown = yield* complete(
          { ...ceremony, challenge_id: randomUUID() },
          { ...tenantFields("unknown"), authenticators: enrollments(ceremony, [key]) },
        )
        expect(unknown.status).toBe(422)
        expect(detailsOf(unknown)).toEqual({ challenge_id: ["is unknown, expired or already used"] })

        const done = yield* complete(ceremony, {
          ...tenantFields("first"),
          authenticators: enrollments(ceremony, [key]),
        })
        expect(done.status).toBe(201)
        const again = tenantFields("replay")
        const replayed = yield* complete(ceremony, {
          ...again,
          authenticators: enrollments(ceremony, [new SoftwareAuthenticator()]),
        })
        expect(replayed.status).toBe(422)
        expect(detailsOf(replayed)).toEqual({ challenge_id: ["is unknown, expired or already used"] })
        expect(yield* tenantsWithSlug(again.slug)).toBe(0)
      }),
    )

    it.effect("no authenticator, six authenticators and missing fields are 422 with details", () =>
      Effect.gen(function* () {
        const ceremony = yield* begin(freshAddress())
        const none = yield* complete(ceremony, { ...tenantFields("none"), authenticators: [] })
        expect(none.status).toBe(422)
        expect(detailsOf(none)).toEqual({ authenticators: ["Enroll at least one authenticator"] })

        const six = Array.from({ length: 6 }, () => new SoftwareAuthenticator())
        const tooMany = yield* complete(ceremony, {
          ...tenantFields("six"),
          authenticators: enrollments(ceremony, six),
        })
        expect(tooMany.status).toBe(422)
        expect(detailsOf(tooMany)).toEqual({ authenticators: ["At most 5 authenticators can be enrolled"] })

        const empty = yield* post("/signup/complete", {}, ceremony.address)
        expect(empty.status).toBe(422)
        expect(empty.body).toEqual({
          error: {
            status: 422,
            message: "Validation failed",
            details: {
              challenge_id: ["can't be blank"],
              name: ["can't be blank"],
              slug: ["can't be blank"],
              email: ["can't be blank"],
              authenticators: ["Enroll at least one authenticator"],
            },
          },
        })
        const before = yield* authenticatorCount
        const twice = new SoftwareAuthenticator()
        const duplicated = yield* complete(ceremony, {
          ...tenantFields("twice"),
          authenticators: enrollments(ceremony, [twice, twice]),
        })
        expect(duplicated.status).toBe(422)
        expect(detailsOf(duplicated)).toEqual({
          authenticators: ["contain the same authenticator more than once"],
        })
        expect(yield* authenticatorCount).toBe(before)
      }),
    )

    it.effect("a taken slug or email is 409; after fixing it the same ceremony succeeds", () =>
      Effect.gen(function* () {
        const existing = yield* provisionTenant("taken")
        const ceremony = yield* begin(freshAddress())
        const enrolled = enrollments(ceremony, [new SoftwareAuthenticator()])
        const fresh = tenantFields("fresh")

        const slugTaken = yield* complete(ceremony, {
          ...fresh,
          slug: existing.slug,
          authenticators: enrolled,
        })
        expect(slugTaken.status).toBe(409)
        expect(slugTaken.body).toEqual(envelope(409, "Slug already taken"))

        const emailTaken = yield* complete(ceremony, {
          ...fresh,
          email: `OPS@${existing.slug}.test`,
          authenticators: enrolled,
        })
        expect(emailTaken.status).toBe(409)
        expect(emailTaken.body).toEqual(envelope(409, "Email already taken"))
        expect(yield* tenantsWithSlug(fresh.slug)).toBe(0)

        const fixed = yield* complete(ceremony, { ...fresh, authenticators: enrolled })
        expect(fixed.status).toBe(201)
      }),
    )

    it.effect("an authenticator that is already another tenant's root cannot be enrolled again (422)", () =>
      Effect.gen(function* () {
        const key = new SoftwareAuthenticator()
        const first = yield* begin(freshAddress())
        expect(
          (yield* complete(first, { ...tenantFields("owner"), authenticators: enrollments(first, [key]) }))
            .status,
        ).toBe(201)
        const second = yield* begin(freshAddress())
        const fields = tenantFields("thief")
        const reused = yield* complete(second, { ...fields, authenticators: enrollments(second, [key]) })
        expect(reused.status).toBe(422)
        expect(messageOf(reused)).toBe("An authenticator is already enrolled for another tenant")
        expect(yield* tenantsWithSlug(fields.slug)).toBe(0)
      }),
    )
  })

  // The limit's counts need a database of their own, so each of these cases has its own server.
  describe(`the signup rate limit on ${name} (D10)`, () => {
    layer(server, { timeout: 120_000, excludeTestServices: true })("from one address", (it) => {
      it.effect(
        "the 6th POST to /signup/* within the hour is 429 with Retry-After; other routes are not limited",
        () =>
          Effect.gen(function* () {
            yield* awayFromTheHour
            const answers: Array<Answer> = []
            for (let i = 0; i < 3; i++) {
              answers.push(yield* post("/signup/options", {}))
              answers.push(yield* post("/signup/complete", {}))
            }
            expect(answers.map((answer) => answer.status)).toEqual([200, 422, 200, 422, 200, 429])
            const refused = answers[5]
            if (refused === undefined) throw new Error("no sixth answer")
            const retryAfter = Number(refused.headers.get("retry-after"))
            expect(retryAfter).toBeGreaterThanOrEqual(1)
            expect(retryAfter).toBeLessThanOrEqual(3600)
            expect(refused.body).toEqual({
              error: {
                status: 429,
                message: "Too many registration attempts. Please try again later.",
                retry_after_seconds: retryAfter,
              },
            })
            expect((yield* post("/signup/options", {})).status).toBe(429)

            // Not limited: the page, the superadmin's tenant creation and agent registration.
            expect((yield* send("/signup")).status).toBe(200)
            const tenant = yield* provisionTenant("after-limit")
            const agentKey = yield* issueKey(tenant.userKey, { name: "agent", role: "agent" })
            yield* registerAgent(agentKey.raw, "agent-after-limit", "implementer")

            // Another client (behind a local proxy) has a count of its own.
            expect((yield* post("/signup/options", {}, freshAddress())).status).toBe(200)
          }),
      )
    })

    layer(server, { timeout: 120_000, excludeTestServices: true })("with bodies of the wrong shape", (it) => {
      it.effect("they count too: the limit is checked before the body is decoded", () =>
        Effect.gen(function* () {
          yield* awayFromTheHour
          const statuses: Array<number> = []
          for (let i = 0; i < 5; i++) statuses.push((yield* post("/signup/complete", [1, 2])).status)
          statuses.push((yield* post("/signup/options", {})).status)
          expect(statuses).toEqual([422, 422, 422, 422, 422, 429])
        }),
      )
    })
  })
}
