import { OrchestratorStates } from "../../workflow/ports/orchestrator-states.js"
import { UiTestRuns } from "../../workflow/ports/ui-test-runs.js"
import {
  ArtifactReports,
  ReviewRecords,
  VerificationResults,
} from "../../workflow/ports/verification-records.js"
import { makeTestLayer } from "./test-layer.js"

/** `OrchestratorStates` with every member dying unless the test stubs it. */
export const OrchestratorStatesTest = makeTestLayer(OrchestratorStates, (unstubbed) => ({
  find: unstubbed.method("find"),
  insert: unstubbed.method("insert"),
  replace: unstubbed.method("replace"),
}))

/** `UiTestRuns` with every member dying unless the test stubs it. */
export const UiTestRunsTest = makeTestLayer(UiTestRuns, (unstubbed) => ({
  insert: unstubbed.method("insert"),
  update: unstubbed.method("update"),
  findById: unstubbed.method("findById"),
  findForUpdate: unstubbed.method("findForUpdate"),
  listByProject: unstubbed.method("listByProject"),
}))

/** `ReviewRecords` with every member dying unless the test stubs it. */
export const ReviewRecordsTest = makeTestLayer(ReviewRecords, (unstubbed) => ({
  insert: unstubbed.method("insert"),
  latestCompletedAt: unstubbed.method("latestCompletedAt"),
}))

/** `VerificationResults` with every member dying unless the test stubs it. */
export const VerificationResultsTest = makeTestLayer(VerificationResults, (unstubbed) => ({
  insert: unstubbed.method("insert"),
  lastIteration: unstubbed.method("lastIteration"),
  standingOf: unstubbed.method("standingOf"),
  listByStory: unstubbed.method("listByStory"),
}))

/** `ArtifactReports` with every member dying unless the test stubs it. */
export const ArtifactReportsTest = makeTestLayer(ArtifactReports, (unstubbed) => ({
  insert: unstubbed.method("insert"),
  listByStory: unstubbed.method("listByStory"),
}))
