import type { UiTestRunStatusValue } from "./ui-test-run.js"

/** Filters of the run list. */
export interface UiTestRunFilter {
  readonly status?: UiTestRunStatusValue
}
