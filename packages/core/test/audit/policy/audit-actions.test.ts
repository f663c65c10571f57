import { describe, expect, it } from "@effect/vitest"
import { Effect, Either } from "effect"
import { AuditActions } from "../../../src/audit/policy/audit-actions.js"
import { Actor, PlatformActor } from "../../../src/identity/domain/actor.js"
import { Forbidden } from "../../../src/kernel/domain/errors.js"
import { ApiKeyId, TenantId } from "../../../src/kernel/domain/ids.js"
import {
  type CurrentActor,
  type Policy,
  policyRequire,
  policyUse,
} from "../../../src/kernel/policy/policy.js"
import type { Role } from "../../../src/work/domain/status.js"
import { admittedBy } from "../../fixtures/perform-as.js"

/** The audit action table: the tenant's reads (a superadmin only by impersonating) and the platform's. */

const platform = new PlatformActor({
  api_key_id: ApiKeyId.make("ad000000-0000-4000-8000-000000000001"),
  key_name: "root",
})
const actor = (role: Role) =>
  new Actor({
    tenant_id: TenantId.make("ad000000-0000-4000-8000-000000000002"),
    api_key_id: ApiKeyId.make("ad000000-0000-4000-8000-000000000003"),
    key_name: "k",
    role,
    agent_id: null,
  })
const roles = ["superadmin", "user", "orchestrator", "agent"] as const
const admitting = (action: Policy<string, unknown>) =>
  roles.filter((role) => Either.isRight(admittedBy(actor(role), action)))

describe("the audit actions", () => {
  it("let user and up read the trail, every role the feed and a story's history", () => {
    expect(admitting(AuditActions.list)).toEqual(["superadmin", "user"])
    expect(admitting(AuditActions.changes)).toEqual(roles)
    expect(admitting(AuditActions.storyHistory)).toEqual(roles)
  })

  it("keep the tenant's reads from a superadmin that impersonates nobody, and the platform's to it", () => {
    const needsHeader = new Forbidden({ message: "Superadmin must use X-Impersonate-Tenant header" })
    for (const action of [AuditActions.list, AuditActions.changes, AuditActions.storyHistory])
      expect(admittedBy(platform, action)).toEqual(Either.left(needsHeader))
    expect(admittedBy(platform, AuditActions.listPlatform)).toEqual(Either.right(platform))
    expect(admittedBy(actor("user"), AuditActions.listPlatform)).toEqual(
      Either.left(new Forbidden({ message: "This endpoint requires the superadmin role" })),
    )
  })

  it.effect("grant each read alone (checked by the compiler)", () =>
    Effect.gen(function* () {
      const reads = policyRequire(AuditActions.list)((reader) => Effect.succeed(reader.role))
      // @ts-expect-error the grant of Audit.changes does not satisfy Audit.list
      const wrong: Effect.Effect<string, Forbidden, CurrentActor> = reads.pipe(
        policyUse(AuditActions.changes),
      )
      expect(wrong).toBeDefined()
    }),
  )
})
