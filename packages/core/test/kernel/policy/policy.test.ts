import { describe, expect, it } from "@effect/vitest"
import { Effect, Either, Exit, Option } from "effect"
import { Actor, PlatformActor } from "../../../src/identity/domain/actor.js"
import { RoleRule } from "../../../src/identity/policy/role-rule.js"
import { Forbidden } from "../../../src/kernel/domain/errors.js"
import { ApiKeyId, TenantId } from "../../../src/kernel/domain/ids.js"
import {
  CurrentActor,
  actingAs,
  admitRole,
  policy,
  policyRequire,
  policyUse,
} from "../../../src/kernel/policy/policy.js"

const tenant = TenantId.make("00000000-0000-4000-8000-000000000001")
const actorWith = (role: Actor["role"]) =>
  new Actor({
    tenant_id: tenant,
    role,
    key_name: "key",
    api_key_id: ApiKeyId.make("00000000-0000-4000-8000-000000000002"),
    agent_id: null,
    impersonation: null,
  })

const noLinkRefusal = new Forbidden({ message: "needs a link" })
const readIt = policy("Thing.read", RoleRule.min("agent"))
const writeIt = policy("Thing.write", RoleRule.exact("orchestrator"), (actor) =>
  actor.agent_id === null ? Either.left(noLinkRefusal) : Either.right(actor),
)

/** A use case that needs the write grant and answers the actor it ran as. */
const writeUseCase = policyRequire(writeIt)((actor) => Effect.succeed(actor.role))
const readUseCase = policyRequire(readIt)((actor) => Effect.succeed(actor.role))

describe("policy", () => {
  it.effect("admits an allowed role and hands the use case its actor", () =>
    Effect.gen(function* () {
      const role = yield* readUseCase.pipe(policyUse(readIt), actingAs(actorWith("orchestrator")))
      expect(role).toBe("orchestrator")
    }),
  )

  it.effect("refuses a role outside the rule, before the use case runs", () =>
    Effect.gen(function* () {
      let ran = false
      const watched = policyRequire(writeIt)(() =>
        Effect.sync(() => {
          ran = true
        }),
      )
      const exit = yield* Effect.exit(watched.pipe(policyUse(writeIt), actingAs(actorWith("agent"))))
      expect(exit).toEqual(
        Exit.fail(new Forbidden({ message: "This endpoint requires the orchestrator role" })),
      )
      expect(ran).toBe(false)
    }),
  )

  it.effect("runs the further gate after the role gate", () =>
    Effect.gen(function* () {
      const exit = yield* Effect.exit(
        writeUseCase.pipe(policyUse(writeIt), actingAs(actorWith("orchestrator"))),
      )
      expect(exit).toEqual(Exit.fail(noLinkRefusal))
    }),
  )

  it.effect("refuses a platform caller outside every tenant", () =>
    Effect.gen(function* () {
      const platform = new PlatformActor({
        api_key_id: ApiKeyId.make("00000000-0000-4000-8000-000000000003"),
        key_name: "root",
      })
      const exit = yield* Effect.exit(readUseCase.pipe(policyUse(readIt), actingAs(platform)))
      expect(Exit.isFailure(exit)).toBe(true)
    }),
  )

  it.effect(
    "skips the role gate the middleware already admitted for the same action, and only that one",
    () =>
      Effect.gen(function* () {
        const agent = actorWith("agent")
        const admitted = admitRole(readIt, agent)
        expect(Either.isRight(admitted)).toBe(true)
        if (Either.isLeft(admitted)) return
        expect(Option.map(admitted.right.admission, (a) => a.action)).toEqual(Option.some("Thing.read"))
        const role = yield* Effect.provideService(
          readUseCase.pipe(policyUse(readIt)),
          CurrentActor,
          admitted.right,
        )
        expect(role).toBe("agent")
        // The admission names Thing.read: the write policy still checks its own role rule and refuses.
        const exit = yield* Effect.exit(
          Effect.provideService(writeUseCase.pipe(policyUse(writeIt)), CurrentActor, admitted.right),
        )
        expect(Exit.isFailure(exit)).toBe(true)
      }),
  )

  it("refuses at admission a role outside the rule", () => {
    expect(Either.isLeft(admitRole(writeIt, actorWith("agent")))).toBe(true)
  })
})
