import { Effect, Option } from "effect"
import type { Actor } from "../../identity/domain/actor.js"
import { NotFound } from "../../kernel/domain/errors.js"
import type { EpicId, ProjectId, StoryId } from "../../kernel/domain/ids.js"
import { type Policy, policyRequire } from "../../kernel/policy/policy.js"
import { UnitOfWork } from "../../kernel/ports/unit-of-work.js"
import { Epics } from "../ports/epics.js"
import { Projects } from "../ports/projects.js"
import { Stories } from "../ports/stories.js"

/**
 * How every work use case runs: as the actor its action's grant admitted (the policy checked the
 * role, once, before), in one transaction of that actor's tenant, on the ports `Ports` the use
 * case was built with: `const inTenant = yield* tenantTransaction<Ports>()`, then
 * `inTenant(WorkActions.x)((actor) => work)` puts the grant of `x` in the use case's
 * requirements, so only that action's policy can run it.
 */
export const tenantTransaction = <Ports>() =>
  Effect.gen(function* () {
    const ports = yield* Effect.context<Ports | UnitOfWork>()
    const uow = yield* UnitOfWork
    return <Action extends string>(p: Policy<Action, unknown>) =>
      <A, E, R extends Ports | UnitOfWork>(work: (actor: Actor) => Effect.Effect<A, E, R>) =>
        policyRequire(p)((actor) => uow.transact(actor.tenant_id, work(actor))).pipe(Effect.provide(ports))
  })

export const orNotFound =
  (what: string) =>
  <A>(found: Option.Option<A>): Effect.Effect<A, NotFound> =>
    Option.match(found, { onNone: () => Effect.fail(NotFound.of(what)), onSome: Effect.succeed })

export const projectById = (id: ProjectId) =>
  Effect.flatMap(Projects, (p) => Effect.flatMap(p.findById(id), orNotFound("Project")))

export const epicById = (id: EpicId) =>
  Effect.flatMap(Epics, (e) => Effect.flatMap(e.findById(id), orNotFound("Epic")))

export const storyById = (id: StoryId) =>
  Effect.flatMap(Stories, (s) => Effect.flatMap(s.findById(id), orNotFound("Story")))
