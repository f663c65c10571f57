import { Context, Effect, Either, Option } from "effect"
import type { Actor, Caller, PlatformActor } from "../../identity/domain/actor.js"
import { type RoleRule, checkRole } from "../../identity/policy/role-rule.js"
import { requireSuperadmin, requireTenantScope } from "../../identity/rules/access.js"
import type { Forbidden } from "../domain/errors.js"

/**
 * One authorization model, keyed by action (after the policies of Effect-TS/examples'
 * http-server): a use case states the action it performs with {@link policyRequire}, which puts
 * that action's {@link Grant} in its requirements; the handler (or an embedder) satisfies it with
 * {@link policyUse}, which runs that action's {@link Policy} for the {@link CurrentActor}. A grant
 * names its action in its type, so a grant for `Story.claim` cannot satisfy `Story.report`, and a
 * use case run without its policy does not compile.
 *
 * Most actions act inside one tenant and admit an {@link Actor}; the platform actions of a
 * superadmin (the admin endpoints, creating and listing tenants) act outside every tenant and
 * admit a {@link PlatformActor} instead: see {@link platformPolicy}.
 */

/** Known only to this module: it is what makes {@link Grant} and {@link Admission} unforgeable. */
const issued: unique symbol = Symbol("@loopctl/core/policy/issued")

/**
 * Proof that `actor` passed the policy of `action`. Only {@link policyUse} issues one. `Who` is
 * what the policy admits: a tenant's {@link Actor}, or a {@link PlatformActor} for platform actions.
 */
export class Grant<Action extends string, Who extends Caller = Actor> {
  constructor(
    token: typeof issued,
    readonly action: Action,
    readonly actor: Who,
  ) {
    void token
  }
}

/** The context key of the grant for `action`: one per action, equal for equal names. */
export const grantTag = <Action extends string, Who extends Caller = Actor>(
  action: Action,
): Context.Tag<Grant<Action, Who>, Grant<Action, Who>> =>
  Context.GenericTag<Grant<Action, Who>>(`@loopctl/core/Grant/${action}`)

/**
 * Who may perform `action`: the role rule (checked first, and declared by the endpoint), then the
 * scope the caller must act in (inside a tenant, or on the platform), then the action's own
 * further gate (an agent link, for the story actions that record custody).
 */
export interface Policy<Action extends string, E, Who extends Caller = Actor> {
  readonly action: Action
  readonly role: RoleRule
  /** Where the action is done, as the caller it admits there; refuses a caller in the wrong place. */
  readonly scope: (caller: Caller) => Either.Either<Who, Forbidden>
  readonly further: (actor: Who) => Either.Either<Who, E>
}

/** Any policy, tenant or platform, as the endpoint annotations and the middleware hold them. */
export type AnyPolicy = Policy<string, unknown, Actor> | Policy<string, unknown, PlatformActor>

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
  return { action, role, scope: requireTenantScope, further: further ?? Either.right }
}

/**
 * A policy of the platform: a superadmin acting outside every tenant (D21's other side). Its
 * grant carries the {@link PlatformActor}; a superadmin that impersonates a tenant is taken back
 * to its platform self, as the admin endpoints ignore impersonation.
 */
export const platformPolicy = <Action extends string>(
  action: Action,
  role: RoleRule,
): Policy<Action, never, PlatformActor> => ({ action, role, scope: requireSuperadmin, further: Either.right })

/**
 * That the role gate of one action's policy was already passed in this request: the API key
 * middleware checks it before the body is decoded, so {@link policyUse} runs only the rest.
 * Only {@link admitRole} makes one.
 */
export class Admission {
  constructor(
    token: typeof issued,
    readonly action: string,
    readonly actor: Caller,
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

/** The role gate of `p` and its scope, for `caller`. */
const roleGate = <Who extends Caller>(
  p: Policy<string, unknown, Who>,
  caller: Caller,
): Either.Either<Who, Forbidden> => Either.flatMap(checkRole(caller, p.role), p.scope)

/** Checks the role gate of `p` once, for the middleware, and records it for {@link policyUse}. */
export const admitRole = (p: AnyPolicy, caller: Caller): Either.Either<Acting, Forbidden> => {
  // The admission keeps what the scope admitted, as a caller: policyUse narrows it again.
  const scoped = (checked: Caller): Either.Either<Caller, Forbidden> => p.scope(checked)
  const admitted = Either.flatMap(checkRole(caller, p.role), scoped)
  return Either.map(admitted, (actor) => ({
    caller,
    admission: Option.some(new Admission(issued, p.action, actor)),
  }))
}

/** The caller as the middleware found it, with no role admitted yet. */
export const acting = (caller: Caller): Acting => ({ caller, admission: Option.none() })

/** Runs `effect` as `caller`, for embedders and tests that call use cases without the HTTP edge. */
export const actingAs =
  (caller: Caller) =>
  <A, E, R>(effect: Effect.Effect<A, E, R>): Effect.Effect<A, E, Exclude<R, CurrentActor>> =>
    Effect.provideService(effect, CurrentActor, acting(caller))

/**
 * The actor admitted to `p`: its role gate unless the middleware passed it already, then its
 * further gate. An admission holds the caller its scope admitted; running the scope on it again
 * only hands it back as the policy's own type (it cannot refuse what it admitted).
 */
const judge = <Action extends string, E, Who extends Caller>(
  p: Policy<Action, E, Who>,
  current: Acting,
): Either.Either<Who, E | Forbidden> => {
  const admitted = Option.filter(current.admission, (admission) => admission.action === p.action)
  const role: Either.Either<Who, Forbidden> = Option.match(admitted, {
    onNone: () => roleGate(p, current.caller),
    onSome: (admission) => p.scope(admission.actor),
  })
  return Either.flatMap(role, p.further)
}

/**
 * Satisfies the grant of `p.action` in `effect` by running `p` for the current actor, or fails
 * with the policy's refusal. This is the only place a grant is issued.
 */
export const policyUse =
  <Action extends string, E, Who extends Caller = Actor>(p: Policy<Action, E, Who>) =>
  <A, E2, R>(
    effect: Effect.Effect<A, E2, R>,
  ): Effect.Effect<A, E | E2 | Forbidden, Exclude<R, Grant<Action, Who>> | CurrentActor> =>
    Effect.flatMap(CurrentActor, (current) =>
      Effect.flatMap(judge(p, current), (actor) =>
        Effect.provideService(effect, grantTag<Action, Who>(p.action), new Grant(issued, p.action, actor)),
      ),
    )

/** The use-case side: `use` runs as the actor (or platform caller) that the grant of `p.action` admitted. */
export const policyRequire =
  <Action extends string, Who extends Caller = Actor>(p: Policy<Action, unknown, Who>) =>
  <A, E, R>(use: (actor: Who) => Effect.Effect<A, E, R>): Effect.Effect<A, E, R | Grant<Action, Who>> =>
    Effect.flatMap(grantTag<Action, Who>(p.action), (grant) => use(grant.actor))
