import { Effect } from "effect"
import type { AuditLog } from "../../audit/ports/audit-log.js"
import { recordChange } from "../../audit/use-cases/recording.js"
import type { Outbox } from "../../events/ports/outbox.js"
import { EpicId, type ProjectId } from "../../kernel/domain/ids.js"
import { type PageRequest, pageMeta } from "../../kernel/domain/page.js"
import { now } from "../../kernel/domain/timestamp.js"
import { type Ids, freshId } from "../../kernel/ports/ids.js"
import { Epic, type EpicCreation, type EpicPatch } from "../domain/epic.js"
import { WorkActions } from "../policy/work-actions.js"
import { Epics } from "../ports/epics.js"
import type { Projects } from "../ports/projects.js"
import { Stories } from "../ports/stories.js"
import { applyEpicChanges, createdEpicFields, epicChanges, epicListFilter } from "../rules/epic-changes.js"
import { epicCompletions, epicProgress } from "../rules/progress.js"
import { epicById, projectById, tenantTransaction } from "./work-access.js"
import { changed, created, duplicateNumber, savedChange } from "./work-changes.js"

/** The epics of a project: creating, reading, changing and deleting them, and their progress. */
export class EpicPlanning extends Effect.Service<EpicPlanning>()("@loopctl/core/EpicPlanning", {
  effect: Effect.gen(function* () {
    const inTenant = yield* tenantTransaction<Projects | Epics | Stories | AuditLog | Outbox | Ids>()

    return {
      createEpic: (projectId: ProjectId, creation: EpicCreation) =>
        inTenant(WorkActions.createEpic)((actor) =>
          Effect.gen(function* () {
            const owner = yield* projectById(projectId)
            const input = createdEpicFields(creation)
            const at = yield* now
            const made = new Epic({
              id: yield* freshId(EpicId),
              tenant_id: actor.tenant_id,
              project_id: owner.id,
              ...input,
              inserted_at: at,
              updated_at: at,
            })
            yield* Effect.mapError(
              Effect.flatMap(Epics, (e) => e.insert([made])),
              duplicateNumber("Epic", made.number),
            )
            yield* recordChange(
              actor,
              owner.id,
              created("epic", made.id, { number: made.number, title: made.title }),
            )
            return made
          }),
        ),

      getEpic: (id: EpicId) =>
        inTenant(WorkActions.readEpic)(() =>
          Effect.gen(function* () {
            const found = yield* epicById(id)
            const stories = yield* Effect.flatMap(Stories, (s) => s.listByEpic(id))
            return { epic: found, stories }
          }),
        ),

      /**
       * A page of the project's epics (by position, then number; `phase=` filters), each with its
       * story count and the share of them verified.
       */
      listEpics: (projectId: ProjectId, query: { readonly phase?: unknown }, page: PageRequest) =>
        inTenant(WorkActions.listEpics)(() =>
          Effect.gen(function* () {
            yield* projectById(projectId)
            const filter = epicListFilter(query)
            const found =
              filter === null
                ? { items: [], total_count: 0 }
                : yield* Effect.flatMap(Epics, (e) => e.pageByProject(projectId, filter, page))
            const completion = epicCompletions(
              yield* Effect.flatMap(Stories, (s) => s.countByStatus({ project_id: projectId })),
            )
            return {
              data: found.items.map((epic) => ({ epic, ...completion(epic.id) })),
              meta: pageMeta(page, found.total_count),
            }
          }),
        ),

      /** PATCH: title, description, phase, position and metadata; the number is kept. */
      updateEpic: (id: EpicId, patch: EpicPatch) =>
        inTenant(WorkActions.updateEpic)((actor) =>
          Effect.gen(function* () {
            const current = yield* epicById(id)
            const { epic, ...diff } = applyEpicChanges(current, epicChanges(patch), yield* now)
            return yield* savedChange(
              actor,
              {
                entity_type: "epic",
                action: "updated",
                project_id: current.project_id,
                current,
                next: epic,
                diff,
              },
              (next) => Effect.flatMap(Epics, (e) => e.update(next)),
            )
          }),
        ),

      /** Deletes the epic with its stories and everything hanging off them. */
      deleteEpic: (id: EpicId) =>
        inTenant(WorkActions.deleteEpic)((actor) =>
          Effect.gen(function* () {
            const doomed = yield* epicById(id)
            yield* Effect.flatMap(Epics, (e) => e.delete(id))
            yield* recordChange(
              actor,
              doomed.project_id,
              changed("epic", doomed.id, "deleted", { number: doomed.number, title: doomed.title }, null),
            )
          }),
        ),

      /** The epic's stories per status on each side, counted by the store. */
      epicProgress: (id: EpicId) =>
        inTenant(WorkActions.readEpic)(() =>
          Effect.gen(function* () {
            yield* epicById(id)
            return epicProgress(yield* Effect.flatMap(Stories, (s) => s.countByStatus({ epic_id: id })))
          }),
        ),
    }
  }),
}) {}
