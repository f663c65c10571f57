import { Context, Effect, Either, Option } from "effect"
import type { Actor, Caller } from "../../identity/domain/actor.js"
import { type RoleRule, checkRole } from "../../identity/policy/role-rule.js"
import { requireTenantScope } from "../../identity/rules/access.js"
import type { Forbidden } from "../domain/errors.js"

/**
 * One authorization model, keyed by action (after the policies of Effect-TS/examples'
 * http-server): a use case states the action it performs with {@link policyRequire}, which puts
 * that action's {@link Grant} in its requirements; the handler (or an embedder) satisfies it with
 * {@link policyUse}, which runs that action's {@link Policy} for the {@link CurrentActor}. A grant
 * names its action in its type, so a grant for `Story.claim` cannot satisfy `Story.report`, and a
 * use case run without its policy does not compile.
 */

/** Known only to this module: it is what makes {@link Grant} and {@link Admission} unforgeable. */
const issued: unique symbol = Symbol("@loopctl/core/policy/issued")

/** Proof that `actor` passed the policy of `action`. Only {@link policyUse} issues one. */
export class Grant<Action extends string> {
  constructor(
    token: typeof issued,
    readonly action: Action,
    readonly actor: Actor,
  ) {
    void token
  }
}

/** The context key of the grant for `action`: one per action, equal for equal names. */
export const grantTag = <Action extends string>(action: Action): Context.Tag<Grant<Action>, Grant<Action>> =>
  Context.GenericTag<Grant<Action>>(`@loopctl/core/Grant/${action}`)

/**
 * Who may perform `action`: the role rule (checked first, and declared by the endpoint), then the
 * caller must act inside a tenant, then the action's own further gate (an agent link, for the
 * story actions that record custody).
 */
export interface Policy<Action extends string, E> {
  readonly action: Action
  readonly role: RoleRule
  readonly further: (actor: Actor) => Either.Either<Actor, E>
}

/** A policy with no gate beyond its role rule. */
export function policy<Action extends string>(action: Action, role: RoleRule): Policy<Action, never>
/** A policy with a further gate after its role rule. */
export function policy<Action extends string, E>(
  action: Action,
  role: RoleRule,
  further: (actor: Actor) => Either.Either<Actor, E>,
): Policy<Action, E>
export function policy<Action extends string, E>(
  action: Action,
  role: RoleRule,
  further?: (actor: Actor) => Either.Either<Actor, E>,
): Policy<Action, E> {
  return { action, role, further: further ?? Either.right }
}

/**
 * That the role gate of one action's policy was already passed in this request: the API key
 * middleware checks it before the body is decoded, so {@link policyUse} runs only the rest.
 * Only {@link admitRole} makes one.
 */
export class Admission {
  constructor(
    token: typeof issued,
    readonly action: string,
    readonly actor: Actor,
  ) {
    void token
  }
}

/** The authenticated caller of this request, and what its role was already admitted to. */
export interface Acting {
  readonly caller: Caller
  readonly admission: Option.Option<Admission>
}

/** The caller that policies judge. The API key middleware provides it; an embedder uses {@link actingAs}. */
export class CurrentActor extends Context.Tag("@loopctl/core/CurrentActor")<CurrentActor, Acting>() {}

/** The role gate of `p` and the tenant scope, for `caller`. */
const roleGate = (p: Policy<string, unknown>, caller: Caller): Either.Either<Actor, Forbidden> =>
  Either.flatMap(checkRole(caller, p.role), requireTenantScope)

/** Checks the role gate of `p` once, for the middleware, and records it for {@link policyUse}. */
export const admitRole = (p: Policy<string, unknown>, caller: Caller): Either.Either<Acting, Forbidden> =>
  Either.map(roleGate(p, caller), (actor) => ({
    caller,
    admission: Option.some(new Admission(issued, p.action, actor)),
  }))

/** The caller as the middleware found it, with no role admitted yet. */
export const acting = (caller: Caller): Acting => ({ caller, admission: Option.none() })

/** Runs `effect` as `caller`, for embedders and tests that call use cases without the HTTP edge. */
export const actingAs =
  (caller: Caller) =>
  <A, E, R>(effect: Effect.Effect<A, E, R>): Effect.Effect<A, E, Exclude<R, CurrentActor>> =>
    Effect.provideService(effect, CurrentActor, acting(caller))

/** The actor admitted to `p`: its role gate unless the middleware passed it already, then its further gate. */
const judge = <Action extends string, E>(
  p: Policy<Action, E>,
  current: Acting,
): Either.Either<Actor, E | Forbidden> => {
  const admitted = Option.filter(current.admission, (admission) => admission.action === p.action)
  const role: Either.Either<Actor, Forbidden> = Option.match(admitted, {
    onNone: () => roleGate(p, current.caller),
    onSome: (admission) => Either.right(admission.actor),
  })
  return Either.flatMap(role, p.further)
}

/**
 * Satisfies the grant of `p.action` in `effect` by running `p` for the current actor, or fails
 * with the policy's refusal. This is the only place a grant is issued.
 */
export const policyUse =
  <Action extends string, E>(p: Policy<Action, E>) =>
  <A, E2, R>(
    effect: Effect.Effect<A, E2, R>,
  ): Effect.Effect<A, E | E2 | Forbidden, Exclude<R, Grant<Action>> | CurrentActor> =>
    Effect.flatMap(CurrentActor, (current) =>
      Effect.flatMap(judge(p, current), (actor) =>
        Effect.provideService(effect, grantTag(p.action), new Grant(issued, p.action, actor)),
      ),
    )

/** The use-case side: `use` runs as the actor that the grant of `p.action` admitted. */
export const policyRequire =
  <Action extends string>(p: Policy<Action, unknown>) =>
  <A, E, R>(use: (actor: Actor) => Effect.Effect<A, E, R>): Effect.Effect<A, E, R | Grant<Action>> =>
    Effect.flatMap(grantTag(p.action), (grant) => use(grant.actor))
