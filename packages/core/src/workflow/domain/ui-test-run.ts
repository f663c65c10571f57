import { Schema } from "effect"
import { AgentId, ProjectId, TenantId, UiTestRunId } from "../../kernel/domain/ids.js"
import { Timestamp } from "../../kernel/domain/timestamp.js"

/** The states a run is in, as loopctl writes them: `running` until completed. */
export const UiTestRunStatusValue = Schema.Literal("running", "passed", "failed", "cancelled")
export type UiTestRunStatusValue = typeof UiTestRunStatusValue.Type

/**
 * A run status on the wire. The README says `running`, the original wrote `in_progress`; both are
 * read, and `running` is what is written back.
 */
export const UiTestRunStatus = Schema.transform(
  Schema.Literal("running", "in_progress", "passed", "failed", "cancelled"),
  UiTestRunStatusValue,
  {
    strict: true,
    decode: (status) => (status === "in_progress" ? "running" : status),
    encode: (status) => status,
  },
)
export type UiTestRunStatus = typeof UiTestRunStatus.Type

/** How a run may be completed. */
export const UiTestOutcome = Schema.Literal("passed", "failed")
export type UiTestOutcome = typeof UiTestOutcome.Type

/**
 * How bad a finding is, in either vocabulary: the README's `blocker | bug | enhancement` or the
 * original's `critical | high | medium | low`.
 */
export const UiTestSeverity = Schema.Literal(
  "blocker",
  "bug",
  "enhancement",
  "critical",
  "high",
  "medium",
  "low",
)
export type UiTestSeverity = typeof UiTestSeverity.Type

const Text = Schema.optional(Schema.NullOr(Schema.String))

/**
 * One problem seen during a UI test run: the union of the README's fields (title, steps,
 * expected, actual) and the original's (step, type, description, screenshot_path,
 * console_errors). Every field but `recorded_at` is optional so clients of either keep working.
 */
export class UiTestFinding extends Schema.Class<UiTestFinding>("UiTestFinding")({
  title: Text,
  severity: Schema.optional(Schema.NullOr(UiTestSeverity)),
  type: Text,
  step: Schema.optional(Schema.NullOr(Schema.Union(Schema.String, Schema.Number))),
  steps: Schema.optional(Schema.NullOr(Schema.Union(Schema.String, Schema.Array(Schema.String)))),
  expected: Text,
  actual: Text,
  description: Text,
  screenshot_path: Text,
  console_errors: Schema.optional(Schema.NullOr(Schema.Union(Schema.String, Schema.Array(Schema.String)))),
  recorded_at: Timestamp,
}) {}

/** Which of the run's severity counters a finding adds to; a finding without severity counts as low. */
export const severityCounter = (severity: UiTestSeverity | null | undefined): "critical" | "high" | null => {
  switch (severity) {
    case "critical":
    case "blocker":
      return "critical"
    case "high":
    case "bug":
      return "high"
    default:
      return null
  }
}

/** The outcome of a run completed without an explicit status: failed if anything critical was found. */
export const derivedOutcome = (findings: ReadonlyArray<UiTestFinding>): UiTestOutcome =>
  findings.some((finding) => severityCounter(finding.severity) === "critical") ? "failed" : "passed"

const Counter = Schema.Int.pipe(Schema.nonNegative())

/**
 * An exploratory UI test session on a project, following a guide, collecting findings as it
 * goes and closed once with a summary. The counters are kept in step with `findings` as each one
 * is added.
 */
export class UiTestRun extends Schema.Class<UiTestRun>("UiTestRun")({
  id: UiTestRunId,
  tenant_id: TenantId,
  project_id: ProjectId,
  started_by_agent_id: Schema.NullOr(AgentId),
  status: UiTestRunStatus,
  guide_reference: Schema.NullOr(Schema.String.pipe(Schema.minLength(1), Schema.maxLength(1000))),
  notes: Schema.NullOr(Schema.String),
  findings: Schema.Array(UiTestFinding),
  summary: Schema.NullOr(Schema.String),
  screenshots_count: Counter,
  findings_count: Counter,
  critical_count: Counter,
  high_count: Counter,
  started_at: Timestamp,
  completed_at: Schema.NullOr(Timestamp),
  inserted_at: Timestamp,
  updated_at: Timestamp,
}) {}
