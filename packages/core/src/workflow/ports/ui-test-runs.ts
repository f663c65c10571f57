import { Context, type Effect, type Option } from "effect"
import type { ProjectId, UiTestRunId } from "../../kernel/domain/ids.js"
import type { Paged, RowRange } from "../../kernel/domain/page.js"
import type { UiTestRunFilter } from "../domain/ui-test-run-filter.js"
import type { UiTestRun } from "../domain/ui-test-run.js"

/** The current tenant's UI test runs. */
export class UiTestRuns extends Context.Tag("@loopctl/core/UiTestRuns")<
  UiTestRuns,
  {
    readonly insert: (run: UiTestRun) => Effect.Effect<void>
    readonly update: (run: UiTestRun) => Effect.Effect<void>
    readonly findById: (id: UiTestRunId) => Effect.Effect<Option.Option<UiTestRun>>
    /**
     * Loads the run and holds it for the rest of the transaction, so findings recorded at the
     * same time are appended one after another and none is lost.
     */
    readonly findForUpdate: (id: UiTestRunId) => Effect.Effect<Option.Option<UiTestRun>>
    /** Newest first (by `started_at`, then id). */
    readonly listByProject: (
      project: ProjectId,
      filter: UiTestRunFilter,
      window: RowRange,
    ) => Effect.Effect<Paged<UiTestRun>>
  }
>() {}
