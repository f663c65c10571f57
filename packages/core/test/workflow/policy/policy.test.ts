import { describe, expect, it } from "@effect/vitest"
import { Effect, Either } from "effect"
import { errorEnvelope } from "../../../src/kernel/domain/errors.js"
import { StoryId } from "../../../src/kernel/domain/ids.js"
import { MemoryLoopctl } from "../../../src/testing/memory/index.js"
import {
  ImplementerGrant,
  VerifierGrant,
  asImplementer,
  asVerifier,
} from "../../../src/workflow/policy/grants.js"
import { Verification } from "../../../src/workflow/use-cases/verification.js"
import { actor, agentA, agentC } from "../../fixtures/stories.js"

const storyId = StoryId.make("00000000-0000-4000-8000-00000000ffff")
const evidence = { review_type: "team", summary: "checked" }

describe("authorization in the type system", () => {
  it("a verifier use case without the verifier policy does not compile", () => {
    const program = Effect.flatMap(Verification, (v) => v.verify(storyId, evidence))
    // @ts-expect-error VerifierCapability is still required: the policy was not applied.
    const unchecked: Effect.Effect<unknown, unknown, Verification> = program
    const checked: Effect.Effect<unknown, unknown, Verification> = asVerifier(
      actor("orchestrator", agentC),
      "verify",
    )(program)
    expect([unchecked, checked]).toHaveLength(2)
  })

  it("grants come only from their policy, which runs the role gates", () => {
    expect(Either.isRight(VerifierGrant.admit(actor("orchestrator", agentC), "verify"))).toBe(true)
    expect(Either.isLeft(VerifierGrant.admit(actor("agent", agentA), "verify"))).toBe(true)
    expect(Either.isLeft(VerifierGrant.admit(actor("orchestrator", agentC), "claim"))).toBe(true)
    expect(Either.isLeft(ImplementerGrant.admit(actor("orchestrator", agentC), "verify"))).toBe(true)
    expect(Either.isRight(ImplementerGrant.admit(actor("agent", agentA), "claim"))).toBe(true)
    expect(Either.isLeft(ImplementerGrant.admit(actor("user", null), "contract"))).toBe(true)
  })

  it.effect("the policy refuses at run time before the use case runs", () =>
    Effect.gen(function* () {
      const verification = yield* Verification
      const outcome = yield* Effect.either(asImplementer(actor("agent", agentA), "verify")(Effect.succeed(1)))
      expect(Either.isLeft(outcome)).toBe(true)
      const refused = yield* Effect.flip(
        asVerifier(actor("agent", agentA), "verify")(verification.verify(storyId, evidence)),
      )
      expect(errorEnvelope(refused).error.status).toBe(403)
    }).pipe(Effect.provide(MemoryLoopctl)),
  )
})
