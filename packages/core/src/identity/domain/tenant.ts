import { Schema } from "effect"
import { TenantId } from "../../kernel/domain/ids.js"
import { JsonObject } from "../../kernel/domain/json.js"
import { Timestamp } from "../../kernel/domain/timestamp.js"
import { ProjectSlug } from "../../work/domain/project.js"

/** Where a tenant stands: only `active` tenants' keys get through; the others get 403. */
export const TenantStatus = Schema.Literal("active", "suspended", "deactivated", "pending_enrollment")
export type TenantStatus = typeof TenantStatus.Type

/** A tenant slug: globally unique, same shape as a project slug. */
export const TenantSlug = ProjectSlug

/** The contact address of a tenant, loosely checked (something@host.tld). */
export const TenantEmail = Schema.String.pipe(
  Schema.pattern(/^[^\s@]+@[^\s@]+\.[^\s@]+$/, { message: () => "must be a valid email address" }),
)

/** An organisation using loopctl: owns projects, keys, agents and webhooks, isolated from the others. */
export class Tenant extends Schema.Class<Tenant>("Tenant")({
  id: TenantId,
  name: Schema.String.pipe(Schema.minLength(1)),
  slug: TenantSlug,
  email: TenantEmail,
  settings: JsonObject,
  status: TenantStatus,
  default_story_budget_millicents: Schema.NullOr(Schema.Int.pipe(Schema.positive())),
  token_data_retention_days: Schema.NullOr(Schema.Int.pipe(Schema.greaterThanOrEqualTo(30))),
  inserted_at: Timestamp,
  updated_at: Timestamp,
}) {}

const AtLeastOne = Schema.Int.pipe(Schema.greaterThanOrEqualTo(1))
const PositiveFactor = Schema.Number.pipe(Schema.positive(), Schema.finite())

/**
 * The tenant settings loopctl itself reads, each resolved to a usable value. The stored
 * `settings` object stays free-form: unknown keys are kept, and this is only a reading of it.
 */
export const TenantSettings = Schema.Struct({
  rate_limit_requests_per_minute: Schema.Int.pipe(Schema.between(1, 100_000)),
  max_api_keys: AtLeastOne,
  max_projects: AtLeastOne,
  max_webhooks: AtLeastOne,
  webhook_max_consecutive_failures: AtLeastOne,
  webhook_event_retention_days: AtLeastOne,
  webhook_require_https: Schema.Boolean,
  auto_reset_on_rejection: Schema.Boolean,
  knowledge_auto_extract: Schema.Boolean,
  anomaly_high_multiplier: PositiveFactor,
  anomaly_low_multiplier: PositiveFactor,
})
export type TenantSettings = typeof TenantSettings.Type

/** What a tenant gets for every setting it has not set (or has set to something unusable). */
export const defaultTenantSettings: TenantSettings = {
  rate_limit_requests_per_minute: 300,
  max_api_keys: 100,
  max_projects: 50,
  max_webhooks: 10,
  webhook_max_consecutive_failures: 10,
  webhook_event_retention_days: 30,
  webhook_require_https: false,
  auto_reset_on_rejection: true,
  knowledge_auto_extract: true,
  anomaly_high_multiplier: 3.0,
  anomaly_low_multiplier: 0.1,
}

/**
 * Reads a tenant's `settings` object. A missing, null, wrongly typed or out-of-range value never
 * breaks a caller (the original crashed its rate limiter on a string): it falls back to the default.
 * The anomaly multipliers are also read under their alternative names `cost_anomaly_high_factor`
 * and `cost_anomaly_low_factor`; the `anomaly_*_multiplier` names win when both are usable.
 */
export const tenantSettings = (settings: JsonObject): TenantSettings => {
  const fields = TenantSettings.fields
  const read = <A>(schema: Schema.Schema<A>, key: string, fallback: A): A => {
    const value = settings[key]
    return Schema.is(schema)(value) ? value : fallback
  }
  const d = defaultTenantSettings
  return {
    rate_limit_requests_per_minute: read(
      fields.rate_limit_requests_per_minute,
      "rate_limit_requests_per_minute",
      d.rate_limit_requests_per_minute,
    ),
    max_api_keys: read(fields.max_api_keys, "max_api_keys", d.max_api_keys),
    max_projects: read(fields.max_projects, "max_projects", d.max_projects),
    max_webhooks: read(fields.max_webhooks, "max_webhooks", d.max_webhooks),
    webhook_max_consecutive_failures: read(
      fields.webhook_max_consecutive_failures,
      "webhook_max_consecutive_failures",
      d.webhook_max_consecutive_failures,
    ),
    webhook_event_retention_days: read(
      fields.webhook_event_retention_days,
      "webhook_event_retention_days",
      d.webhook_event_retention_days,
    ),
    webhook_require_https: read(
      fields.webhook_require_https,
      "webhook_require_https",
      d.webhook_require_https,
    ),
    auto_reset_on_rejection: read(
      fields.auto_reset_on_rejection,
      "auto_reset_on_rejection",
      d.auto_reset_on_rejection,
    ),
    knowledge_auto_extract: read(
      fields.knowledge_auto_extract,
      "knowledge_auto_extract",
      d.knowledge_auto_extract,
    ),
    anomaly_high_multiplier: read(
      fields.anomaly_high_multiplier,
      "anomaly_high_multiplier",
      read(fields.anomaly_high_multiplier, "cost_anomaly_high_factor", d.anomaly_high_multiplier),
    ),
    anomaly_low_multiplier: read(
      fields.anomaly_low_multiplier,
      "anomaly_low_multiplier",
      read(fields.anomaly_low_multiplier, "cost_anomaly_low_factor", d.anomaly_low_multiplier),
    ),
  }
}
