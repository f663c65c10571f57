import { Either } from "effect"
import { type BadRequest, ValidationFailed } from "../../kernel/domain/errors.js"
import { MAX_OFFSET, type PageMeta, readPageRequest } from "../../kernel/domain/page.js"
import { QueryProblems, choiceParameter, integerParameter } from "../../kernel/domain/query-parameters.js"
import type { Timestamp } from "../../kernel/domain/timestamp.js"
import {
  type FindingRequest,
  type RunCompletionRequest,
  type RunStartRequest,
  UiTestFinding,
  type UiTestOutcome,
  UiTestRun,
  type UiTestRunStatusValue,
  derivedOutcome,
  severityCounter,
} from "../domain/ui-test-run.js"
import type { ListWindow, UiTestRunFilter } from "../ports/ui-test-runs.js"

/**
 * UI test runs: what a start, a finding and a completion record (their requests are decoded by the
 * Schemas in domain/ui-test-run.ts), how a finding and a completion change a run, and how the run
 * list reads its query.
 */

// ---------------------------------------------------------------------------------------------
// Start
// ---------------------------------------------------------------------------------------------

/** A checked start body: both fields optional (the README sends `notes`, the original `guide_reference`). */
export interface RunStart {
  readonly guide_reference: string | null
  readonly notes: string | null
}

/** A start leaves out what it does not say. */
export const runStartOf = (request: RunStartRequest): RunStart => ({
  guide_reference: request.guide_reference ?? null,
  notes: request.notes ?? null,
})

// ---------------------------------------------------------------------------------------------
// Findings
// ---------------------------------------------------------------------------------------------

/** The finding as recorded, at `at`; what it leaves out is null. */
export const findingOf = (request: FindingRequest, at: Timestamp): UiTestFinding =>
  new UiTestFinding({
    title: request.title ?? null,
    severity: request.severity,
    type: request.type ?? null,
    step: request.step ?? null,
    steps: request.steps ?? null,
    expected: request.expected ?? null,
    actual: request.actual ?? null,
    description: request.description ?? null,
    screenshot_path: request.screenshot_path ?? null,
    console_errors: request.console_errors ?? null,
    recorded_at: at,
  })

/** Whether a run still takes findings and may be completed. */
export const isInProgress = (run: UiTestRun): boolean => run.status === "running"

/** A run that takes findings: one in progress (422 otherwise). */
export const requireOpenForFindings = (run: UiTestRun): Either.Either<UiTestRun, ValidationFailed> =>
  isInProgress(run)
    ? Either.right(run)
    : Either.left(new ValidationFailed({ message: "Run is not in progress" }))

/** A run that may be completed: one in progress (422 otherwise). */
export const requireOpenForCompletion = (run: UiTestRun): Either.Either<UiTestRun, ValidationFailed> =>
  isInProgress(run)
    ? Either.right(run)
    : Either.left(new ValidationFailed({ message: "Run is already completed" }))

/**
 * The run with one more finding and its counters moved: the finding count always, the critical
 * or high count by severity, the screenshot count when the finding names a screenshot. A run
 * that is no longer in progress takes no findings (422).
 */
export const withFinding = (
  run: UiTestRun,
  finding: UiTestFinding,
  at: Timestamp,
): Either.Either<UiTestRun, ValidationFailed> => {
  if (!isInProgress(run)) return requireOpenForFindings(run)
  const counter = severityCounter(finding.severity)
  const screenshot = typeof finding.screenshot_path === "string" && finding.screenshot_path !== ""
  return Either.right(
    new UiTestRun({
      ...run,
      findings: [...run.findings, finding],
      findings_count: run.findings_count + 1,
      critical_count: run.critical_count + (counter === "critical" ? 1 : 0),
      high_count: run.high_count + (counter === "high" ? 1 : 0),
      screenshots_count: run.screenshots_count + (screenshot ? 1 : 0),
      updated_at: at,
    }),
  )
}

// ---------------------------------------------------------------------------------------------
// Completion
// ---------------------------------------------------------------------------------------------

/** A checked complete body: a summary, and the outcome when the caller states one. */
export interface RunCompletion {
  readonly status: UiTestOutcome | null
  readonly summary: string
}

/** A completion states its outcome or leaves it to be derived. */
export const runCompletionOf = (request: RunCompletionRequest): RunCompletion => ({
  status: request.status ?? null,
  summary: request.summary,
})

/**
 * The run closed with its summary. Without a stated outcome it failed when a blocker or
 * critical finding was recorded, and passed otherwise. A run is completed once (422 after).
 */
export const completedRun = (
  run: UiTestRun,
  completion: RunCompletion,
  at: Timestamp,
): Either.Either<UiTestRun, ValidationFailed> => {
  if (!isInProgress(run)) return requireOpenForCompletion(run)
  return Either.right(
    new UiTestRun({
      ...run,
      status: completion.status ?? derivedOutcome(run.findings),
      summary: completion.summary,
      completed_at: at,
      updated_at: at,
    }),
  )
}

// ---------------------------------------------------------------------------------------------
// The run list
// ---------------------------------------------------------------------------------------------

/** The run list query as received. */
export interface RunListQueryInput {
  readonly status?: unknown
  readonly page?: unknown
  readonly page_size?: unknown
  readonly limit?: unknown
  readonly offset?: unknown
}

/** The checked run list query. */
export interface RunListQuery {
  readonly filter: UiTestRunFilter
  readonly window: ListWindow
}

const DEFAULT_LIMIT = 20
const MAX_LIMIT = 100

const statusFilters = ["running", "passed", "failed", "cancelled", "in_progress"] as const

/**
 * Reads the run list query. `status` filters (the original's `in_progress` reads as `running`).
 * The window is the original's `limit`/`offset` or the page-style `page`/`page_size`: 20 runs by
 * default, more than 100 served as 100. An unknown status, or a number that is not a whole number
 * in range, is a 400 naming it (D26).
 */
export const parseRunListQuery = (query: RunListQueryInput): Either.Either<RunListQuery, BadRequest> => {
  const problems = new QueryProblems()
  const status = choiceParameter(query.status, "status", statusFilters, problems)
  const filter: { status?: UiTestRunStatusValue } =
    status === undefined ? {} : { status: status === "in_progress" ? "running" : status }
  const { page, page_size: limit } = readPageRequest(
    query,
    { page_size: DEFAULT_LIMIT, max: MAX_LIMIT },
    problems,
  )
  const skipped = integerParameter(query.offset, "offset", 0, problems)
  const offset = Math.min(MAX_OFFSET, skipped ?? (page - 1) * limit)
  return problems.result(() => ({ filter, window: { offset, limit } }))
}

/**
 * The `meta` of a run list: the page-style keys every list carries (D13) and the original's
 * `total`, `limit` and `offset` beside them.
 */
export interface RunListMeta extends PageMeta {
  readonly total: number
  readonly limit: number
  readonly offset: number
}

export const runListMeta = (window: ListWindow, total_count: number): RunListMeta => ({
  page: Math.floor(window.offset / window.limit) + 1,
  page_size: window.limit,
  total_count,
  total_pages: Math.ceil(total_count / window.limit),
  total: total_count,
  limit: window.limit,
  offset: window.offset,
})
