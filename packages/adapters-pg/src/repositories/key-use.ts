import { Rules, type Timestamp, defaultTenantSettings } from "@loopctl/core"
import { sqlLiteral } from "../unit-of-work.js"

/**
 * Authentication's one statement (`ApiKeys.use`), run in the API key lookup scope: it finds the
 * key by its hash, records the use of a usable key and of its agent (best effort, at most once
 * per `staleBefore`), reads the key's tenant, and counts the request against the API limit with
 * `loopctl_rate_hit` exactly when the request will be limited — a usable key that is not a
 * superadmin's, of an active tenant. RLS stays forced: every row it touches is one the lookup
 * policies (`api_key_lookup*` on api_keys, tenants, agents) open to the key's hash, and
 * rate_limit_counters is the app role's by grant.
 *
 * It is sent through the simple-query protocol, which has no parameters, so every value is a
 * literal ({@link sqlLiteral}) or an integer (the caller checks `windowStart`).
 */

/** The setting the per-key limit is read from; the same rule as `tenantSettings` in the core. */
const perKeyLimitSetting = "rate_limit_requests_per_minute"

/**
 * The per-key limit from a tenant's settings, as `tenantSettings` reads it: an integer between
 * 1 and 100,000, else the default. Nested CASEs, so text is never cast to a number.
 */
const perKeyLimit = (settings: string): string => {
  const value = `(${settings} -> '${perKeyLimitSetting}')`
  const number = `(${settings} ->> '${perKeyLimitSetting}')::numeric`
  const fallback = String(defaultTenantSettings.rate_limit_requests_per_minute)
  return `CASE WHEN jsonb_typeof(${value}) IS DISTINCT FROM 'number' THEN ${fallback}
              WHEN ${number} BETWEEN 1 AND 100000 AND ${number} % 1 = 0 THEN ${number}::integer
              ELSE ${fallback} END`
}

/** The statement for one authentication of the key with `hash` at `at`; `windowStart` is an integer. */
export const keyUseStatement = (
  hash: string,
  at: Timestamp,
  staleBefore: Timestamp,
  windowStart: number,
): string => {
  const atValue = `${sqlLiteral(at)}::timestamptz`
  const staleValue = `${sqlLiteral(staleBefore)}::timestamptz`
  return `
WITH found AS (
  SELECT * FROM api_keys WHERE key_hash = ${sqlLiteral(hash)}
), usable AS (
  SELECT id, tenant_id, agent_id, role FROM found
  WHERE revoked_at IS NULL AND (expires_at IS NULL OR expires_at > ${atValue})
), key_use AS (
  UPDATE api_keys k SET last_used_at = ${atValue}
  FROM usable u
  WHERE k.id = u.id AND (k.last_used_at IS NULL OR k.last_used_at < ${staleValue})
  RETURNING k.id, k.last_used_at
), agent_use AS (
  UPDATE agents a SET last_seen_at = ${atValue}
  FROM usable u
  WHERE a.tenant_id = u.tenant_id AND a.id = u.agent_id
    AND (a.last_seen_at IS NULL OR a.last_seen_at < ${staleValue})
  RETURNING a.id
), limited AS (
  SELECT u.id AS key_id, t.id AS tenant_id, ${perKeyLimit("t.settings")} AS per_key_limit
  FROM usable u JOIN tenants t ON t.id = u.tenant_id
  WHERE u.role <> 'superadmin' AND t.status = 'active'
), hit AS (
  SELECT per_key_limit,
         loopctl_rate_hit(ARRAY['key:' || key_id, 'tenant:' || tenant_id],
                          ARRAY[per_key_limit, per_key_limit * ${Rules.RateLimit.tenantLimitFactor}],
                          to_timestamp(${windowStart})) AS counts
  FROM limited
)
SELECT f.id, f.tenant_id, f.name, f.key_prefix, f.key_hash, f.role, f.agent_id,
       coalesce(ku.last_used_at, f.last_used_at) AS last_used_at,
       f.expires_at, f.revoked_at, f.inserted_at, f.updated_at,
       f.rotated_from, f.rotated_at,
       to_jsonb(t.*) AS tenant,
       h.per_key_limit, h.counts
FROM found f
LEFT JOIN key_use ku ON ku.id = f.id
LEFT JOIN tenants t ON t.id = f.tenant_id
LEFT JOIN hit h ON true`
}
