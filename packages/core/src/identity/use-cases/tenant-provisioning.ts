import { Effect } from "effect"
import type { Conflict } from "../../kernel/domain/errors.js"
import { type AgentId, ApiKeyId, TenantId } from "../../kernel/domain/ids.js"
import { type Timestamp, now } from "../../kernel/domain/timestamp.js"
import { type Ids, freshId } from "../../kernel/ports/ids.js"
import { UnitOfWork } from "../../kernel/ports/unit-of-work.js"
import type { Role } from "../../work/domain/status.js"
import { ApiKey } from "../domain/api-key.js"
import type { TenantInput } from "../domain/tenant-commands.js"
import { Tenant } from "../domain/tenant.js"
import { ApiKeys } from "../ports/api-keys.js"
import { Secrets, keyPrefixOf } from "../ports/secrets.js"
import { Tenants } from "../ports/tenants.js"
import { tenantTaken } from "../rules/tenant-input.js"
import { type ProvisionedTenant, issued } from "./access-results.js"

/**
 * Creating a tenant with its first key, shared by the two ways a tenant comes to be: the
 * superadmin's `POST /api/v1/admin/tenants` (D9) and the WebAuthn signup (§2.3). Both store the
 * same rows in one transaction and answer the same body; they differ in what else commits with
 * them (audit entries naming their actor, the signup's authenticators and challenge).
 */

/** A fresh key of `role`, not yet stored, with its raw value (the only time it exists). */
export const mintApiKey = (
  tenant: TenantId | null,
  fields: { readonly name: string; readonly role: Role; readonly agent_id: AgentId | null },
  expires_at: Timestamp | null,
  at: Timestamp,
): Effect.Effect<{ readonly key: ApiKey; readonly raw: string }, never, Secrets | Ids> =>
  Effect.gen(function* () {
    const secrets = yield* Secrets
    const raw = yield* secrets.generateApiKey
    const key = new ApiKey({
      id: yield* freshId(ApiKeyId),
      tenant_id: tenant,
      name: fields.name,
      key_prefix: keyPrefixOf(raw),
      key_hash: yield* secrets.hashApiKey(raw),
      role: fields.role,
      agent_id: fields.agent_id,
      last_used_at: null,
      expires_at,
      revoked_at: null,
      inserted_at: at,
      updated_at: at,
    })
    return { key, raw }
  })

/** What else a provisioning commits, around the tenant and its key. */
export interface ProvisioningSteps<E1, R1, E2, R2> {
  /** Runs first in the transaction, before the tenant exists (e.g. consuming a signup challenge). */
  readonly first: Effect.Effect<void, E1, R1>
  /** Runs in the new tenant's scope once the tenant and its key are stored (audit entries, …). */
  readonly furnish: (tenant: Tenant, key: ApiKey) => Effect.Effect<void, E2, R2>
}

/**
 * An active tenant from `input` and its first key, a `user` key named "default", stored in one
 * platform transaction together with `steps`. A slug or email another tenant holds is 409
 * ("Slug already taken" / "Email already taken"); then nothing is stored.
 */
export const provisionTenant = <E1, R1, E2, R2>(
  input: TenantInput,
  steps: ProvisioningSteps<E1, R1, E2, R2>,
): Effect.Effect<
  ProvisionedTenant,
  Conflict | E1 | E2,
  R1 | R2 | UnitOfWork | Tenants | ApiKeys | Secrets | Ids
> =>
  Effect.gen(function* () {
    const uow = yield* UnitOfWork
    const tenants = yield* Tenants
    const apiKeys = yield* ApiKeys
    const at = yield* now
    const tenant = new Tenant({
      id: yield* freshId(TenantId),
      ...input,
      status: "active",
      default_story_budget_millicents: null,
      token_data_retention_days: null,
      inserted_at: at,
      updated_at: at,
    })
    const { key, raw } = yield* mintApiKey(
      tenant.id,
      { name: "default", role: "user", agent_id: null },
      null,
      at,
    )
    yield* uow.transactPlatform(
      Effect.gen(function* () {
        yield* steps.first
        yield* Effect.mapError(tenants.insert(tenant), tenantTaken)
        yield* uow.transact(
          tenant.id,
          // A clash of random key hashes is a defect, not the caller's problem.
          Effect.zipRight(Effect.orDie(apiKeys.insert(key)), steps.furnish(tenant, key)),
        )
      }),
    )
    return { tenant, api_key: issued(key, raw) } satisfies ProvisionedTenant
  })
