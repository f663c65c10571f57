import { Effect, Option } from "effect"
import { AuditLog } from "../../audit/ports/audit-log.js"
import { recordChange } from "../../audit/use-cases/recording.js"
import type { Outbox } from "../../events/ports/outbox.js"
import type { Actor } from "../../identity/domain/actor.js"
import { NotFound } from "../../kernel/domain/errors.js"
import { OrchestratorStateId, type ProjectId } from "../../kernel/domain/ids.js"
import { type PageMeta, pageMeta, readPage } from "../../kernel/domain/page.js"
import { now } from "../../kernel/domain/timestamp.js"
import { type Policy, policyRequire } from "../../kernel/policy/policy.js"
import { type Ids, freshId } from "../../kernel/ports/ids.js"
import { UnitOfWork } from "../../kernel/ports/unit-of-work.js"
import { Projects } from "../../work/ports/projects.js"
import { OrchestratorState, type SaveRequest } from "../domain/orchestrator-state.js"
import { CheckpointActions } from "../policy/checkpoint-actions.js"
import { OrchestratorStates } from "../ports/orchestrator-states.js"
import {
  type StateHistoryEntry,
  auditStateOf,
  expectedVersionOf,
  historyEntryOf,
  isSavableStateKey,
  planSave,
  savedAudit,
  staleVersion,
  stateKeyOf,
} from "../rules/orchestrator-state.js"

/** The history page: 25 entries by default, at most 100. */
const historyPaging = { page_size: 25, max: 100 }

/** The query of the read endpoints. */
export interface StateQuery {
  readonly state_key?: unknown
}

/** The query of the history endpoint. */
export interface StateHistoryQuery extends StateQuery {
  readonly page?: unknown
  readonly page_size?: unknown
  readonly limit?: unknown
}

/** A page of a key's history, newest save first. */
export interface StateHistoryPage {
  readonly data: ReadonlyArray<StateHistoryEntry>
  readonly meta: PageMeta
}

/**
 * Orchestrator checkpoints (workflow.md §7): an orchestrator saves its loop state per project and
 * state key, and reads it back after a restart. Saves are optimistic: each names the version it
 * last read, and a save from a stale version is refused, so two orchestrators cannot silently
 * overwrite each other. Every save is audited with the state before and after; the history of a
 * key is read back from those audit entries. Each method requires the grant of its action
 * (policy/checkpoint-actions.ts).
 */
export class OrchestratorCheckpoints extends Effect.Service<OrchestratorCheckpoints>()(
  "@loopctl/core/OrchestratorCheckpoints",
  {
    effect: Effect.gen(function* () {
      const ports = yield* Effect.context<
        UnitOfWork | Projects | OrchestratorStates | AuditLog | Outbox | Ids
      >()
      const uow = yield* UnitOfWork

      /** As the actor admitted to `p`, the work in one transaction of its tenant. */
      const inTenant = <Action extends string, A, E, R>(
        p: Policy<Action, unknown>,
        work: (actor: Actor) => Effect.Effect<A, E, R>,
      ) => policyRequire(p)((actor) => uow.transact(actor.tenant_id, work(actor))).pipe(Effect.provide(ports))

      /** The checkpoint a read names, if saved. */
      const findState = (projectId: ProjectId, query: StateQuery) => {
        const key = stateKeyOf(query.state_key)
        return isSavableStateKey(key)
          ? Effect.flatMap(OrchestratorStates, (states) => states.find(projectId, key))
          : Effect.succeed(Option.none<OrchestratorState>())
      }

      const requireProject = (id: ProjectId) =>
        Effect.flatMap(Projects, (projects) =>
          Effect.flatMap(projects.findById(id), (found) =>
            Option.isSome(found) ? Effect.void : Effect.fail(NotFound.of("Project")),
          ),
        )

      return {
        /**
         * PUT /orchestrator/state/:project_id: stores `state_data` under `state_key` as the next
         * version. The body's `version` (alias `expected_version`) must be the stored version, or
         * 0 for a key's first save; otherwise 409. Answers the stored checkpoint.
         */
        save: (projectId: ProjectId, request: SaveRequest) =>
          inTenant(CheckpointActions.save, (actor) =>
            Effect.gen(function* () {
              yield* requireProject(projectId)
              const states = yield* OrchestratorStates
              const stored = yield* states.find(projectId, request.state_key)
              const plan = yield* planSave(stored, expectedVersionOf(request))
              const at = yield* now
              const saved =
                plan._tag === "First"
                  ? new OrchestratorState({
                      id: yield* freshId(OrchestratorStateId),
                      tenant_id: actor.tenant_id,
                      project_id: projectId,
                      state_key: request.state_key,
                      state_data: request.state_data,
                      version: plan.version,
                      inserted_at: at,
                      updated_at: at,
                    })
                  : new OrchestratorState({
                      ...plan.previous,
                      state_data: request.state_data,
                      version: plan.version,
                      updated_at: at,
                    })
              // Another writer may have saved since `find`: the store decides who wins.
              if (plan._tag === "First") {
                yield* Effect.mapError(states.insert(saved), staleVersion)
              } else if (!(yield* states.replace(saved, plan.previous.version))) {
                return yield* Effect.fail(staleVersion())
              }
              yield* recordChange(actor, projectId, {
                audit: [
                  {
                    ...savedAudit,
                    entity_id: saved.id,
                    actor: "caller",
                    old_state: plan._tag === "First" ? null : auditStateOf(plan.previous),
                    new_state: auditStateOf(saved),
                  },
                ],
                events: [],
              })
              return saved
            }),
          ),

        /** GET /orchestrator/state/:project_id: the checkpoint of `state_key` ("main" by default); 404 when none. */
        load: (projectId: ProjectId, query: StateQuery) =>
          inTenant(CheckpointActions.read, () =>
            Effect.gen(function* () {
              yield* requireProject(projectId)
              const found = yield* findState(projectId, query)
              return yield* Option.match(found, {
                onNone: () => Effect.fail(NotFound.of("Orchestrator state")),
                onSome: Effect.succeed,
              })
            }),
          ),

        /**
         * GET /orchestrator/state/:project_id/history: the saves of `state_key` ("main" by
         * default), newest first, paged (25 by default, at most 100). A key never saved has an
         * empty history; an unknown project is 404.
         */
        history: (projectId: ProjectId, query: StateHistoryQuery) =>
          inTenant(CheckpointActions.history, () =>
            Effect.gen(function* () {
              yield* requireProject(projectId)
              const page = yield* readPage(query, historyPaging)
              const found = yield* findState(projectId, query)
              if (Option.isNone(found))
                return { data: [], meta: pageMeta(page, 0) } satisfies StateHistoryPage
              const entries = yield* Effect.flatMap(AuditLog, (log) =>
                log.list({ ...savedAudit, entity_id: found.value.id }, page),
              )
              return {
                data: entries.items.flatMap((entry) => Option.toArray(historyEntryOf(entry))),
                meta: pageMeta(page, entries.total_count),
              } satisfies StateHistoryPage
            }),
          ),
      }
    }),
  },
) {}
