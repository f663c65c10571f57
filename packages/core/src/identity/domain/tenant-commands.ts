import { Schema } from "effect"
import { blankMessage, invalidMessage, overridingMessage } from "../../kernel/domain/fields.js"
import { type JsonObject, JsonObject as JsonObjectSchema } from "../../kernel/domain/json.js"
import { nullOr, omittable, optionalNullable } from "../../kernel/domain/optional-fields.js"
import { RequiredText, characterCount } from "../../kernel/domain/text-fields.js"
import { TenantSettings } from "./tenant.js"

/**
 * What a tenant body may say, with its limits stated once: the superadmin's creation (D9), the
 * signup's tenant fields, and the PATCH of `/tenants/me` and `/admin/tenants/:id` (platform.md
 * §1.3) with the checks of the settings loopctl reads. Messages are the ones clients see in 422s.
 */

/** A tenant's name: 1..255 characters, stored trimmed. */
export const TenantName = RequiredText({ max: 255, trim: true, notText: blankMessage })

const slugMessage = "must be lowercase alphanumeric with hyphens, starting and ending with alphanumeric"

/** Text compared and stored trimmed and lower-cased, as signup and the admin path both do. */
const foldedText = Schema.String.annotations({ message: () => blankMessage }).pipe(
  Schema.compose(Schema.Trim),
  Schema.compose(Schema.Lowercase),
  Schema.filter((value) => value !== "" || blankMessage),
)

/** A tenant slug as written: 2..63 lowercase letters, digits and hyphens, alphanumeric at both ends. */
export const TenantSlugInput = foldedText.pipe(
  Schema.filter(
    (slug) =>
      (characterCount(slug) >= 2 && characterCount(slug) <= 63) || "should be between 2 and 63 character(s)",
  ),
  Schema.filter((slug) => /^[a-z0-9][a-z0-9-]*[a-z0-9]$/.test(slug) || slugMessage),
)

/** A contact address as written: something@host.tld, at most 320 characters. */
export const TenantEmailInput = foldedText.pipe(
  Schema.filter(
    (email) =>
      (characterCount(email) <= 320 && /^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(email)) ||
      "must be a valid email address",
  ),
)

const isInteger = (value: unknown): value is number =>
  typeof value === "number" && Number.isSafeInteger(value)

const settingRules = TenantSettings.fields
const atLeastOne = (key: string) => `${key} must be an integer of at least 1`

/** The problem with one provided setting, if any. Null is always accepted (it "deletes" the key). */
export const settingProblem = (key: string, value: unknown): string | undefined => {
  if (value === null) return undefined
  switch (key) {
    case "rate_limit_requests_per_minute":
      return Schema.is(settingRules.rate_limit_requests_per_minute)(value)
        ? undefined
        : `${key} must be an integer between 1 and 100000`
    case "webhook_max_consecutive_failures":
    case "webhook_event_retention_days":
      return isInteger(value) && value >= 1 ? undefined : atLeastOne(key)
    case "auto_reset_on_rejection":
    case "knowledge_auto_extract":
    case "webhook_require_https":
      return typeof value === "boolean" ? undefined : `${key} must be a boolean`
    case "anomaly_high_multiplier":
    case "anomaly_low_multiplier":
    case "cost_anomaly_high_factor":
    case "cost_anomaly_low_factor":
      return Schema.is(settingRules.anomaly_high_multiplier)(value)
        ? undefined
        : `${key} must be a positive number`
    default:
      return key.startsWith("max_") && !(isInteger(value) && value >= 1) ? atLeastOne(key) : undefined
  }
}

/**
 * A settings patch: a JSON object ("is invalid" otherwise) whose known keys hold usable values;
 * unknown keys are kept as they are. Every problem is a message of `details.settings`.
 */
export const SettingsPatch = JsonObjectSchema.annotations(overridingMessage(() => invalidMessage)).pipe(
  Schema.filter((settings) =>
    Object.entries(settings).flatMap(([key, value]) => {
      const problem = settingProblem(key, value)
      return problem === undefined ? [] : [{ path: [], message: problem }]
    }),
  ),
  Schema.annotations({
    description:
      "Tenant settings, shallow-merged into the stored ones (null stores null). Known keys are checked: " +
      "rate_limit_requests_per_minute (1..100000), max_* (≥ 1), webhook_* (≥ 1), auto_reset_on_rejection and " +
      "knowledge_auto_extract (booleans); unknown keys are kept as they are.",
  }),
)

/** A story budget in millicents: a positive integer. */
export const StoryBudget = Schema.Number.annotations({ message: () => "must be an integer" }).pipe(
  Schema.filter((value) => Number.isSafeInteger(value) || "must be an integer"),
  Schema.filter((value) => value > 0 || "must be greater than 0"),
  Schema.annotations({ jsonSchema: { type: "integer", minimum: 1 } }),
)

/** The longest token data retention, in days (a hundred years). */
export const retentionMaxDays = 36_500

/** How long token data is kept, in days: 30 .. 36500. */
export const RetentionDays = Schema.Number.annotations({ message: () => "must be an integer" }).pipe(
  Schema.filter((value) => Number.isSafeInteger(value) || "must be an integer"),
  Schema.filter((value) => value >= 30 || "must be at least 30 days"),
  Schema.filter((value) => value <= retentionMaxDays || `must be at most ${retentionMaxDays} days`),
  Schema.annotations({ jsonSchema: { type: "integer", minimum: 30, maximum: retentionMaxDays } }),
)

/** The three fields that name a tenant, required when one is created. */
export const tenantIdentityFields = {
  name: TenantName.annotations({ description: "The tenant's name (required)" }),
  slug: TenantSlugInput.annotations({
    description: "Globally unique: lowercase alphanumeric with hyphens, 2..63 characters (required)",
  }),
  email: TenantEmailInput.annotations({
    description: "Contact address (required)",
    jsonSchema: { type: "string", format: "email" },
  }),
}

/** `POST /api/v1/admin/tenants` (D9): all three of name, slug and email, and initial settings. */
export const TenantCreation = Schema.Struct({
  ...tenantIdentityFields,
  settings: optionalNullable(SettingsPatch),
}).annotations({ parseOptions: { errors: "all" } })
export type TenantCreation = typeof TenantCreation.Type

/** A valid new tenant, settings resolved. */
export interface TenantInput {
  readonly name: string
  readonly slug: string
  readonly email: string
  readonly settings: JsonObject
}

/**
 * The PATCH of a tenant: each writable field, each present only when the body names it (status,
 * id and other fields are ignored). Budget and retention may be null, which clears them.
 */
export const TenantPatch = Schema.Struct({
  name: omittable(TenantName.annotations({ description: "New name" })),
  slug: omittable(TenantSlugInput.annotations({ description: "New slug (must not be taken)" })),
  email: omittable(
    TenantEmailInput.annotations({
      description: "New contact address",
      jsonSchema: { type: "string", format: "email" },
    }),
  ),
  settings: omittable(SettingsPatch),
  default_story_budget_millicents: omittable(
    nullOr(StoryBudget).annotations({ description: "A positive integer, or null" }),
  ),
  token_data_retention_days: omittable(
    nullOr(RetentionDays).annotations({ description: "At least 30, or null" }),
  ),
}).annotations({ parseOptions: { errors: "all" } })
export type TenantPatch = typeof TenantPatch.Type
