import { Effect, HashMap, Layer, Option } from "effect"
import type { UiTestRun } from "../../workflow/domain/ui-test-run.js"
import { UiTestRuns } from "../../workflow/ports/ui-test-runs.js"
import { MemoryStore, tableAccess } from "./store.js"

/** Newest first, as the SQL adapter orders them. */
const newestFirst = (a: UiTestRun, b: UiTestRun) =>
  b.started_at.localeCompare(a.started_at) || b.id.localeCompare(a.id)

/** UI test runs in memory. Transactions already run one at a time, so a lock is a plain read. */
export const UiTestRunsMemory = Layer.effect(
  UiTestRuns,
  Effect.map(MemoryStore, (store) => {
    const db = tableAccess(store)
    const findById = (id: string) => db.row((t) => t.uiTestRuns, id)
    const put = (run: UiTestRun) =>
      db.write((t) => ({ ...t, uiTestRuns: HashMap.set(t.uiTestRuns, run.id, run) }))
    return UiTestRuns.of({
      insert: put,
      // As an UPDATE under row-level security: another tenant's run is left alone.
      update: (run) =>
        Effect.flatMap(findById(run.id), (found) => (Option.isSome(found) ? put(run) : Effect.void)),
      findById,
      findForUpdate: findById,
      listByProject: (project, filter, window) =>
        Effect.map(
          db.rows((t) => t.uiTestRuns),
          (rows) => {
            const matching = rows
              .filter((run) => run.project_id === project)
              .filter((run) => filter.status === undefined || run.status === filter.status)
              .sort(newestFirst)
            return {
              items: matching.slice(window.offset, window.offset + window.limit),
              total_count: matching.length,
            }
          },
        ),
    })
  }),
)
