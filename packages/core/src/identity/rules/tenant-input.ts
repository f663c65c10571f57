import { Either, Schema } from "effect"
import type { DuplicateKey } from "../../kernel/domain/duplicate-key.js"
import { type BadRequest, Conflict, ValidationFailed } from "../../kernel/domain/errors.js"
import { type JsonObject, isJsonObject } from "../../kernel/domain/json.js"
import { QueryProblems, choiceParameter } from "../../kernel/domain/query-parameters.js"
import type { Timestamp } from "../../kernel/domain/timestamp.js"
import { FieldProblems } from "../../kernel/rules/field-problems.js"
import { isUnstorable, unstorableProblem } from "../../kernel/rules/storable-text.js"
import type { TenantFilter } from "../domain/tenant-filter.js"
import type { TenantSettingMaxima } from "../domain/tenant-setting-maxima.js"
import { Tenant, TenantEmail, TenantSettings, TenantSlug, type TenantStatus } from "../domain/tenant.js"

/**
 * What a tenant body may say: the creation body of the superadmin path (D9) and the PATCH of
 * `/tenants/me` and `/admin/tenants/:id` (platform.md §1.3), with the Rec's validation of the
 * settings loopctl reads.
 */

const NAME_MAX = 255
const RETENTION_MAX_DAYS = 36_500
const isSlug = Schema.is(TenantSlug)
const isEmail = Schema.is(TenantEmail)
const slugMessage = "must be lowercase alphanumeric with hyphens, starting and ending with alphanumeric"

const isInteger = (value: unknown): value is number =>
  typeof value === "number" && Number.isSafeInteger(value)

const nameOf = (value: unknown, problems: FieldProblems): string => {
  const name = typeof value === "string" ? value.trim() : ""
  if (name === "") problems.add("name", "can't be blank")
  else if (name.length > NAME_MAX) problems.add("name", `should be at most ${NAME_MAX} character(s)`)
  return name
}

/** Slugs are compared lower-cased and trimmed, as signup does. */
const slugOf = (value: unknown, problems: FieldProblems): string => {
  const slug = typeof value === "string" ? value.trim().toLowerCase() : ""
  if (slug === "") problems.add("slug", "can't be blank")
  else if (slug.length < 2 || slug.length > 63)
    problems.add("slug", "should be between 2 and 63 character(s)")
  else if (!isSlug(slug)) problems.add("slug", slugMessage)
  return slug
}

const emailOf = (value: unknown, problems: FieldProblems): string => {
  const email = typeof value === "string" ? value.trim().toLowerCase() : ""
  if (email === "") problems.add("email", "can't be blank")
  else if (email.length > 320 || !isEmail(email)) problems.add("email", "must be a valid email address")
  return email
}

const settingRules = TenantSettings.fields
const atLeastOne = (key: string) => `${key} must be an integer of at least 1`

/** The problem with one provided setting, if any. Null is always accepted (it "deletes" the key). */
const settingProblem = (key: string, value: unknown): string | undefined => {
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
 * A usable setting that is still above the platform's maximum for it, if it is one the maxima
 * cover: a tenant cannot raise its own rate limit or project allowance past the ceiling.
 */
export const maximumProblem = (
  key: string,
  value: unknown,
  maxima: TenantSettingMaxima,
): string | undefined => {
  const max = key === "rate_limit_requests_per_minute" || key === "max_projects" ? maxima[key] : undefined
  return max !== undefined && typeof value === "number" && value > max
    ? `${key} must be at most ${max} (the platform maximum)`
    : undefined
}

/**
 * Checks a settings patch: a JSON object whose known keys hold usable values, within `maxima`
 * when given. Unknown keys are kept as they are. Problems land in `details.settings`.
 */
const settingsPatchOf = (
  value: unknown,
  problems: FieldProblems,
  maxima?: TenantSettingMaxima,
): JsonObject => {
  if (!isJsonObject(value)) {
    problems.add("settings", "is invalid")
    return {}
  }
  for (const [key, setting] of Object.entries(value)) {
    const problem =
      settingProblem(key, setting) ??
      (maxima === undefined ? undefined : maximumProblem(key, setting, maxima))
    if (problem !== undefined) problems.add("settings", problem)
  }
  return value
}

/** Provided keys replace stored ones; the others stay (a shallow merge, platform.md §1.3). */
export const mergeSettings = (current: JsonObject, patch: JsonObject): JsonObject => ({
  ...current,
  ...patch,
})

/** A valid new tenant (D9). */
export interface TenantInput {
  readonly name: string
  readonly slug: string
  readonly email: string
  readonly settings: JsonObject
}

/** The creation body `{name, slug, email, settings?}`: the three are required (422 `details.<field>`). */
export const parseTenantCreation = (body: unknown): Either.Either<TenantInput, ValidationFailed> => {
  const input = isJsonObject(body) ? body : {}
  const problems = new FieldProblems()
  const name = nameOf(input.name, problems)
  const slug = slugOf(input.slug, problems)
  const email = emailOf(input.email, problems)
  const settings =
    input.settings === undefined || input.settings === null ? {} : settingsPatchOf(input.settings, problems)
  return problems.result(() => ({ name, slug, email, settings }))
}

/** The writable fields of a tenant, each present only when the PATCH body names it. */
export interface TenantChanges {
  readonly name?: string
  readonly slug?: string
  readonly email?: string
  readonly settings?: JsonObject
  readonly default_story_budget_millicents?: number | null
  readonly token_data_retention_days?: number | null
}

const budgetOf = (value: unknown, problems: FieldProblems): number | null => {
  if (value === null) return null
  if (!isInteger(value)) problems.add("default_story_budget_millicents", "must be an integer")
  else if (value <= 0) problems.add("default_story_budget_millicents", "must be greater than 0")
  else return value
  return null
}

const retentionOf = (value: unknown, problems: FieldProblems): number | null => {
  if (value === null) return null
  if (!isInteger(value)) problems.add("token_data_retention_days", "must be an integer")
  else if (value < 30) problems.add("token_data_retention_days", "must be at least 30 days")
  else if (value > RETENTION_MAX_DAYS)
    problems.add("token_data_retention_days", `must be at most ${RETENTION_MAX_DAYS} days`)
  else return value
  return null
}

/**
 * The PATCH body of a tenant. Writable: name, slug, email, settings (a shallow merge onto
 * `current`), default_story_budget_millicents and token_data_retention_days. Any other field
 * (status, id, …) is ignored. Every problem is reported at once. A tenant changing itself passes
 * the platform's `maxima`; the superadmin passes none.
 */
export const parseTenantUpdate = (
  body: unknown,
  current: Tenant,
  maxima?: TenantSettingMaxima,
): Either.Either<TenantChanges, ValidationFailed> => {
  const input = isJsonObject(body) ? body : {}
  const problems = new FieldProblems()
  const changes: {
    -readonly [K in keyof TenantChanges]: TenantChanges[K]
  } = {}
  if ("name" in input) changes.name = nameOf(input.name, problems)
  if ("slug" in input) changes.slug = slugOf(input.slug, problems)
  if ("email" in input) changes.email = emailOf(input.email, problems)
  if ("settings" in input)
    changes.settings = mergeSettings(current.settings, settingsPatchOf(input.settings, problems, maxima))
  if ("default_story_budget_millicents" in input)
    changes.default_story_budget_millicents = budgetOf(input.default_story_budget_millicents, problems)
  if ("token_data_retention_days" in input)
    changes.token_data_retention_days = retentionOf(input.token_data_retention_days, problems)
  return problems.result(() => changes)
}

const sameJson = (a: unknown, b: unknown): boolean => JSON.stringify(a) === JSON.stringify(b)

/** A tenant after its changes, and the before/after of the fields that really changed (for audit). */
export interface TenantUpdate {
  readonly tenant: Tenant
  /** The names of the fields whose value changed. */
  readonly changed: ReadonlyArray<string>
  readonly old_state: JsonObject
  readonly new_state: JsonObject
}

export const applyTenantChanges = (current: Tenant, changes: TenantChanges, at: Timestamp): TenantUpdate => {
  const next = { ...current, ...changes }
  const keys: ReadonlyArray<keyof TenantChanges> = [
    "name",
    "slug",
    "email",
    "settings",
    "default_story_budget_millicents",
    "token_data_retention_days",
  ]
  const changed = keys.filter((key) => key in changes && !sameJson(current[key], next[key]))
  const old_state: Record<string, unknown> = {}
  const new_state: Record<string, unknown> = {}
  for (const key of changed) {
    old_state[key] = current[key]
    new_state[key] = next[key]
  }
  const tenant = changed.length === 0 ? current : new Tenant({ ...next, updated_at: at })
  return { tenant, changed, old_state, new_state }
}

/** Suspending needs a tenant that is not suspended already (422 otherwise). */
export const checkSuspension = (tenant: Tenant): Either.Either<Tenant, ValidationFailed> =>
  tenant.status === "suspended"
    ? Either.left(new ValidationFailed({ message: "Tenant is already suspended" }))
    : Either.right(tenant)

/** Activating works from any status but active (422 then). */
export const checkActivation = (tenant: Tenant): Either.Either<Tenant, ValidationFailed> =>
  tenant.status === "active"
    ? Either.left(new ValidationFailed({ message: "Tenant is already active" }))
    : Either.right(tenant)

const tenantStatuses: ReadonlyArray<TenantStatus> = [
  "active",
  "suspended",
  "deactivated",
  "pending_enrollment",
]

/**
 * The superadmin's list query: a blank search is no filter; a status must be a tenant status, and
 * a search must be text the store can hold (400 otherwise, D25/D26).
 */
export const tenantListFilter = (query: {
  readonly status?: unknown
  readonly search?: unknown
}): Either.Either<TenantFilter, BadRequest> => {
  const problems = new QueryProblems()
  const status = choiceParameter(query.status, "status", tenantStatuses, problems)
  const search = typeof query.search === "string" ? query.search.trim() : ""
  if (isUnstorable(search)) problems.add("search", unstorableProblem)
  return problems.result(() => ({
    ...(status === undefined ? {} : { status }),
    ...(search === "" ? {} : { search }),
  }))
}

/** A PATCH that renames the tenant to a slug another tenant holds. */
export const slugTaken = () => ValidationFailed.ofFields({ slug: ["has already been taken"] })

/** A PATCH refused by the store: the slug or the email (both unique) belongs to another tenant. */
export const tenantFieldTaken = (error: DuplicateKey) =>
  ValidationFailed.ofFields({ [error.key === "email" ? "email" : "slug"]: ["has already been taken"] })

/** A new tenant refused by the store: 409 naming the slug or the email another tenant holds. */
export const tenantTaken = (error: DuplicateKey) =>
  new Conflict({ message: error.key === "email" ? "Email already taken" : "Slug already taken" })
