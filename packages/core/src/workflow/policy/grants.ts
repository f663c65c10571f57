import { Context, Effect, Either } from "effect"
import type { Actor } from "../../identity/domain/actor.js"
import { Forbidden } from "../../kernel/domain/errors.js"
import { type GateFailure, type StoryAction, authorize, verifierActions } from "../rules/gates.js"

/**
 * Authorization in the type system. A use case that writes `agent_status` requires
 * `ImplementerCapability` in its context; one that writes `verified_status` requires
 * `VerifierCapability`. The only way to obtain either grant is through its policy
 * (`asImplementer` / `asVerifier`), which runs the same role and link gates as the lifecycle
 * rules — so an adapter that forgets the check does not compile, and one that checks the wrong
 * thing is still refused at run time.
 */

/** Proof that the implementer policy admitted this actor. Constructible only by its policy. */
export class ImplementerGrant {
  readonly #proof = true
  private constructor(readonly actor: Actor) {}
  /** Admits agents (and orchestrators where the spec lets them act for an agent). */
  static admit(actor: Actor, action: StoryAction): Either.Either<ImplementerGrant, GateFailure> {
    if (verifierActions.includes(action)) return Either.left(forbiddenFor(action))
    return Either.map(authorize(action, actor), (admitted) => new ImplementerGrant(admitted))
  }
  /** Whether this value is a real grant (the private field is present). */
  static is(value: unknown): value is ImplementerGrant {
    return typeof value === "object" && value !== null && #proof in value
  }
}

/** Proof that the verifier policy admitted this actor: an orchestrator linked to an agent. */
export class VerifierGrant {
  readonly #proof = true
  private constructor(readonly actor: Actor) {}
  static admit(actor: Actor, action: StoryAction): Either.Either<VerifierGrant, GateFailure> {
    if (!verifierActions.includes(action)) return Either.left(forbiddenFor(action))
    return Either.map(authorize(action, actor), (admitted) => new VerifierGrant(admitted))
  }
  static is(value: unknown): value is VerifierGrant {
    return typeof value === "object" && value !== null && #proof in value
  }
}

const forbiddenFor = (action: StoryAction) =>
  new Forbidden({ message: `The ${action} action is not available under this policy` })

/** Required by use cases that move a story along the implementer's chain. */
export class ImplementerCapability extends Context.Tag("@loopctl/core/ImplementerCapability")<
  ImplementerCapability,
  ImplementerGrant
>() {}

/** Required by use cases that write `verified_status` or undo an implementer's claim. */
export class VerifierCapability extends Context.Tag("@loopctl/core/VerifierCapability")<
  VerifierCapability,
  VerifierGrant
>() {}

/** Runs `effect` as `actor` under the implementer policy, or fails with the gate's error. */
export const asImplementer =
  (actor: Actor, action: StoryAction) =>
  <A, E, R>(
    effect: Effect.Effect<A, E, R>,
  ): Effect.Effect<A, E | GateFailure, Exclude<R, ImplementerCapability>> =>
    Effect.flatMap(ImplementerGrant.admit(actor, action), (grant) =>
      Effect.provideService(effect, ImplementerCapability, grant),
    )

/** Runs `effect` as `actor` under the verifier policy, or fails with the gate's error. */
export const asVerifier =
  (actor: Actor, action: StoryAction) =>
  <A, E, R>(
    effect: Effect.Effect<A, E, R>,
  ): Effect.Effect<A, E | GateFailure, Exclude<R, VerifierCapability>> =>
    Effect.flatMap(VerifierGrant.admit(actor, action), (grant) =>
      Effect.provideService(effect, VerifierCapability, grant),
    )
