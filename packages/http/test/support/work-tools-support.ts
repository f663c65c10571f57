import { randomUUID } from "node:crypto"
import {
  AuditLog,
  EpicDependencies,
  Epics,
  Outbox,
  ProjectId,
  ProjectPlanning,
  Stories,
  StoryDependencies,
  TenantId,
  UnitOfWork,
  WorkActions,
} from "@loopctl/core"
import { Effect } from "effect"
import { performAs } from "../../../core/test/fixtures/perform-as.js"
import { expectStatus, record } from "./answers.js"
import { actorOf } from "./identity-support.js"

/** The shared readers, for the suites that import them from here. */
export { actorOf, expectStatus, record }

/**
 * Fixtures of the import/export, orchestrator state and UI test run suites: projects made through
 * the core on the server's own layer, and what the server stored for a tenant (row counts, audit
 * entries, outbox events), read through the core's ports.
 */

/** A new empty project of the key's tenant, made through the core. */
export const newProject = (userKey: string) =>
  Effect.gen(function* () {
    const user = yield* actorOf(userKey)
    const slug = `p-${randomUUID().slice(0, 8)}`
    return (yield* (yield* ProjectPlanning)
      .createProject({ name: slug, slug })
      .pipe(performAs(user, WorkActions.createProject))).id
  }).pipe(Effect.orDie)

/** Runs a read in a unit of work of the tenant. */
const inTenant = <A, R>(tenant: string, work: Effect.Effect<A, never, R>) =>
  Effect.flatMap(UnitOfWork, (uow) => uow.transact(TenantId.make(tenant), work))

/** How many rows of each kind the tenant holds: the "nothing written" check compares two of these. */
export const footprint = (tenant: string, project: string) =>
  inTenant(
    tenant,
    Effect.gen(function* () {
      const id = ProjectId.make(project)
      return {
        epics: (yield* Effect.flatMap(Epics, (e) => e.listByProject(id))).length,
        stories: (yield* Effect.flatMap(Stories, (s) => s.listAllByProject(id))).length,
        story_dependencies: (yield* Effect.flatMap(StoryDependencies, (d) => d.listByProject(id))).length,
        epic_dependencies: (yield* Effect.flatMap(EpicDependencies, (d) => d.listByProject(id))).length,
        audit: (yield* Effect.flatMap(AuditLog, (log) => log.list({}, { page: 1, page_size: 1 })))
          .total_count,
        outbox: (yield* Effect.flatMap(Outbox, (outbox) => outbox.list(100_000))).length,
      }
    }),
  )

/** The tenant's audit entries with this entity type and action, newest first. */
export const auditEntries = (tenant: string, entity_type: string, action?: string) =>
  inTenant(
    tenant,
    Effect.map(
      Effect.flatMap(AuditLog, (log) =>
        log.list({ entity_type, ...(action === undefined ? {} : { action }) }, { page: 1, page_size: 100 }),
      ),
      (page) => page.items,
    ),
  )

/** The tenant's outbox events (their payloads), oldest first. */
export const eventsOf = (tenant: string) =>
  inTenant(
    tenant,
    Effect.map(
      Effect.flatMap(Outbox, (outbox) => outbox.list(100_000)),
      (entries) => entries.map((entry) => entry.event),
    ),
  )
