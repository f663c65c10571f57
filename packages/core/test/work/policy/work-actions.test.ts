import { describe, expect, it } from "@effect/vitest"
import { Effect, Either } from "effect"
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
import { WorkActions } from "../../../src/work/policy/work-actions.js"
import { admittedBy } from "../../fixtures/perform-as.js"

/** The work breakdown's action table: who reads, who shapes, who removes, who imports. */

const actor = (role: Role) =>
  new Actor({
    tenant_id: TenantId.make("0a000000-0000-4000-8000-000000000002"),
    api_key_id: ApiKeyId.make("0a000000-0000-4000-8000-000000000003"),
    key_name: "k",
    role,
    agent_id: null,
  })
const platform = new PlatformActor({
  api_key_id: ApiKeyId.make("0a000000-0000-4000-8000-000000000001"),
  key_name: "root",
})
const roles = ["superadmin", "user", "orchestrator", "agent"] as const
const admitting = (action: Policy<string, unknown>) =>
  roles.filter((role) => Either.isRight(admittedBy(actor(role), action)))

describe("the work actions", () => {
  it("let every role read, an orchestrator and up shape, a user and up remove", () => {
    for (const read of [
      WorkActions.readProject,
      WorkActions.listProjects,
      WorkActions.readEpic,
      WorkActions.listEpics,
      WorkActions.readStory,
      WorkActions.listStories,
      WorkActions.readArtifacts,
      WorkActions.listDependencies,
      WorkActions.readGraph,
      WorkActions.readQueue,
      WorkActions.exportWork,
    ])
      expect(admitting(read)).toEqual(roles)
    for (const shape of [
      WorkActions.createProject,
      WorkActions.updateProject,
      WorkActions.createEpic,
      WorkActions.updateEpic,
      WorkActions.createStory,
      WorkActions.updateStory,
      WorkActions.addDependency,
      WorkActions.readVerifications,
    ])
      expect(admitting(shape)).toEqual(["superadmin", "user", "orchestrator"])
    for (const remove of [
      WorkActions.archiveProject,
      WorkActions.deleteEpic,
      WorkActions.deleteStory,
      WorkActions.removeDependency,
    ])
      expect(admitting(remove)).toEqual(["superadmin", "user"])
  })

  it("let no agent import, and no superadmin act outside a tenant", () => {
    expect(admitting(WorkActions.importWork)).toEqual(["superadmin", "user", "orchestrator"])
    const needsHeader = new Forbidden({ message: "Superadmin must use X-Impersonate-Tenant header" })
    for (const action of Object.values(WorkActions))
      expect(admittedBy(platform, action)).toEqual(Either.left(needsHeader))
  })

  it.effect("grant each action alone (checked by the compiler)", () =>
    Effect.gen(function* () {
      const updates = policyRequire(WorkActions.updateStory)((writer) => Effect.succeed(writer.role))
      // @ts-expect-error the grant of Story.read does not satisfy Story.update
      const wrong: Effect.Effect<string, Forbidden, CurrentActor> = updates.pipe(
        policyUse(WorkActions.readStory),
      )
      expect(wrong).toBeDefined()
      const right: Effect.Effect<string, Forbidden, CurrentActor> = updates.pipe(
        policyUse(WorkActions.updateStory),
      )
      expect(right).toBeDefined()
    }),
  )
})
