import { Schema } from "effect"
import { oneOf, refusing } from "../../kernel/domain/fields.js"
import { AgentId, ProjectId, TenantId, UiTestRunId } from "../../kernel/domain/ids.js"
import { optionalUnless, optionalUnlessBlank } from "../../kernel/domain/optional-fields.js"
import { RequiredText, TextField, maxCharacters } from "../../kernel/domain/text-fields.js"
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
  guide_reference: Schema.NullOr(Schema.String.pipe(Schema.minLength(1), maxCharacters(1000))),
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

// ---------------------------------------------------------------------------------------------
// What clients send: the README's fields and the original's, both accepted. Blank optional text
// reads as not given; every problem is reported at once as `details.<field>` of a 422.
// ---------------------------------------------------------------------------------------------

/** The longest guide reference, finding title or type. */
export const guideReferenceMax = 1000
export const findingTitleMax = 500
/** The longest free text of a run, a finding or a summary. */
export const runTextMax = 50_000

const text = (max: number, description: string) =>
  optionalUnlessBlank(TextField({ max }), { type: "string", description })

/** The body of a start: the README's `notes` and the original's `guide_reference`, both optional. */
export const RunStartRequest = Schema.Struct({
  notes: text(runTextMax, "What this pass is about"),
  guide_reference: text(guideReferenceMax, "The test guide followed, 1..1000 characters"),
}).annotations({ parseOptions: { errors: "all" } })
export type RunStartRequest = typeof RunStartRequest.Type

/** Every severity either vocabulary uses: the README's first, then the original's. */
export const severities = UiTestSeverity.literals

/** A severity: required, in either vocabulary. */
const Severity = oneOf(severities).annotations({
  description: "blocker, bug or enhancement (README), or critical, high, medium or low (original)",
})

const TextOrTexts = Schema.Union(Schema.String, Schema.Array(Schema.String)).annotations({
  message: () => ({ message: "must be a string or a list of strings", override: true }),
})
const textOrTexts = (description: string) =>
  optionalUnless(TextOrTexts, (input) => input === undefined || input === null, {
    description,
    oneOf: [{ type: "string" }, { type: "array", items: { type: "string" } }],
  })

/**
 * A finding. `severity` is required; the finding must say what was seen, in a `title` (README)
 * or a `description` (original). Keys the finding does not know are dropped.
 */
export const FindingRequest = Schema.Struct({
  severity: Severity,
  title: text(
    findingTitleMax,
    "Short description (required unless description is given), at most 500 characters",
  ),
  description: text(runTextMax, "What was seen (the original's field; stands in for title)"),
  steps: textOrTexts("Reproduction steps"),
  expected: text(runTextMax, "Expected behaviour"),
  actual: text(runTextMax, "Actual behaviour"),
  step: optionalUnless(
    refusing(Schema.Union(Schema.String, Schema.Number), "is invalid"),
    (input) => input === undefined || input === null,
    { description: "The guide step it happened at", oneOf: [{ type: "string" }, { type: "number" }] },
  ),
  type: text(findingTitleMax, "A kind of finding, free text"),
  screenshot_path: text(runTextMax, "Where a screenshot was saved (counts toward screenshots_count)"),
  console_errors: textOrTexts("Browser console errors"),
})
  .annotations({ parseOptions: { errors: "all" } })
  .pipe(
    Schema.filter(
      (finding) =>
        (finding.title ?? null) !== null ||
        (finding.description ?? null) !== null || { path: ["title"], message: "can't be blank" },
    ),
  )
export type FindingRequest = typeof FindingRequest.Type

/** The summary of a completion: required text. */
const Summary = RequiredText({ max: runTextMax })

/** The body of a completion: a summary, and the outcome when the caller states one. */
export const RunCompletionRequest = Schema.Struct({
  summary: Summary.annotations({ description: "What the pass found" }),
  status: optionalUnlessBlank(refusing(UiTestOutcome, "must be one of: passed, failed"), {
    type: "string",
    enum: ["passed", "failed"],
    description:
      "passed or failed; when absent, failed if a blocker or critical finding was recorded, else passed",
  }),
}).annotations({ parseOptions: { errors: "all" } })
export type RunCompletionRequest = typeof RunCompletionRequest.Type
