import { HttpApiEndpoint, HttpApiGroup, HttpApiSchema, OpenApi } from "@effect/platform"
import {
  FindingRequest,
  RunCompletionRequest,
  RunStartRequest,
  UiTestActions,
  UiTestRun,
} from "@loopctl/core"
import { Schema } from "effect"
import { requireAction } from "../contract/access.js"
import { PageMeta, pageQueryText } from "../contract/list-meta.js"
import { payloadStruct } from "../contract/payload.js"
import { queryField, queryType } from "../contract/query-fields.js"

/** A project id in a path. Any text is routed; the handler answers 404 for one that is not a uuid. */
const projectId = HttpApiSchema.param("id", Schema.String)
/** A run id in a README path. */
const runId = HttpApiSchema.param("id", Schema.String)
/** A run id in an alias path, after its project. */
const aliasRunId = HttpApiSchema.param("run_id", Schema.String)

/** The body of a start: the README's `notes` and the original's `guide_reference`, both optional. */
export const UiTestRunStart = RunStartRequest.annotations({ identifier: "UiTestRunStart" })

/** The body of a finding: the README's fields and the original's. */
export const UiTestFindingBody = FindingRequest.annotations({ identifier: "UiTestFindingBody" })

/** The body of a completion. */
export const UiTestRunCompletion = RunCompletionRequest.annotations({ identifier: "UiTestRunCompletion" })

/** A run under both names clients use: the README's `data` and the original's `ui_test_run`. */
export const UiTestRunBody = Schema.Struct({ ui_test_run: UiTestRun, data: UiTestRun }).annotations({
  identifier: "UiTestRunBody",
})

/** The `meta` of the run list: the page-style keys (D13) and the original's `total`, `limit`, `offset`. */
export const UiTestRunListMeta = Schema.Struct({
  ...PageMeta.fields,
  total: Schema.Int,
  limit: Schema.Int,
  offset: Schema.Int,
}).annotations({ identifier: "UiTestRunListMeta" })

/** A page of runs, newest first. */
export const UiTestRunList = Schema.Struct({
  data: Schema.Array(UiTestRun),
  meta: UiTestRunListMeta,
}).annotations({ identifier: "UiTestRunList" })

/** The run list query. */
export const UiTestRunListQuery = payloadStruct({
  status: queryField(
    "running (or in_progress), passed, failed or cancelled",
    queryType.oneOf("running", "in_progress", "passed", "failed", "cancelled"),
  ),
  offset: queryField("Runs to skip (overrides page)", queryType.count(0)),
  ...pageQueryText,
})

/** The `uiTestRuns` group: QA passes over a project's running application and their findings. */
export class UiTestRunsGroup extends HttpApiGroup.make("uiTestRuns")
  .add(
    HttpApiEndpoint.post("start")`/api/v1/projects/${projectId}/ui_test_runs`
      .setPayload(UiTestRunStart)
      .addSuccess(UiTestRunBody, { status: 201 })
      .annotate(OpenApi.Summary, "Start a UI test run on a project (status running)")
      .pipe(requireAction(UiTestActions.start)),
  )
  .add(
    HttpApiEndpoint.get("list")`/api/v1/projects/${projectId}/ui_test_runs`
      .setUrlParams(UiTestRunListQuery)
      .addSuccess(UiTestRunList)
      .annotate(OpenApi.Summary, "A project's UI test runs, newest first; filter by status")
      .pipe(requireAction(UiTestActions.list)),
  )
  .add(
    HttpApiEndpoint.get("show")`/api/v1/ui_test_runs/${runId}`
      .addSuccess(UiTestRunBody)
      .annotate(OpenApi.Summary, "One run with its findings")
      .pipe(requireAction(UiTestActions.read)),
  )
  .add(
    HttpApiEndpoint.post("addFinding")`/api/v1/ui_test_runs/${runId}/findings`
      .setPayload(UiTestFindingBody)
      .addSuccess(UiTestRunBody)
      .annotate(OpenApi.Summary, "Record one finding on a run in progress")
      .pipe(requireAction(UiTestActions.addFinding)),
  )
  .add(
    HttpApiEndpoint.post("complete")`/api/v1/ui_test_runs/${runId}/complete`
      .setPayload(UiTestRunCompletion)
      .addSuccess(UiTestRunBody)
      .annotate(OpenApi.Summary, "Complete a run in progress with a summary")
      .pipe(requireAction(UiTestActions.complete)),
  )
  // The original's paths, kept as aliases.
  .add(
    HttpApiEndpoint.post("startAlias")`/api/v1/projects/${projectId}/ui-tests`
      .setPayload(UiTestRunStart)
      .addSuccess(UiTestRunBody, { status: 201 })
      .annotate(OpenApi.Summary, "Alias of POST /api/v1/projects/:id/ui_test_runs")
      .pipe(requireAction(UiTestActions.start)),
  )
  .add(
    HttpApiEndpoint.get("listAlias")`/api/v1/projects/${projectId}/ui-tests`
      .setUrlParams(UiTestRunListQuery)
      .addSuccess(UiTestRunList)
      .annotate(OpenApi.Summary, "Alias of GET /api/v1/projects/:id/ui_test_runs")
      .pipe(requireAction(UiTestActions.list)),
  )
  .add(
    HttpApiEndpoint.get("showAlias")`/api/v1/projects/${projectId}/ui-tests/${aliasRunId}`
      .addSuccess(UiTestRunBody)
      .annotate(OpenApi.Summary, "Alias of GET /api/v1/ui_test_runs/:id (404 for a run of another project)")
      .pipe(requireAction(UiTestActions.read)),
  )
  .add(
    HttpApiEndpoint.post("addFindingAlias")`/api/v1/projects/${projectId}/ui-tests/${aliasRunId}/findings`
      .setPayload(UiTestFindingBody)
      .addSuccess(UiTestRunBody)
      .annotate(OpenApi.Summary, "Alias of POST /api/v1/ui_test_runs/:id/findings")
      .pipe(requireAction(UiTestActions.addFinding)),
  )
  .add(
    HttpApiEndpoint.post("completeAlias")`/api/v1/projects/${projectId}/ui-tests/${aliasRunId}/complete`
      .setPayload(UiTestRunCompletion)
      .addSuccess(UiTestRunBody)
      .annotate(OpenApi.Summary, "Alias of POST /api/v1/ui_test_runs/:id/complete")
      .pipe(requireAction(UiTestActions.complete)),
  )
  .annotate(OpenApi.Description, "UI test runs: exploratory QA passes and their findings") {}
