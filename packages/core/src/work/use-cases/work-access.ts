import { Effect, Option } from "effect"
import type { Actor } from "../../identity/domain/actor.js"
import { requireMinRole } from "../../identity/rules/roles.js"
import { NotFound } from "../../kernel/domain/errors.js"
import type { EpicId, ProjectId, StoryId } from "../../kernel/domain/ids.js"
import { UnitOfWork } from "../../kernel/ports/unit-of-work.js"
import type { Role } from "../domain/status.js"
import { Epics } from "../ports/epics.js"
import { Projects } from "../ports/projects.js"
import { Stories } from "../ports/stories.js"

/**
 * The gate every work use case passes: role check, then the work in one transaction of the
 * actor's tenant, on the ports `Ports` the use case was built with. Reads need the agent role or
 * higher; creating needs orchestrator or higher.
 */
export const tenantWork = <Ports>() =>
  Effect.gen(function* () {
    const ports = yield* Effect.context<Ports | UnitOfWork>()
    const uow = yield* UnitOfWork
    return <A, E, R extends Ports | UnitOfWork>(actor: Actor, role: Role, work: Effect.Effect<A, E, R>) =>
      Effect.flatMap(requireMinRole(actor, role), () => uow.transact(actor.tenant_id, work)).pipe(
        Effect.provide(ports),
      )
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
