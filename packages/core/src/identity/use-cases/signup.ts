import { Effect, Either, Encoding, Option } from "effect"
import { AuditEntry } from "../../audit/domain/audit-entry.js"
import { AuditLog } from "../../audit/ports/audit-log.js"
import { type Conflict, type RateLimited, ValidationFailed } from "../../kernel/domain/errors.js"
import { AuditEntryId, type TenantId } from "../../kernel/domain/ids.js"
import type { JsonObject } from "../../kernel/domain/json.js"
import { now } from "../../kernel/domain/timestamp.js"
import { type Ids, freshId } from "../../kernel/ports/ids.js"
import type { UnitOfWork } from "../../kernel/ports/unit-of-work.js"
import type { AuditIntent } from "../../workflow/rules/lifecycle.js"
import {
  RootAuthenticator,
  RootAuthenticatorId,
  type VerifiedAuthenticator,
} from "../domain/root-authenticator.js"
import type { SignupCompletion } from "../domain/signup-commands.js"
import type { ApiKeys } from "../ports/api-keys.js"
import { RateLimits } from "../ports/rate-limits.js"
import { RootAuthenticators } from "../ports/root-authenticators.js"
import { Secrets } from "../ports/secrets.js"
import { SignupChallenge, SignupChallenges } from "../ports/signup-challenges.js"
import type { Tenants } from "../ports/tenants.js"
import { secondsAfter } from "../rules/access.js"
import { signupLimit } from "../rules/rate-limit.js"
import {
  authenticatorTaken,
  challengeLifetimeSeconds,
  checkDistinct,
  fingerprintOf,
  signupRequest,
  unknownChallenge,
} from "../rules/signup-input.js"
import { type ProvisionedTenant, keyAudit } from "./access-results.js"
import { admit } from "./rate-limiter.js"
import { provisionTenant } from "./tenant-provisioning.js"

/**
 * Verifies one browser registration response against the challenge it must have signed: the
 * WebAuthn ceremony's checks (origin, relying party, signature, attestation). It lives at the
 * edge (HTTP); a failure is a 422 whose message says what did not verify.
 */
export type VerifyRegistration = (
  challenge: string,
  response: JsonObject,
  index: number,
) => Effect.Effect<VerifiedAuthenticator, ValidationFailed>

/** Who signup's audit entries name: a person proven by their authenticators, with no API key. */
const signupActorLabel = "human:webauthn"

/** The fingerprint of a credential id as the audit trail shows it. */
const fingerprint = (credentialId: string) =>
  Effect.gen(function* () {
    const bytes = Encoding.decodeBase64Url(credentialId)
    if (Either.isLeft(bytes))
      return yield* new ValidationFailed({ message: "An authenticator's credential id is not base64url" })
    return fingerprintOf(yield* Effect.flatMap(Secrets, (secrets) => secrets.sha256Hex(bytes.right)))
  })

/** Appends audit entries of a signup to the new tenant's trail. */
const recordSignup = (tenant: TenantId, intents: ReadonlyArray<AuditIntent>) =>
  Effect.gen(function* () {
    const at = yield* now
    const entries: Array<AuditEntry> = []
    for (const intent of intents)
      entries.push(
        new AuditEntry({
          id: yield* freshId(AuditEntryId),
          tenant_id: tenant,
          project_id: null,
          entity_type: intent.entity_type,
          entity_id: intent.entity_id,
          action: intent.action,
          actor_type: "human",
          actor_id: null,
          actor_label: signupActorLabel,
          old_state: intent.old_state,
          new_state: intent.new_state,
          metadata: {},
          inserted_at: at,
        }),
      )
    yield* Effect.flatMap(AuditLog, (log) => log.append(entries))
  })

/**
 * Tenant signup with hardware authenticators (platform.md §2.3, D9, D10): a person proves
 * possession of 1..5 WebAuthn authenticators and gets a tenant and its first `user` key (shown
 * once). Attempts are limited per client address in the store, so every server process counts
 * them together.
 */
export class Signup extends Effect.Service<Signup>()("@loopctl/core/Signup", {
  effect: Effect.gen(function* () {
    const ports = yield* Effect.context<
      | UnitOfWork
      | Tenants
      | ApiKeys
      | RootAuthenticators
      | SignupChallenges
      | Secrets
      | AuditLog
      | RateLimits
      | Ids
    >()
    const challenges = yield* SignupChallenges
    const rateLimits = yield* RateLimits
    const authenticators = yield* RootAuthenticators

    return {
      /**
       * Counts one signup attempt from `address` (5 per clock hour, D10). Over the limit it
       * fails with 429 and the seconds until the next hour.
       */
      admit: (address: string): Effect.Effect<void, RateLimited> =>
        Effect.asVoid(Effect.provideService(admit(signupLimit(address)), RateLimits, rateLimits)),

      /**
       * Stores a fresh registration challenge (made by the WebAuthn library at the edge) for 15
       * minutes; the answer's id is what the completing request names.
       */
      openCeremony: (challenge: string): Effect.Effect<SignupChallenge> =>
        Effect.gen(function* () {
          const at = yield* now
          const issued = new SignupChallenge({
            id: yield* freshId(SignupChallenge.fields.id),
            challenge,
            expires_at: secondsAfter(at, challengeLifetimeSeconds),
          })
          yield* challenges.insert(issued, at)
          return issued
        }).pipe(Effect.provide(ports)),

      /**
       * Completes a signup: takes a command whose fields the contract checked, finds its challenge (422 when
       * unknown, expired or used), has `verify` check every authenticator's response against it
       * (422 naming what failed), then in one transaction consumes the challenge and stores the
       * active tenant, its authenticators, its "default" user key and the audit entries
       * `tenant/tenant_created` and `api_key/created`. A taken slug or email is 409, an
       * authenticator already enrolled anywhere is 422; either way nothing is stored and the
       * challenge stays usable.
       */
      complete: (
        command: SignupCompletion,
        verify: VerifyRegistration,
      ): Effect.Effect<ProvisionedTenant, ValidationFailed | Conflict> =>
        Effect.gen(function* () {
          const request = signupRequest(command)
          const at = yield* now
          const challenge = yield* Effect.flatMap(challenges.find(request.challenge_id, at), (found) =>
            Option.match(found, { onNone: () => Effect.fail(unknownChallenge()), onSome: Effect.succeed }),
          )
          const enrolled = yield* Effect.forEach(request.authenticators, (enrollment, index) =>
            Effect.map(verify(challenge.challenge, enrollment.response, index), (verified) => ({
              name: enrollment.friendly_name,
              verified,
            })),
          )
          yield* checkDistinct(enrolled.map((e) => e.verified))
          const fingerprints = yield* Effect.forEach(enrolled, (e) => fingerprint(e.verified.credential_id))
          return yield* provisionTenant(request.tenant, {
            first: Effect.flatMap(challenges.consume(challenge.id, at), (consumed) =>
              Option.isSome(consumed) ? Effect.void : Effect.fail(unknownChallenge()),
            ),
            furnish: (tenant, key) =>
              Effect.gen(function* () {
                for (const { name, verified } of enrolled) {
                  const authenticator = new RootAuthenticator({
                    id: yield* freshId(RootAuthenticatorId),
                    tenant_id: tenant.id,
                    credential_id: verified.credential_id,
                    public_key: verified.public_key,
                    attestation_format: verified.attestation_format,
                    sign_count: verified.sign_count,
                    friendly_name: name,
                    inserted_at: at,
                  })
                  yield* Effect.mapError(authenticators.insert(authenticator), authenticatorTaken)
                }
                yield* recordSignup(tenant.id, [
                  {
                    entity_type: "tenant",
                    entity_id: tenant.id,
                    action: "tenant_created",
                    actor: "caller",
                    old_state: null,
                    new_state: {
                      name: tenant.name,
                      slug: tenant.slug,
                      email: tenant.email,
                      authenticator_count: enrolled.length,
                      authenticator_fingerprints: fingerprints,
                    },
                  },
                  keyAudit(key, "created"),
                ])
              }),
          })
        }).pipe(Effect.provide(ports)),
    }
  }),
}) {}
