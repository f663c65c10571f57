import { describe, expect, it } from "@effect/vitest"
import { Effect, Either, FastCheck } from "effect"
import { PlatformActor } from "../../../src/identity/domain/actor.js"
import { ApiKeyId, StoryId } from "../../../src/kernel/domain/ids.js"
import type { Policy } from "../../../src/kernel/policy/policy.js"
import { MemoryLoopctl } from "../../../src/testing/memory/index.js"
import type { Role } from "../../../src/work/domain/status.js"
import { CheckpointActions } from "../../../src/workflow/policy/checkpoint-actions.js"
import { StoryActions } from "../../../src/workflow/policy/story-actions.js"
import { UiTestActions } from "../../../src/workflow/policy/ui-test-actions.js"
import { StoryLifecycle } from "../../../src/workflow/use-cases/story-lifecycle.js"
import { Verification } from "../../../src/workflow/use-cases/verification.js"
import { admittedBy, performAs } from "../../fixtures/perform-as.js"
import { actor, agentA, agentC, arbAgent, arbRole } from "../../fixtures/stories.js"
import type { GateFailure } from "../../fixtures/story-gates.js"
import { errorEnvelope } from "../../fixtures/wire-status.js"

const storyId = StoryId.make("00000000-0000-4000-8000-00000000ffff")
const evidence = { review_type: "team", summary: "checked" }

/**
 * The gates of the story actions as the spec has them (D1, D2, D5, D23): exactly these roles, and
 * whether the key must name its agent — any linked key (`agent-id`, 422) or an orchestrator's
 * link (`orchestrator`, 400). Written out here on purpose: the policies must admit exactly this.
 */
const expectedGates: {
  readonly [A in keyof typeof StoryActions]: {
    readonly roles: ReadonlyArray<Role>
    readonly link: "none" | "agent-id" | "orchestrator"
  }
} = {
  contract: { roles: ["agent", "orchestrator"], link: "none" },
  claim: { roles: ["agent"], link: "agent-id" },
  start: { roles: ["agent"], link: "none" },
  requestReview: { roles: ["agent"], link: "none" },
  report: { roles: ["agent", "orchestrator"], link: "agent-id" },
  unclaim: { roles: ["agent"], link: "none" },
  forceUnclaim: { roles: ["orchestrator"], link: "orchestrator" },
  reviewComplete: { roles: ["agent", "orchestrator"], link: "agent-id" },
  verify: { roles: ["orchestrator"], link: "orchestrator" },
  reject: { roles: ["orchestrator"], link: "orchestrator" },
  markComplete: { roles: ["orchestrator"], link: "orchestrator" },
  reportArtifact: { roles: ["agent", "orchestrator"], link: "none" },
  backfill: { roles: ["orchestrator"], link: "orchestrator" },
}

const storyActionNames = Object.keys(expectedGates) as ReadonlyArray<keyof typeof StoryActions>

/** The table as one record type, so each policy can be judged by name. */
const policies: { readonly [A in keyof typeof StoryActions]: Policy<string, GateFailure> } = StoryActions

describe("StoryActions", () => {
  it("has one policy per story action, each named after its action", () => {
    expect(Object.keys(StoryActions).sort()).toEqual([...storyActionNames].sort())
    for (const name of storyActionNames) expect(StoryActions[name].action).toBe(`Story.${name}`)
  })

  it.prop(
    "each policy admits exactly the roles and links of its gate, refusing with the gate's body",
    [arbRole, arbAgent],
    ([role, agent]) => {
      const caller = actor(role, agent)
      for (const name of storyActionNames) {
        const gate = expectedGates[name]
        const verdict = Either.mapLeft(admittedBy(caller, policies[name]), errorEnvelope)
        const seen = { name, role, linked: agent !== null }
        if (!gate.roles.includes(role)) {
          expect({ ...seen, verdict }).toEqual({
            ...seen,
            verdict: Either.left({
              error: { status: 403, message: `This endpoint requires the ${gate.roles.join(" or ")} role` },
            }),
          })
        } else if (agent === null && gate.link === "agent-id") {
          expect({ ...seen, verdict }).toMatchObject({
            ...seen,
            verdict: Either.left({ error: { status: 422, code: "agent_id_required" } }),
          })
        } else if (agent === null && gate.link === "orchestrator") {
          expect({ ...seen, status: Either.isLeft(verdict) ? verdict.left.error.status : 200 }).toEqual({
            ...seen,
            status: 400,
          })
        } else {
          expect({ ...seen, verdict }).toEqual({ ...seen, verdict: Either.right(caller) })
        }
      }
    },
    { fastCheck: { numRuns: 50 } },
  )

  it("refuses a superadmin outside every tenant: no story action lists superadmin", () => {
    const platform = new PlatformActor({
      api_key_id: ApiKeyId.make("00000000-0000-4000-8000-000000000003"),
      key_name: "root",
    })
    for (const name of storyActionNames) {
      const verdict = admittedBy(platform, policies[name])
      expect(Either.isLeft(verdict) && errorEnvelope(verdict.left).error.status).toBe(403)
    }
  })

  it("checkpoint and UI test policies keep the roles their endpoints always had", () => {
    for (const p of Object.values(CheckpointActions)) {
      expect(p.role).toEqual({ _tag: "ExactRoles", roles: ["orchestrator", "superadmin"] })
    }
    for (const p of Object.values(UiTestActions)) expect(p.role).toEqual({ _tag: "MinRole", role: "agent" })
    FastCheck.assert(
      FastCheck.property(arbRole, arbAgent, (role, agent) => {
        const caller = actor(role, agent)
        expect(Either.isRight(admittedBy(caller, CheckpointActions.save))).toBe(
          role === "orchestrator" || role === "superadmin",
        )
        expect(Either.isRight(admittedBy(caller, UiTestActions.start))).toBe(true)
      }),
    )
  })
})

describe("authorization in the type system", () => {
  it("a use case run without its action's policy does not compile", () => {
    const program = Effect.flatMap(Verification, (v) => v.verify(storyId, evidence))
    // @ts-expect-error the grant of Story.verify is still required: no policy was applied.
    const unchecked: Effect.Effect<unknown, unknown, Verification> = program
    const checked: Effect.Effect<unknown, unknown, Verification> = performAs(
      actor("orchestrator", agentC),
      StoryActions.verify,
    )(program)
    expect([unchecked, checked]).toHaveLength(2)
  })

  it("a claim grant cannot run report: only the report policy satisfies it", () => {
    const report = Effect.flatMap(StoryLifecycle, (lifecycle) => lifecycle.report(storyId))
    const implementer = actor("agent", agentA)
    // @ts-expect-error Story.claim's grant leaves Story.report's required.
    const wrong: Effect.Effect<unknown, unknown, StoryLifecycle> = performAs(
      implementer,
      StoryActions.claim,
    )(report)
    const right: Effect.Effect<unknown, unknown, StoryLifecycle> = performAs(
      implementer,
      StoryActions.report,
    )(report)
    expect([wrong, right]).toHaveLength(2)
  })

  it.effect("the policy refuses at run time before the use case runs", () =>
    Effect.gen(function* () {
      const verification = yield* Verification
      const refused = yield* Effect.flip(
        performAs(actor("agent", agentA), StoryActions.verify)(verification.verify(storyId, evidence)),
      )
      expect(errorEnvelope(refused).error.status).toBe(403)
      const unlinked = yield* Effect.flip(
        performAs(actor("orchestrator", null), StoryActions.verify)(verification.verify(storyId, evidence)),
      )
      expect(errorEnvelope(unlinked).error.status).toBe(400)
    }).pipe(Effect.provide(MemoryLoopctl)),
  )
})
