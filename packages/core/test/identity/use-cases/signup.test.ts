import { describe, expect, it } from "@effect/vitest"
import { Effect, Either, Option, TestClock } from "effect"
import { AuditLog } from "../../../src/audit/ports/audit-log.js"
import { VerifiedAuthenticator } from "../../../src/identity/domain/root-authenticator.js"
import { SignupCompletion } from "../../../src/identity/domain/signup-commands.js"
import { RootAuthenticators } from "../../../src/identity/ports/root-authenticators.js"
import { Tenants } from "../../../src/identity/ports/tenants.js"
import { Access } from "../../../src/identity/use-cases/access.js"
import { Signup, type VerifyRegistration } from "../../../src/identity/use-cases/signup.js"
import { type LoopctlError, ValidationFailed, errorEnvelope } from "../../../src/kernel/domain/errors.js"
import type { TenantId } from "../../../src/kernel/domain/ids.js"
import type { JsonObject } from "../../../src/kernel/domain/json.js"
import { UnitOfWork } from "../../../src/kernel/ports/unit-of-work.js"
import { MemoryLoopctl } from "../../../src/testing/memory/index.js"
import { commandOf } from "../../fixtures/commands.js"

/** The error envelope of a failing effect, or `{status: 201}` when it succeeds. */
const outcome = <A, R>(effect: Effect.Effect<A, LoopctlError, R>) =>
  Effect.map(Effect.either(effect), (result) =>
    Either.match(result, { onLeft: (e) => errorEnvelope(e).error, onRight: () => ({ status: 201 }) }),
  )

/**
 * A stand-in for the WebAuthn check: a response verifies when it names the challenge it was made
 * for; `credential` becomes the credential id ("YWJj" is the bytes "abc").
 */
const verify: VerifyRegistration = (challenge, response, index) =>
  response.challenge === challenge && typeof response.credential === "string"
    ? Effect.succeed(
        new VerifiedAuthenticator({
          credential_id: response.credential,
          public_key: "pQECAyYgASFYIA",
          attestation_format: index === 0 ? "packed" : "none",
          sign_count: index,
        }),
      )
    : Effect.fail(
        new ValidationFailed({ message: `Authenticator ${index + 1}: the challenge does not match` }),
      )

const CHALLENGE = "dGhlLWNoYWxsZW5nZS1ieXRlcw"

const response = (credential: string, challenge = CHALLENGE): JsonObject => ({ challenge, credential })

/** A signup body answering `challenge_id`, with overrides. */
const body = (challenge_id: string, overrides: JsonObject = {}): JsonObject => ({
  challenge_id,
  name: "Acme Robotics",
  slug: "Acme-Robotics ",
  email: " Ops@Acme.Test",
  authenticators: [
    { friendly_name: "  YubiKey 5C ", response: response("YWJj") },
    { response: response("ZGVm") },
    { friendly_name: "", response: response("Z2hp") },
  ],
  ...overrides,
})

const open = Effect.flatMap(Signup, (signup) => signup.openCeremony(CHALLENGE))

/** A body as the contract decodes it, then the use case. */
const complete = (payload: unknown) =>
  Effect.flatMap(Effect.zip(Signup, commandOf(SignupCompletion)(payload)), ([signup, command]) =>
    signup.complete(command, verify),
  )

const inTenant = <A, E, R>(tenant: TenantId, work: Effect.Effect<A, E, R>) =>
  Effect.flatMap(UnitOfWork, (uow) => uow.transact(tenant, work))

const tenantCount = Effect.flatMap(Tenants, (tenants) =>
  Effect.map(tenants.list({}, { page: 1, page_size: 100 }), (found) => found.total_count),
)

describe("Signup.complete", () => {
  it.effect(
    "stores the active tenant, its authenticators, its default user key and two human audit entries",
    () =>
      Effect.gen(function* () {
        const challenge = yield* open
        const made = yield* complete(body(challenge.id))
        expect(made.tenant).toMatchObject({
          name: "Acme Robotics",
          slug: "acme-robotics",
          email: "ops@acme.test",
          status: "active",
          settings: {},
        })
        expect(made.api_key).toMatchObject({ role: "user", name: "default", agent_id: null })
        expect(made.api_key.raw_key).toMatch(/^lc_[A-Za-z0-9_-]{40}$/)

        const { caller } = yield* (yield* Access).authenticate(made.api_key.raw_key)
        expect(caller).toMatchObject({ tenant_id: made.tenant.id, role: "user" })

        const enrolled = yield* inTenant(
          made.tenant.id,
          Effect.flatMap(RootAuthenticators, (repo) => repo.list),
        )
        expect(
          enrolled.map((a) => [a.friendly_name, a.credential_id, a.attestation_format, a.sign_count]),
        ).toEqual(
          expect.arrayContaining([
            ["YubiKey 5C", "YWJj", "packed", 0],
            ["Backup authenticator 1", "ZGVm", "none", 1],
            ["Backup authenticator 2", "Z2hp", "none", 2],
          ]),
        )
        expect(enrolled).toHaveLength(3)

        const audit = yield* inTenant(
          made.tenant.id,
          Effect.flatMap(AuditLog, (log) => log.list({}, { page: 1, page_size: 10 })),
        )
        const created = audit.items.find((e) => e.action === "tenant_created")
        expect(created).toMatchObject({
          entity_type: "tenant",
          entity_id: made.tenant.id,
          actor_type: "human",
          actor_id: null,
          actor_label: "human:webauthn",
          new_state: {
            name: "Acme Robotics",
            slug: "acme-robotics",
            email: "ops@acme.test",
            authenticator_count: 3,
            // SHA-256("abc") = ba7816bf8f01cfea…, SHA-256("def") = cb8379ac2098aa16…, SHA-256("ghi") = 50ae61e8…
            authenticator_fingerprints: ["ba7816bf8f01cfea", "cb8379ac2098aa16", "50ae61e841fac4e8"],
          },
        })
        const keyEntry = audit.items.find((e) => e.entity_type === "api_key")
        expect(keyEntry).toMatchObject({
          action: "created",
          entity_id: made.api_key.id,
          actor_type: "human",
          actor_label: "human:webauthn",
          new_state: { name: "default", role: "user" },
        })
        expect(audit.items).toHaveLength(2)
      }).pipe(Effect.provide(MemoryLoopctl)),
  )

  it.effect("reports every problem of the body at once, with field details", () =>
    Effect.gen(function* () {
      expect(yield* outcome(complete({}))).toEqual({
        status: 422,
        message: "Validation failed",
        details: {
          challenge_id: ["can't be blank"],
          name: ["can't be blank"],
          slug: ["can't be blank"],
          email: ["can't be blank"],
          authenticators: ["Enroll at least one authenticator"],
        },
      })
      const challenge = yield* open
      const tooMany = Array.from({ length: 6 }, (_, i) => ({ response: response(`Y3JlZA${i}`) }))
      expect(yield* outcome(complete(body(challenge.id, { authenticators: tooMany })))).toMatchObject({
        status: 422,
        details: { authenticators: ["At most 5 authenticators can be enrolled"] },
      })
      expect(yield* outcome(complete(body(challenge.id, { authenticators: [] })))).toMatchObject({
        status: 422,
        details: { authenticators: ["Enroll at least one authenticator"] },
      })
      expect(
        yield* outcome(
          complete(
            body("not-a-uuid", {
              slug: "-bad-",
              authenticators: [
                { friendly_name: 7, response: response("YWJj") },
                { friendly_name: "x".repeat(121) },
                3,
              ],
            }),
          ),
        ),
      ).toEqual({
        status: 422,
        message: "Validation failed",
        details: {
          challenge_id: ["is invalid"],
          slug: ["must be lowercase alphanumeric with hyphens, starting and ending with alphanumeric"],
          "authenticators.0.friendly_name": ["must be a string"],
          "authenticators.1.friendly_name": ["should be at most 120 character(s)"],
          "authenticators.1.response": ["can't be blank"],
          "authenticators.2": ["is invalid"],
        },
      })
      expect(yield* tenantCount).toBe(0)
    }).pipe(Effect.provide(MemoryLoopctl)),
  )

  it.effect("refuses an unknown, expired or already used challenge", () =>
    Effect.gen(function* () {
      const unknown = yield* outcome(complete(body("6f1c2d3e-4a5b-4c6d-8e7f-901234567890")))
      expect(unknown).toMatchObject({
        status: 422,
        details: { challenge_id: ["is unknown, expired or already used"] },
      })

      const used = yield* open
      yield* complete(body(used.id))
      expect(
        yield* outcome(complete(body(used.id, { slug: "other", email: "other@acme.test" }))),
      ).toMatchObject({
        status: 422,
        details: { challenge_id: ["is unknown, expired or already used"] },
      })

      const late = yield* open
      yield* TestClock.adjust("15 minutes")
      expect(
        yield* outcome(complete(body(late.id, { slug: "late", email: "late@acme.test" }))),
      ).toMatchObject({
        status: 422,
        details: { challenge_id: ["is unknown, expired or already used"] },
      })
      expect(yield* tenantCount).toBe(1)
    }).pipe(Effect.provide(MemoryLoopctl)),
  )

  it.effect("a failed verification stores nothing and leaves the challenge usable", () =>
    Effect.gen(function* () {
      const challenge = yield* open
      const forged = body(challenge.id, {
        authenticators: [
          { response: response("YWJj") },
          { response: response("ZGVm", "c29tZXRoaW5nLWVsc2U") },
        ],
      })
      expect(yield* outcome(complete(forged))).toEqual({
        status: 422,
        message: "Authenticator 2: the challenge does not match",
      })
      expect(yield* tenantCount).toBe(0)
      expect(yield* outcome(complete(body(challenge.id)))).toEqual({ status: 201 })
    }).pipe(Effect.provide(MemoryLoopctl)),
  )

  it.effect("a taken slug or email is 409; nothing is stored and the challenge stays usable", () =>
    Effect.gen(function* () {
      const first = yield* open
      yield* complete(body(first.id))
      const second = yield* open
      const fresh = [{ response: response("amts") }]
      expect(
        yield* outcome(complete(body(second.id, { email: "new@acme.test", authenticators: fresh }))),
      ).toEqual({ status: 409, message: "Slug already taken" })
      expect(yield* outcome(complete(body(second.id, { slug: "new-slug", authenticators: fresh })))).toEqual({
        status: 409,
        message: "Email already taken",
      })
      expect(yield* tenantCount).toBe(1)
      expect(
        yield* outcome(
          complete(body(second.id, { slug: "new-slug", email: "new@acme.test", authenticators: fresh })),
        ),
      ).toEqual({ status: 201 })
    }).pipe(Effect.provide(MemoryLoopctl)),
  )

  it.effect("an authenticator enrolled twice, or already enrolled by another tenant, is 422", () =>
    Effect.gen(function* () {
      const challenge = yield* open
      const twice = body(challenge.id, {
        authenticators: [{ response: response("YWJj") }, { response: response("YWJj") }],
      })
      expect(yield* outcome(complete(twice))).toMatchObject({
        status: 422,
        details: { authenticators: ["contain the same authenticator more than once"] },
      })
      yield* complete(body(challenge.id))
      const other = yield* open
      const reused = body(other.id, {
        slug: "globex",
        email: "ops@globex.test",
        authenticators: [{ response: response("bW5v") }, { response: response("ZGVm") }],
      })
      expect(yield* outcome(complete(reused))).toMatchObject({
        status: 422,
        message: "An authenticator is already enrolled for another tenant",
      })
      expect(Option.isNone(yield* Effect.flatMap(Tenants, (t) => t.findBySlug("globex")))).toBe(true)
    }).pipe(Effect.provide(MemoryLoopctl)),
  )
})

describe("Signup.admit (D10)", () => {
  it.effect("lets five attempts per address through in a clock hour, then 429 until the next hour", () =>
    Effect.gen(function* () {
      const signup = yield* Signup
      yield* TestClock.adjust("10 minutes")
      for (let i = 0; i < 5; i++) yield* signup.admit("203.0.113.9")
      expect(yield* outcome(signup.admit("203.0.113.9"))).toEqual({
        status: 429,
        message: "Too many registration attempts. Please try again later.",
        retry_after_seconds: 3000,
      })
      // Another address has its own count.
      expect(yield* outcome(signup.admit("198.51.100.4"))).toEqual({ status: 201 })
      yield* TestClock.adjust("50 minutes")
      expect(yield* outcome(signup.admit("203.0.113.9"))).toEqual({ status: 201 })
    }).pipe(Effect.provide(MemoryLoopctl)),
  )
})
