import { Either } from "effect"
import { type BadRequest, ValidationFailed } from "../../kernel/domain/errors.js"
import { type JsonObject, isJsonObject } from "../../kernel/domain/json.js"
import { MAX_OFFSET, type PageMeta, readPageRequest } from "../../kernel/domain/page.js"
import type { RowRange } from "../../kernel/domain/page.js"
import { QueryProblems, choiceParameter, integerParameter } from "../../kernel/domain/query-parameters.js"
import type { Timestamp } from "../../kernel/domain/timestamp.js"
import { FieldProblems } from "../../kernel/rules/field-problems.js"
import { isUnstorable, unstorableProblem } from "../../kernel/rules/storable-text.js"
import type { UiTestRunFilter } from "../domain/ui-test-run-filter.js"
import {
  UiTestFinding,
  type UiTestOutcome,
  UiTestRun,
  type UiTestRunStatusValue,
  type UiTestSeverity,
  derivedOutcome,
  severityCounter,
} from "../domain/ui-test-run.js"

/**
 * UI test runs: what the start, finding and complete bodies must hold (the README's fields and
 * the original's, both accepted), how a finding and a completion change a run, and how the run
 * list reads its query. Every body problem is reported at once, as `details.<field>` of a 422.
 */

const GUIDE_MAX = 1000
const TITLE_MAX = 500
const TEXT_MAX = 50_000

const bodyOf = (body: unknown): JsonObject => (isJsonObject(body) ? body : {})

const isBlank = (value: unknown): boolean =>
  value === undefined || value === null || (typeof value === "string" && value.trim() === "")

/** An optional text field: absent, null or blank → null; anything but text → "is invalid". */
const optionalText = (input: JsonObject, field: string, max: number, problems: FieldProblems) => {
  const value = input[field]
  if (isBlank(value)) return null
  if (typeof value !== "string") {
    problems.add(field, "is invalid")
    return null
  }
  if ([...value].length > max) problems.add(field, `should be at most ${max} character(s)`)
  else if (isUnstorable(value)) problems.add(field, unstorableProblem)
  return value
}

/** Text, or a list of texts (reproduction steps, console errors). */
const textOrTexts = (input: JsonObject, field: string, problems: FieldProblems) => {
  const value = input[field]
  if (value === undefined || value === null) return null
  if (typeof value === "string") {
    if (isUnstorable(value)) problems.add(field, unstorableProblem)
    return value
  }
  if (!Array.isArray(value) || !value.every((item): item is string => typeof item === "string")) {
    problems.add(field, "must be a string or a list of strings")
    return null
  }
  if (value.some(isUnstorable)) problems.add(field, unstorableProblem)
  return value
}

// ---------------------------------------------------------------------------------------------
// Start
// ---------------------------------------------------------------------------------------------

/** A checked start body: both fields optional (the README sends `notes`, the original `guide_reference`). */
export interface RunStart {
  readonly guide_reference: string | null
  readonly notes: string | null
}

export const parseRunStart = (body: unknown): Either.Either<RunStart, ValidationFailed> => {
  const input = bodyOf(body)
  const problems = new FieldProblems()
  const guide_reference = optionalText(input, "guide_reference", GUIDE_MAX, problems)
  const notes = optionalText(input, "notes", TEXT_MAX, problems)
  return problems.result(() => ({ guide_reference, notes }))
}

// ---------------------------------------------------------------------------------------------
// Findings
// ---------------------------------------------------------------------------------------------

/** Every severity either vocabulary uses: the README's first, then the original's. */
export const severities: ReadonlyArray<UiTestSeverity> = [
  "blocker",
  "bug",
  "enhancement",
  "critical",
  "high",
  "medium",
  "low",
]

const isSeverity = (value: unknown): value is UiTestSeverity =>
  typeof value === "string" && severities.some((severity) => severity === value)

/**
 * A finding body. `severity` is required, in either vocabulary; the finding must say what was
 * seen, in a `title` (README) or a `description` (original). The other fields are optional;
 * keys the finding does not know are dropped.
 */
export const parseFinding = (
  body: unknown,
  at: Timestamp,
): Either.Either<UiTestFinding, ValidationFailed> => {
  const input = bodyOf(body)
  const problems = new FieldProblems()
  const severity = input.severity
  if (isBlank(severity)) problems.add("severity", "can't be blank")
  else if (!isSeverity(severity)) problems.add("severity", `must be one of: ${severities.join(", ")}`)
  const title = optionalText(input, "title", TITLE_MAX, problems)
  const description = optionalText(input, "description", TEXT_MAX, problems)
  if (title === null && description === null && !problems.fields.title && !problems.fields.description)
    problems.add("title", "can't be blank")
  const type = optionalText(input, "type", TITLE_MAX, problems)
  const expected = optionalText(input, "expected", TEXT_MAX, problems)
  const actual = optionalText(input, "actual", TEXT_MAX, problems)
  const screenshot_path = optionalText(input, "screenshot_path", TEXT_MAX, problems)
  const rawStep = input.step
  const step = typeof rawStep === "string" || typeof rawStep === "number" ? rawStep : null
  if (step === null && rawStep !== undefined && rawStep !== null) problems.add("step", "is invalid")
  const steps = textOrTexts(input, "steps", problems)
  const console_errors = textOrTexts(input, "console_errors", problems)
  return problems.result(
    () =>
      new UiTestFinding({
        title,
        severity: isSeverity(severity) ? severity : null,
        type,
        step,
        steps,
        expected,
        actual,
        description,
        screenshot_path,
        console_errors,
        recorded_at: at,
      }),
  )
}

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

export const parseCompletion = (body: unknown): Either.Either<RunCompletion, ValidationFailed> => {
  const input = bodyOf(body)
  const problems = new FieldProblems()
  const summary = input.summary
  if (isBlank(summary)) problems.add("summary", "can't be blank")
  else if (typeof summary !== "string") problems.add("summary", "is invalid")
  else if ([...summary].length > TEXT_MAX)
    problems.add("summary", `should be at most ${TEXT_MAX} character(s)`)
  else if (isUnstorable(summary)) problems.add("summary", unstorableProblem)
  const status = input.status
  const outcome = status === "passed" || status === "failed" ? status : null
  if (outcome === null && !isBlank(status)) problems.add("status", "must be one of: passed, failed")
  return problems.result(() => ({ status: outcome, summary: typeof summary === "string" ? summary : "" }))
}

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
  readonly window: RowRange
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

export const runListMeta = (window: RowRange, total_count: number): RunListMeta => ({
  page: Math.floor(window.offset / window.limit) + 1,
  page_size: window.limit,
  total_count,
  total_pages: Math.ceil(total_count / window.limit),
  total: total_count,
  limit: window.limit,
  offset: window.offset,
})
