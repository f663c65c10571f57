import { describe, expect, it } from "@effect/vitest"
import { Effect, Either, Option } from "effect"
import { Actor, PlatformActor } from "../../../src/identity/domain/actor.js"
import { IdentityActions } from "../../../src/identity/policy/identity-actions.js"
import { Forbidden } from "../../../src/kernel/domain/errors.js"
import { ApiKeyId, TenantId } from "../../../src/kernel/domain/ids.js"
import { timestampFromNanos } from "../../../src/kernel/domain/timestamp.js"
import {
  type CurrentActor,
  type Policy,
  admitRole,
  policyRequire,
  policyUse,
} from "../../../src/kernel/policy/policy.js"
import type { Role } from "../../../src/work/domain/status.js"
import { admittedBy } from "../../fixtures/perform-as.js"

/**
 * The identity action table: who each action admits, where it acts (inside a tenant, or on the
 * platform for the superadmin's actions), and that a grant is good for its own action only.
 */

const rootKey = ApiKeyId.make("1d000000-0000-4000-8000-000000000001")
const tenant = TenantId.make("1d000000-0000-4000-8000-000000000002")
const platform = new PlatformActor({ api_key_id: rootKey, key_name: "root" })
const actor = (role: Role) =>
  new Actor({
    tenant_id: tenant,
    api_key_id: ApiKeyId.make("1d000000-0000-4000-8000-000000000003"),
    key_name: "k",
    role,
    agent_id: null,
  })
const impersonating = new Actor({
  tenant_id: tenant,
  api_key_id: rootKey,
  key_name: "root",
  role: "superadmin",
  agent_id: null,
  impersonation: { tenant_slug: "acme", impersonated_at: timestampFromNanos(0n), effective_role: null },
})

const needsSuperadmin = new Forbidden({ message: "This endpoint requires the superadmin role" })
const needsHeader = new Forbidden({ message: "Superadmin must use X-Impersonate-Tenant header" })

const platformActions = [
  IdentityActions.createTenant,
  IdentityActions.listTenants,
  IdentityActions.inspectTenant,
  IdentityActions.administerTenant,
  IdentityActions.suspendTenant,
  IdentityActions.activateTenant,
  IdentityActions.platformStats,
]

describe("the platform actions", () => {
  it("admit a superadmin outside every tenant, and an impersonating one as its platform self", () => {
    for (const action of platformActions) {
      expect(admittedBy(platform, action)).toEqual(Either.right(platform))
      expect(admittedBy(impersonating, action)).toEqual(Either.right(platform))
    }
  })

  it("refuse every tenant role with the superadmin message", () => {
    for (const action of platformActions)
      for (const role of ["user", "orchestrator", "agent"] as const)
        expect(admittedBy(actor(role), action)).toEqual(Either.left(needsSuperadmin))
  })

  it("are admitted by the middleware without a tenant scope", () => {
    const admitted = admitRole(IdentityActions.createTenant, platform)
    expect(Either.map(admitted, (acting) => Option.map(acting.admission, (a) => a.action))).toEqual(
      Either.right(Option.some("Tenant.create")),
    )
    expect(admitRole(IdentityActions.createApiKey, platform)).toEqual(Either.left(needsHeader))
  })
})

describe("the tenant actions", () => {
  it("refuse a superadmin that impersonates nobody (D21)", () => {
    for (const action of [
      IdentityActions.showTenant,
      IdentityActions.updateTenant,
      IdentityActions.createApiKey,
      IdentityActions.listAgents,
    ])
      expect(admittedBy(platform, action)).toEqual(Either.left(needsHeader))
  })

  it("admit the roles of platform.md §4.2", () => {
    const admits = (action: Policy<string, unknown>, role: Role) =>
      Either.isRight(admittedBy(actor(role), action))
    const roles = ["superadmin", "user", "orchestrator", "agent"] as const
    expect(roles.filter((r) => admits(IdentityActions.showTenant, r))).toEqual(roles)
    expect(roles.filter((r) => admits(IdentityActions.updateTenant, r))).toEqual(["superadmin", "user"])
    expect(roles.filter((r) => admits(IdentityActions.rotateApiKey, r))).toEqual(["superadmin", "user"])
    expect(roles.filter((r) => admits(IdentityActions.showAgent, r))).toEqual([
      "superadmin",
      "user",
      "orchestrator",
    ])
    expect(roles.filter((r) => admits(IdentityActions.registerAgent, r))).toEqual(["agent"])
  })
})

describe("grants", () => {
  it.effect("are good for their own action only (checked by the compiler)", () =>
    Effect.gen(function* () {
      const createsKey = policyRequire(IdentityActions.createApiKey)((admitted) =>
        Effect.succeed(admitted.role),
      )
      const createsTenant = policyRequire(IdentityActions.createTenant)((admin) =>
        Effect.succeed(admin.label),
      )
      const right: Effect.Effect<string, Forbidden, CurrentActor> = createsKey.pipe(
        policyUse(IdentityActions.createApiKey),
      )
      // @ts-expect-error the grant of ApiKey.list does not satisfy ApiKey.create
      const wrong: Effect.Effect<string, Forbidden, CurrentActor> = createsKey.pipe(
        policyUse(IdentityActions.listApiKeys),
      )
      // @ts-expect-error a tenant action's grant does not satisfy a platform action
      const misplaced: Effect.Effect<string, Forbidden, CurrentActor> = createsTenant.pipe(
        policyUse(IdentityActions.updateTenant),
      )
      // @ts-expect-error a platform grant carries no tenant
      policyRequire(IdentityActions.listTenants)((admin) => Effect.succeed(admin.tenant_id))
      expect([right, wrong, misplaced].length).toBe(3)
    }),
  )
})
