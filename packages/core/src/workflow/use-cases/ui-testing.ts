import { Effect, type Either, Option } from "effect"
import type { AuditLog } from "../../audit/ports/audit-log.js"
import { recordChange } from "../../audit/use-cases/recording.js"
import type { Outbox } from "../../events/ports/outbox.js"
import type { Actor } from "../../identity/domain/actor.js"
import { NotFound, type ValidationFailed } from "../../kernel/domain/errors.js"
import {
  type ProjectId,
  type UiTestRunId,
  UiTestRunId as UiTestRunIdSchema,
} from "../../kernel/domain/ids.js"
import { now } from "../../kernel/domain/timestamp.js"
import { type Policy, policyRequire } from "../../kernel/policy/policy.js"
import { type Ids, freshId } from "../../kernel/ports/ids.js"
import { UnitOfWork } from "../../kernel/ports/unit-of-work.js"
import { Projects } from "../../work/ports/projects.js"
import {
  type FindingRequest,
  type RunCompletionRequest,
  type RunStartRequest,
  UiTestRun,
} from "../domain/ui-test-run.js"
import { UiTestActions } from "../policy/ui-test-actions.js"
import { UiTestRuns } from "../ports/ui-test-runs.js"
import {
  type RunListMeta,
  type RunListQueryInput,
  completedRun,
  findingOf,
  parseRunListQuery,
  requireOpenForCompletion,
  requireOpenForFindings,
  runCompletionOf,
  runListMeta,
  runStartOf,
  withFinding,
} from "../rules/ui-test-run.js"

/** A page of runs with the list's meta. */
export interface UiTestRunList {
  readonly data: ReadonlyArray<UiTestRun>
  readonly meta: RunListMeta
}

/** The audit entity of every UI test entry; the actions are the original's. */
const entity_type = "ui_test_run"

/** The counters and status of a run, as its audit entries show them. */
const runState = (run: UiTestRun) => ({
  status: run.status,
  findings_count: run.findings_count,
  critical_count: run.critical_count,
  high_count: run.high_count,
  screenshots_count: run.screenshots_count,
})

/**
 * UI test runs (workflow.md §8): exploratory QA passes over a project's running application.
 * A run is started, collects findings one at a time, and is completed once with a summary. Any
 * key of the tenant may take part (agent role and up, see policy/ui-test-actions.ts): each method
 * requires the grant of its action. Each step is audited; no webhook fires.
 */
export class UiTesting extends Effect.Service<UiTesting>()("@loopctl/core/UiTesting", {
  effect: Effect.gen(function* () {
    const ports = yield* Effect.context<UnitOfWork | Projects | UiTestRuns | AuditLog | Outbox | Ids>()
    const uow = yield* UnitOfWork

    /** As the actor admitted to `p`, the work in one transaction of its tenant. */
    const inTenant = <Action extends string, A, E, R>(
      p: Policy<Action, unknown>,
      work: (actor: Actor) => Effect.Effect<A, E, R>,
    ) => policyRequire(p)((actor) => uow.transact(actor.tenant_id, work(actor))).pipe(Effect.provide(ports))

    const requireProject = (id: ProjectId) =>
      Effect.flatMap(Projects, (projects) =>
        Effect.flatMap(projects.findById(id), (found) =>
          Option.isSome(found) ? Effect.void : Effect.fail(NotFound.of("Project")),
        ),
      )

    /**
     * The run, locked for the transaction when it is about to change. A run of another project
     * than the one the path names is not found there.
     */
    const loadRun = (id: UiTestRunId, project: Option.Option<ProjectId>, forUpdate: boolean) =>
      Effect.gen(function* () {
        const runs = yield* UiTestRuns
        const found = yield* forUpdate ? runs.findForUpdate(id) : runs.findById(id)
        const run = Option.filter(found, (run) =>
          Option.match(project, { onNone: () => true, onSome: (p) => p === run.project_id }),
        )
        return yield* Option.match(run, {
          onNone: () => Effect.fail(NotFound.of("UI test run")),
          onSome: Effect.succeed,
        })
      })

    return {
      /** Starts a run on a project (201): status running, no findings yet. */
      start: (projectId: ProjectId, request: RunStartRequest) =>
        inTenant(UiTestActions.start, (actor) => {
          const input = runStartOf(request)
          return Effect.gen(function* () {
            yield* requireProject(projectId)
            const at = yield* now
            const run = new UiTestRun({
              id: yield* freshId(UiTestRunIdSchema),
              tenant_id: actor.tenant_id,
              project_id: projectId,
              started_by_agent_id: actor.agent_id,
              status: "running",
              guide_reference: input.guide_reference,
              notes: input.notes,
              findings: [],
              summary: null,
              screenshots_count: 0,
              findings_count: 0,
              critical_count: 0,
              high_count: 0,
              started_at: at,
              completed_at: null,
              inserted_at: at,
              updated_at: at,
            })
            yield* Effect.flatMap(UiTestRuns, (runs) => runs.insert(run))
            yield* recordChange(actor, projectId, {
              audit: [
                {
                  entity_type,
                  entity_id: run.id,
                  action: "ui_test.started",
                  actor: "caller",
                  old_state: null,
                  new_state: { guide_reference: run.guide_reference, notes: run.notes, ...runState(run) },
                },
              ],
              events: [],
            })
            return run
          })
        }),

      /** A project's runs, newest first, optionally by status. */
      list: (projectId: ProjectId, query: RunListQueryInput) =>
        policyRequire(UiTestActions.list)((actor) =>
          Effect.gen(function* () {
            const { filter, window } = yield* parseRunListQuery(query)
            return yield* uow.transact(
              actor.tenant_id,
              Effect.gen(function* () {
                yield* requireProject(projectId)
                const found = yield* Effect.flatMap(UiTestRuns, (runs) =>
                  runs.listByProject(projectId, filter, window),
                )
                return {
                  data: found.items,
                  meta: runListMeta(window, found.total_count),
                } satisfies UiTestRunList
              }),
            )
          }),
        ).pipe(Effect.provide(ports)),

      /** One run with its findings; `project` narrows it to the project a path names. */
      show: (id: UiTestRunId, project: Option.Option<ProjectId> = Option.none()) =>
        inTenant(UiTestActions.read, () => loadRun(id, project, false)),

      /**
       * Records one finding on a run in progress and moves its counters (200 with the run). The
       * finding comes as read, or with why it does not read: a finished run is refused whatever
       * the body holds, as in the original.
       */
      addFinding: (
        id: UiTestRunId,
        request: Either.Either<FindingRequest, ValidationFailed>,
        project: Option.Option<ProjectId> = Option.none(),
      ) =>
        inTenant(UiTestActions.addFinding, (actor) =>
          Effect.gen(function* () {
            const run = yield* loadRun(id, project, true)
            const at = yield* now
            yield* requireOpenForFindings(run)
            const finding = findingOf(yield* request, at)
            const updated = yield* withFinding(run, finding, at)
            yield* Effect.flatMap(UiTestRuns, (runs) => runs.update(updated))
            yield* recordChange(actor, run.project_id, {
              audit: [
                {
                  entity_type,
                  entity_id: run.id,
                  action: "ui_test.finding_added",
                  actor: "caller",
                  old_state: runState(run),
                  new_state: {
                    ...runState(updated),
                    finding: { severity: finding.severity, title: finding.title ?? null },
                  },
                },
              ],
              events: [],
            })
            return updated
          }),
        ),

      /** Closes a run in progress with a summary and its outcome, stated or derived (200 with the run). */
      complete: (
        id: UiTestRunId,
        request: RunCompletionRequest,
        project: Option.Option<ProjectId> = Option.none(),
      ) =>
        inTenant(UiTestActions.complete, (actor) =>
          Effect.gen(function* () {
            const run = yield* loadRun(id, project, true)
            const at = yield* now
            yield* requireOpenForCompletion(run)
            const completion = runCompletionOf(request)
            const updated = yield* completedRun(run, completion, at)
            yield* Effect.flatMap(UiTestRuns, (runs) => runs.update(updated))
            yield* recordChange(actor, run.project_id, {
              audit: [
                {
                  entity_type,
                  entity_id: run.id,
                  action: "ui_test.completed",
                  actor: "caller",
                  old_state: runState(run),
                  new_state: {
                    ...runState(updated),
                    summary: updated.summary,
                    completed_at: updated.completed_at,
                  },
                },
              ],
              events: [],
            })
            return updated
          }),
        ),
    }
  }),
}) {}
