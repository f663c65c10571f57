import { Either } from "effect"
import type { DuplicateKey } from "../../kernel/domain/duplicate-key.js"
import { Conflict, ValidationFailed } from "../../kernel/domain/errors.js"
import type { JsonObject } from "../../kernel/domain/json.js"
import type { Timestamp } from "../../kernel/domain/timestamp.js"
import { FieldProblems } from "../../kernel/rules/field-problems.js"
import type { TenantCreation, TenantInput, TenantPatch } from "../domain/tenant-commands.js"
import type { TenantSettingMaxima } from "../domain/tenant-setting-maxima.js"
import { Tenant } from "../domain/tenant.js"

/**
 * What becomes of a tenant command (the shapes and their limits are the domain's
 * `tenant-commands.ts`): the platform's ceiling on the settings a tenant writes for itself, the
 * merge of settings, and the audit of what really changed.
 */

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

/** Provided keys replace stored ones; the others stay (a shallow merge, platform.md §1.3). */
export const mergeSettings = (current: JsonObject, patch: JsonObject): JsonObject => ({
  ...current,
  ...patch,
})

/** A new tenant from its creation command: no settings means none. */
export const tenantInput = (command: TenantCreation): TenantInput => ({
  name: command.name,
  slug: command.slug,
  email: command.email,
  settings: command.settings ?? {},
})

/** The writable fields of a tenant, each present only when the PATCH body names it. */
export interface TenantChanges {
  readonly name?: string
  readonly slug?: string
  readonly email?: string
  readonly settings?: JsonObject
  readonly default_story_budget_millicents?: number | null
  readonly token_data_retention_days?: number | null
}

/**
 * What a PATCH changes: its fields as given, settings shallow-merged onto `current`'s. A tenant
 * changing itself passes the platform's `maxima`, and a setting above one is refused (422 naming
 * the setting and the maximum, every such problem at once); the superadmin passes none.
 */
export const tenantChanges = (
  patch: TenantPatch,
  current: Tenant,
  maxima?: TenantSettingMaxima,
): Either.Either<TenantChanges, ValidationFailed> => {
  const problems = new FieldProblems()
  const { settings, ...fields } = patch
  if (settings !== undefined && maxima !== undefined)
    for (const [key, value] of Object.entries(settings)) {
      const problem = maximumProblem(key, value, maxima)
      if (problem !== undefined) problems.add("settings", problem)
    }
  return problems.result(() =>
    settings === undefined ? fields : { ...fields, settings: mergeSettings(current.settings, settings) },
  )
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

/** A PATCH that renames the tenant to a slug another tenant holds. */
export const slugTaken = () => ValidationFailed.ofFields({ slug: ["has already been taken"] })

/** A PATCH refused by the store: the slug or the email (both unique) belongs to another tenant. */
export const tenantFieldTaken = (error: DuplicateKey) =>
  ValidationFailed.ofFields({ [error.key === "email" ? "email" : "slug"]: ["has already been taken"] })

/** A new tenant refused by the store: 409 naming the slug or the email another tenant holds. */
export const tenantTaken = (error: DuplicateKey) =>
  new Conflict({ message: error.key === "email" ? "Email already taken" : "Slug already taken" })
