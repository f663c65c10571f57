import { Schema, Struct } from "effect"
import { AgentId, ApiKeyId, TenantId } from "../../kernel/domain/ids.js"
import { Timestamp } from "../../kernel/domain/timestamp.js"
import { Role } from "../../work/domain/status.js"

/** The first 8 characters of a raw key (`lc_` and 5 more), kept so a person can tell keys apart. */
export const KeyPrefix = Schema.String.pipe(Schema.minLength(1), Schema.maxLength(8))

/** Lowercase hex SHA-256 of the whole raw key: the only form in which a key is stored. */
export const KeyHash = Schema.String.pipe(Schema.pattern(/^[0-9a-f]{64}$/))

const apiKeyFields = {
  id: ApiKeyId,
  tenant_id: Schema.NullOr(TenantId),
  name: Schema.String.pipe(Schema.minLength(1)),
  key_prefix: KeyPrefix,
  key_hash: KeyHash,
  role: Role,
  agent_id: Schema.NullOr(AgentId),
  last_used_at: Schema.NullOr(Timestamp),
  expires_at: Schema.NullOr(Timestamp),
  revoked_at: Schema.NullOr(Timestamp),
  inserted_at: Timestamp,
  updated_at: Timestamp,
  /** The key this one replaced by rotation; null for a key that was created. */
  rotated_from: Schema.optionalWith(Schema.NullOr(ApiKeyId), { default: () => null }),
  /** When this key was rotated (it has a successor then and is in its grace period); null before. */
  rotated_at: Schema.optionalWith(Schema.NullOr(Timestamp), { default: () => null }),
}

/**
 * A bearer credential. Its role never changes; only a superadmin key lives outside every tenant,
 * and every other key belongs to exactly one. The raw key itself is never kept.
 */
export class ApiKey extends Schema.Class<ApiKey>("ApiKey")(
  Schema.Struct(apiKeyFields).pipe(
    Schema.filter((key) => {
      if (key.role === "superadmin" && key.tenant_id !== null)
        return { path: ["tenant_id"], message: "superadmin keys must not have a tenant_id" }
      if (key.role !== "superadmin" && key.tenant_id === null)
        return { path: ["tenant_id"], message: "is required for non-superadmin keys" }
      return undefined
    }),
  ),
) {}

/** What the API shows of a stored key when listing it: never the hash, never the raw key. */
export class PublicApiKey extends Schema.Class<PublicApiKey>("PublicApiKey")(
  Struct.pick(
    apiKeyFields,
    "id",
    "name",
    "key_prefix",
    "role",
    "agent_id",
    "last_used_at",
    "expires_at",
    "revoked_at",
    "inserted_at",
  ),
) {}

/** The listing view of a stored key. */
export const publicApiKey = (key: ApiKey): PublicApiKey =>
  new PublicApiKey(
    Struct.pick(
      key,
      "id",
      "name",
      "key_prefix",
      "role",
      "agent_id",
      "last_used_at",
      "expires_at",
      "revoked_at",
      "inserted_at",
    ),
  )

/** A key as handed out on creation or rotation: the only moment the raw key is ever shown. */
export class IssuedApiKey extends Schema.Class<IssuedApiKey>("IssuedApiKey")({
  ...Struct.pick(apiKeyFields, "id", "key_prefix", "role", "name", "agent_id", "expires_at", "inserted_at"),
  raw_key: Schema.String.pipe(Schema.minLength(1)),
}) {}
