import { describe, expect, it } from "@effect/vitest"
import { Either, FastCheck } from "effect"
import { TenantPatch } from "../../../src/identity/domain/tenant-commands.js"
import { Tenant } from "../../../src/identity/domain/tenant.js"
import type { TenantSettingMaxima } from "../../../src/identity/ports/platform-limits.js"
import { maximumProblem, tenantChanges } from "../../../src/identity/rules/tenant-input.js"
import { TenantId } from "../../../src/kernel/domain/ids.js"
import { timestampFromNanos } from "../../../src/kernel/domain/timestamp.js"
import { decodeCommand } from "../../fixtures/commands.js"

/** A PATCH body as the contract decodes it, then the rule. */
const parseTenantUpdate = (body: unknown, current: Tenant, maxima?: TenantSettingMaxima) =>
  Either.flatMap(decodeCommand(TenantPatch)(body), (patch) => tenantChanges(patch, current, maxima))

/** The platform's ceiling on the settings a tenant writes for itself. */

const at = timestampFromNanos(1_767_225_600_000_000_000n)
const tenant = new Tenant({
  id: TenantId.make("7e1a0000-0000-4000-8000-0000000000aa"),
  name: "Acme",
  slug: "acme",
  email: "ops@acme.dev",
  settings: {},
  status: "active",
  default_story_budget_millicents: null,
  token_data_retention_days: null,
  inserted_at: at,
  updated_at: at,
})

const arbMaxima: FastCheck.Arbitrary<TenantSettingMaxima> = FastCheck.record({
  rate_limit_requests_per_minute: FastCheck.integer({ min: 1, max: 100_000 }),
  max_projects: FastCheck.integer({ min: 1, max: 1_000_000 }),
})
const arbCapped = FastCheck.constantFrom("rate_limit_requests_per_minute" as const, "max_projects" as const)

const settingsProblems = (result: Either.Either<unknown, unknown>): ReadonlyArray<unknown> =>
  Either.match(result, {
    onRight: () => [],
    onLeft: (error) => {
      const details = typeof error === "object" && error !== null ? Reflect.get(error, "details") : undefined
      const problems = typeof details === "object" && details !== null ? Reflect.get(details, "settings") : []
      return Array.isArray(problems) ? problems : []
    },
  })

describe("the platform maxima of tenant settings", () => {
  it.prop(
    "a tenant's own update is refused exactly when a capped setting is above its maximum, naming both",
    [arbMaxima, arbCapped, FastCheck.integer({ min: 1, max: 100_000 })],
    ([maxima, key, value]) => {
      const result = parseTenantUpdate({ settings: { [key]: value } }, tenant, maxima)
      const expected = `${key} must be at most ${maxima[key]} (the platform maximum)`
      expect(settingsProblems(result)).toEqual(value > maxima[key] ? [expected] : [])
      expect(maximumProblem(key, value, maxima)).toBe(value > maxima[key] ? expected : undefined)
    },
  )

  it.prop(
    "without maxima (the superadmin's update) only the settings' own bounds apply",
    [arbCapped, FastCheck.integer({ min: 1, max: 100_000 })],
    ([key, value]) => {
      expect(Either.isRight(parseTenantUpdate({ settings: { [key]: value } }, tenant))).toBe(true)
    },
  )

  it.prop(
    "settings the maxima do not cover are not held to them",
    [
      arbMaxima,
      FastCheck.constantFrom("max_api_keys", "max_webhooks", "custom"),
      FastCheck.integer({ min: 1 }),
    ],
    ([maxima, key, value]) => {
      expect(maximumProblem(key, value, maxima)).toBeUndefined()
    },
  )
})
