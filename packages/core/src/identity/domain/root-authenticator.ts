import { Schema } from "effect"
import { TenantId } from "../../kernel/domain/ids.js"
import { maxCharacters } from "../../kernel/domain/text-fields.js"
import { Timestamp } from "../../kernel/domain/timestamp.js"

/** The id of a tenant's root authenticator (a uuid). */
export const RootAuthenticatorId = Schema.UUID.pipe(Schema.brand("RootAuthenticatorId"))
export type RootAuthenticatorId = typeof RootAuthenticatorId.Type

/** Binary WebAuthn values (credential ids, COSE keys) travel and are stored as unpadded base64url. */
export const Base64Url = Schema.String.pipe(
  Schema.pattern(/^[A-Za-z0-9_-]+$/, { message: () => "must be unpadded base64url" }),
)

/** A friendly name a person gives an authenticator, so they can tell their keys apart. */
export const AuthenticatorName = Schema.String.pipe(Schema.minLength(1), maxCharacters(120))

/** How an authenticator attested its key (`none`, `packed`, `tpm`, …). */
export const AttestationFormat = Schema.String.pipe(Schema.minLength(1), Schema.maxLength(32))

/**
 * An authenticator whose registration a WebAuthn ceremony has verified: what signup stores about
 * it. The verification itself happens at the edge; the core only keeps the outcome.
 */
export class VerifiedAuthenticator extends Schema.Class<VerifiedAuthenticator>("VerifiedAuthenticator")({
  credential_id: Base64Url,
  /** The credential's public key, COSE-encoded. */
  public_key: Base64Url,
  attestation_format: AttestationFormat,
  sign_count: Schema.Int.pipe(Schema.nonNegative()),
}) {}

/**
 * A hardware authenticator enrolled at signup as a root of the tenant's identity. Credential ids
 * are unique across every tenant: one physical key cannot be the root of two tenants.
 */
export class RootAuthenticator extends Schema.Class<RootAuthenticator>("RootAuthenticator")({
  id: RootAuthenticatorId,
  tenant_id: TenantId,
  credential_id: Base64Url,
  public_key: Base64Url,
  attestation_format: AttestationFormat,
  sign_count: Schema.Int.pipe(Schema.nonNegative()),
  friendly_name: AuthenticatorName,
  inserted_at: Timestamp,
}) {}
