import { Effect } from "effect"
import type { AuditLog } from "../../audit/ports/audit-log.js"
import { recordChange } from "../../audit/use-cases/recording.js"
import type { Outbox } from "../../events/ports/outbox.js"
import type { DuplicateKey } from "../../kernel/domain/duplicate-key.js"
import { Conflict, NotFound } from "../../kernel/domain/errors.js"
import type { EpicId, ProjectId } from "../../kernel/domain/ids.js"
import { WorkActions } from "../policy/work-actions.js"
import { EpicDependencies, StoryDependencies } from "../ports/dependencies.js"
import { Epics } from "../ports/epics.js"
import { dependencyGraphView } from "../rules/graph.js"
import type { EdgeKind, EdgePorts } from "./dependency-edges.js"
import { projectGraph } from "./project-graph.js"
import { epicById, orNotFound, projectById, tenantTransaction } from "./work-access.js"
import { changed, created } from "./work-changes.js"
import { wholeList } from "./work-lists.js"

/** A concurrent request stored the same edge first. */
const duplicateEdge = (_: DuplicateKey) => new Conflict({ message: "Conflict" })

/** Edges in the order they were made (the id breaks ties within one instant). */
const oldestFirst = <A extends { readonly inserted_at: string; readonly id: string }>(a: A, b: A) =>
  a.inserted_at.localeCompare(b.inserted_at) || a.id.localeCompare(b.id)

/**
 * The dependencies between the stories of a project and between its epics: adding and removing
 * an edge of either kind (`storyEdges`, `epicEdges`), listing them, and the project's graph.
 */
export class DependencyPlanning extends Effect.Service<DependencyPlanning>()(
  "@loopctl/core/DependencyPlanning",
  {
    effect: Effect.gen(function* () {
      const inTenant = yield* tenantTransaction<EdgePorts | AuditLog | Outbox>()

      return {
        /**
         * Stores the edge after the checks of workflow.md §4.3, in order: ids given (422), not
         * the same node (422), both uuids known in the tenant (404), same project, no cycle (the 422
         * names it in `context.cycle`), no cross-level deadlock, not a duplicate (409).
         */
        addDependency: <Creation, Input, Edge extends { readonly id: Id }, Id extends string>(
          kind: EdgeKind<Creation, Input, Edge, Id>,
          creation: Creation,
        ) =>
          Effect.gen(function* () {
            const input = yield* kind.parse(creation)
            return yield* inTenant(WorkActions.addDependency)((actor) =>
              Effect.gen(function* () {
                const { edge, project_id } = yield* kind.plan(actor, input)
                yield* Effect.mapError(
                  Effect.flatMap(kind.store, (edges) => edges.insert([edge])),
                  duplicateEdge,
                )
                yield* recordChange(actor, project_id, created(kind.entity_type, edge.id, kind.ends(edge)))
                return edge
              }),
            )
          }),

        /** Removes an edge (404 when the tenant has none of this kind with this id). */
        removeDependency: <Creation, Input, Edge extends { readonly id: Id }, Id extends string>(
          kind: EdgeKind<Creation, Input, Edge, Id>,
          id: Id,
        ) =>
          inTenant(WorkActions.removeDependency)((actor) =>
            Effect.gen(function* () {
              const edges = yield* kind.store
              const doomed = yield* Effect.flatMap(edges.findById(id), orNotFound(kind.noun))
              const project_id = yield* kind.projectOf(doomed)
              if (!(yield* edges.delete(id))) return yield* Effect.fail(NotFound.of(kind.noun))
              yield* recordChange(
                actor,
                project_id,
                changed(kind.entity_type, doomed.id, "deleted", kind.ends(doomed), null),
              )
            }),
          ),

        /** The project's epic edges, oldest first (404 for an unknown project). */
        listEpicDependencies: (projectId: ProjectId) =>
          inTenant(WorkActions.listDependencies)(() =>
            Effect.gen(function* () {
              yield* projectById(projectId)
              const edges = yield* Effect.flatMap(EpicDependencies, (d) => d.listByProject(projectId))
              return wholeList([...edges].sort(oldestFirst))
            }),
          ),

        /** Story edges with either end in the epic, cross-epic ones included, oldest first. */
        listEpicStoryDependencies: (epicId: EpicId) =>
          inTenant(WorkActions.listDependencies)(() =>
            Effect.flatMap(epicById(epicId), (owner) =>
              Effect.flatMap(StoryDependencies, (d) => Effect.map(d.listByEpic(owner.id), wholeList)),
            ),
          ),

        /** The project's epics and stories with the edges between them (`GET /projects/:id/dependency_graph`). */
        dependencyGraph: (projectId: ProjectId) =>
          inTenant(WorkActions.readGraph)(() =>
            Effect.gen(function* () {
              yield* projectById(projectId)
              const epics = yield* Effect.flatMap(Epics, (e) => e.listByProject(projectId))
              const graph = yield* projectGraph(projectId)
              return dependencyGraphView(
                epics,
                graph.stories,
                graph.storyDependencies,
                graph.epicDependencies,
              )
            }),
          ),
      }
    }),
  },
) {}
