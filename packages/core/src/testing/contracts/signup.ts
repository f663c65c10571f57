import { Data, Effect, Option, Schema } from "effect"
import { RootAuthenticator, RootAuthenticatorId } from "../../identity/domain/root-authenticator.js"
import type { Tenant } from "../../identity/domain/tenant.js"
import { RootAuthenticators } from "../../identity/ports/root-authenticators.js"
import { SignupChallenge, SignupChallenges } from "../../identity/ports/signup-challenges.js"
import { Tenants } from "../../identity/ports/tenants.js"
import type { Timestamp } from "../../kernel/domain/timestamp.js"
import { type Ids, freshId } from "../../kernel/ports/ids.js"
import { UnitOfWork } from "../../kernel/ports/unit-of-work.js"
import {
  type ContractSuite,
  contractCase,
  expectEqual,
  expectFailure,
  expectNone,
  expectSome,
  expectTrue,
} from "./contract.js"
import { aTenant, freshTenant, instant, within } from "./fixtures.js"

class Abandoned extends Data.TaggedError("Abandoned")<{}> {}

/** A url-safe token no other case uses (credential ids and challenges are base64url). */
const aToken = Effect.map(freshId(Schema.UUID), (uuid) => `tok_${uuid.replace(/-/g, "")}`)

const anAuthenticator = (
  tenant: Tenant,
  overrides: Partial<RootAuthenticator> = {},
): Effect.Effect<RootAuthenticator, never, Ids> =>
  Effect.gen(function* () {
    return new RootAuthenticator({
      id: yield* freshId(RootAuthenticatorId),
      tenant_id: tenant.id,
      credential_id: yield* aToken,
      public_key: "pQECAyYgASFYIBSm-rA_3l0VwaJqH8q9Ecd8B1X7r3cZ9FN2eN0Q",
      attestation_format: "none",
      sign_count: 0,
      friendly_name: "Primary authenticator",
      inserted_at: instant(1),
      ...overrides,
    })
  })

const aChallenge = (expires_at: Timestamp): Effect.Effect<SignupChallenge, never, Ids> =>
  Effect.gen(function* () {
    return new SignupChallenge({ id: yield* freshId(Schema.UUID), challenge: yield* aToken, expires_at })
  })

const listIn = (tenant: Tenant) =>
  within(
    tenant.id,
    Effect.flatMap(RootAuthenticators, (repo) => repo.list),
  )

const platform = <A, E, R>(work: Effect.Effect<A, E, R>) =>
  Effect.flatMap(UnitOfWork, (uow) => uow.transactPlatform(work))

/** The RootAuthenticators port: a tenant's signup authenticators, credential ids unique everywhere. */
export const rootAuthenticatorsContract: ContractSuite<RootAuthenticators | Tenants | UnitOfWork | Ids> = {
  port: "RootAuthenticators",
  cases: [
    contractCase(
      "insert then list returns every field, oldest first, and only the current tenant's",
      Effect.gen(function* () {
        const mine = yield* freshTenant()
        const other = yield* freshTenant()
        const later = yield* anAuthenticator(mine, {
          friendly_name: "Backup authenticator 1 — Grüße",
          attestation_format: "packed",
          sign_count: 4_294_967_295,
          inserted_at: instant(2, 500),
        })
        const earlier = yield* anAuthenticator(mine, { inserted_at: instant(2, 1) })
        const theirs = yield* anAuthenticator(other)
        yield* within(
          mine.id,
          Effect.flatMap(RootAuthenticators, (repo) =>
            Effect.all([repo.insert(later), repo.insert(earlier)]),
          ),
        )
        yield* within(
          other.id,
          Effect.flatMap(RootAuthenticators, (repo) => repo.insert(theirs)),
        )
        yield* expectEqual(yield* listIn(mine), [earlier, later], "the tenant's authenticators")
        yield* expectEqual(yield* listIn(other), [theirs], "the other tenant's authenticators")
      }),
    ),
    contractCase(
      "a credential id enrolled by one tenant is DuplicateKey credential_id for every tenant",
      Effect.gen(function* () {
        const first = yield* freshTenant()
        const second = yield* freshTenant()
        const taken = yield* anAuthenticator(first)
        yield* within(
          first.id,
          Effect.flatMap(RootAuthenticators, (repo) => repo.insert(taken)),
        )
        const again = yield* anAuthenticator(second, { credential_id: taken.credential_id })
        const refused = yield* expectFailure(
          within(
            second.id,
            Effect.flatMap(RootAuthenticators, (repo) => repo.insert(again)),
          ),
          "DuplicateKey",
          "a credential id another tenant enrolled",
        )
        yield* expectEqual(refused.key, "credential_id", "the key of the refusal")
        yield* expectEqual(yield* listIn(second), [], "nothing stored for the second tenant")
        const twice = yield* anAuthenticator(first, { credential_id: taken.credential_id })
        yield* expectFailure(
          within(
            first.id,
            Effect.flatMap(RootAuthenticators, (repo) => repo.insert(twice)),
          ),
          "DuplicateKey",
          "the same credential id twice in one tenant",
        )
      }),
    ),
    contractCase(
      "authenticators written in a platform transaction that fails vanish with their tenant",
      Effect.gen(function* () {
        const tenant = yield* aTenant()
        const authenticator = yield* anAuthenticator(tenant)
        yield* expectFailure(
          platform(
            Effect.gen(function* () {
              yield* (yield* Tenants).insert(tenant)
              yield* within(
                tenant.id,
                Effect.flatMap(RootAuthenticators, (repo) => repo.insert(authenticator)),
              )
              return yield* new Abandoned()
            }),
          ),
          "Abandoned",
          "a failing signup transaction",
        )
        yield* expectNone(yield* (yield* Tenants).findById(tenant.id), "the rolled-back tenant")
        // The credential id is free again: a later signup may enroll it.
        const retry = yield* freshTenant()
        yield* within(
          retry.id,
          Effect.flatMap(RootAuthenticators, (repo) =>
            repo.insert(new RootAuthenticator({ ...authenticator, tenant_id: retry.id })),
          ),
        )
        yield* expectEqual((yield* listIn(retry)).length, 1, "the credential id enrolled again")
      }),
    ),
  ],
}

/** The SignupChallenges port: stored challenges, each consumable once while it lives. */
export const signupChallengesContract: ContractSuite<SignupChallenges | UnitOfWork | Ids> = {
  port: "SignupChallenges",
  cases: [
    contractCase(
      "find answers a stored challenge until it expires, without consuming it",
      Effect.gen(function* () {
        const challenges = yield* SignupChallenges
        const challenge = yield* aChallenge(instant(900, 250))
        yield* challenges.insert(challenge, instant(0))
        const found = yield* expectSome(yield* challenges.find(challenge.id, instant(10)), "a live challenge")
        yield* expectEqual(found, challenge, "the challenge after a round-trip")
        yield* expectSome(yield* challenges.find(challenge.id, instant(900, 249)), "found again, just before")
        yield* expectNone(yield* challenges.find(challenge.id, instant(900, 250)), "at its expiry")
      }),
    ),
    contractCase(
      "consume answers a live challenge once, then it is gone",
      Effect.gen(function* () {
        const challenges = yield* SignupChallenges
        const challenge = yield* aChallenge(instant(900))
        yield* challenges.insert(challenge, instant(0))
        const consumed = yield* expectSome(yield* challenges.consume(challenge.id, instant(10)), "consumed")
        yield* expectEqual(consumed, challenge, "the consumed challenge")
        yield* expectNone(yield* challenges.consume(challenge.id, instant(10)), "consumed a second time")
        yield* expectNone(yield* challenges.find(challenge.id, instant(10)), "found after its use")
      }),
    ),
    contractCase(
      "an expired challenge is never answered, and consuming it removes it",
      Effect.gen(function* () {
        const challenges = yield* SignupChallenges
        const challenge = yield* aChallenge(instant(900))
        yield* challenges.insert(challenge, instant(0))
        yield* expectNone(yield* challenges.consume(challenge.id, instant(901)), "consumed after its expiry")
        yield* expectNone(yield* challenges.find(challenge.id, instant(10)), "found after that attempt")
      }),
    ),
    contractCase(
      "insert forgets challenges that expired at or before its time, and keeps live ones",
      Effect.gen(function* () {
        const challenges = yield* SignupChallenges
        const dead = yield* aChallenge(instant(30))
        const live = yield* aChallenge(instant(31))
        yield* challenges.insert(dead, instant(0))
        yield* challenges.insert(live, instant(0))
        yield* challenges.insert(yield* aChallenge(instant(900)), instant(30))
        yield* expectNone(yield* challenges.find(dead.id, instant(0)), "an expired challenge after an insert")
        yield* expectSome(yield* challenges.find(live.id, instant(0)), "a live challenge after an insert")
      }),
    ),
    contractCase(
      "unknown and malformed ids find and consume nothing",
      Effect.gen(function* () {
        const challenges = yield* SignupChallenges
        const unknown = yield* freshId(Schema.UUID)
        for (const id of [unknown, "not-a-uuid", "", "'; DROP TABLE signup_challenges; --"]) {
          yield* expectNone(yield* challenges.find(id, instant(0)), `find ${JSON.stringify(id)}`)
          yield* expectNone(yield* challenges.consume(id, instant(0)), `consume ${JSON.stringify(id)}`)
        }
      }),
    ),
    contractCase(
      "a challenge consumed in a transaction that fails can be consumed again",
      Effect.gen(function* () {
        const challenges = yield* SignupChallenges
        const challenge = yield* aChallenge(instant(900))
        yield* challenges.insert(challenge, instant(0))
        yield* expectFailure(
          platform(
            Effect.zipRight(
              Effect.flatMap(SignupChallenges, (c) => c.consume(challenge.id, instant(10))),
              Effect.fail(new Abandoned()),
            ),
          ),
          "Abandoned",
          "a signup that fails after consuming its challenge",
        )
        yield* expectSome(yield* challenges.consume(challenge.id, instant(10)), "consumed after the rollback")
      }),
    ),
    contractCase(
      "of concurrent consumers exactly one gets the challenge",
      Effect.gen(function* () {
        const challenges = yield* SignupChallenges
        const challenge = yield* aChallenge(instant(900))
        yield* challenges.insert(challenge, instant(0))
        const answers = yield* Effect.forEach(
          Array.from({ length: 8 }),
          () => platform(Effect.flatMap(SignupChallenges, (c) => c.consume(challenge.id, instant(10)))),
          { concurrency: "unbounded" },
        )
        yield* expectTrue(
          answers.filter(Option.isSome).length === 1,
          `one consumer should get the challenge, ${answers.filter(Option.isSome).length} did`,
        )
      }),
    ),
  ],
}
