import { describe, expect, it } from "@effect/vitest"
import { Either, FastCheck } from "effect"
import { ProjectId, TenantId, UiTestRunId } from "../../../src/kernel/domain/ids.js"
import { decodeRequest } from "../../../src/kernel/domain/refusal.js"
import { Timestamp } from "../../../src/kernel/domain/timestamp.js"
import {
  FindingRequest,
  RunCompletionRequest,
  RunStartRequest,
  UiTestRun,
  type UiTestSeverity,
  severities,
} from "../../../src/workflow/domain/ui-test-run.js"
import {
  completedRun,
  findingOf,
  parseRunListQuery,
  runCompletionOf,
  runListMeta,
  runStartOf,
  withFinding,
} from "../../../src/workflow/rules/ui-test-run.js"

const at = Timestamp.make("2026-03-27T12:00:00.000001Z")

const openRun = new UiTestRun({
  id: UiTestRunId.make("0e170000-0000-4000-8000-000000000001"),
  tenant_id: TenantId.make("7e1a0000-0000-4000-8000-000000000001"),
  project_id: ProjectId.make("9a0e0000-0000-4000-8000-000000000001"),
  started_by_agent_id: null,
  status: "running",
  guide_reference: null,
  notes: null,
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

const right = <A, E extends { readonly message: string }>(either: Either.Either<A, E>): A =>
  Either.getOrThrowWith(either, (error) => new Error(error.message))

const parseFinding = (body: unknown, now: Timestamp) =>
  Either.map(decodeRequest(FindingRequest)(body), (request) => findingOf(request, now))
const parseCompletion = (body: unknown) =>
  Either.map(decodeRequest(RunCompletionRequest)(body), runCompletionOf)
const parseRunStart = (body: unknown) => Either.map(decodeRequest(RunStartRequest)(body), runStartOf)

const finding = (severity: UiTestSeverity, screenshot = false) =>
  right(parseFinding({ severity, title: "seen", ...(screenshot ? { screenshot_path: "/s.png" } : {}) }, at))

describe("findings", () => {
  it("the counters always equal what the findings hold", () => {
    FastCheck.assert(
      FastCheck.property(
        FastCheck.array(FastCheck.tuple(FastCheck.constantFrom(...severities), FastCheck.boolean()), {
          maxLength: 30,
        }),
        (recorded) => {
          const run = recorded.reduce(
            (current, [severity, screenshot]) =>
              right(withFinding(current, finding(severity, screenshot), at)),
            openRun,
          )
          const count = (wanted: ReadonlyArray<UiTestSeverity>) =>
            recorded.filter(([severity]) => wanted.includes(severity)).length
          expect(run.findings.length).toBe(recorded.length)
          expect(run.findings_count).toBe(recorded.length)
          expect(run.critical_count).toBe(count(["critical", "blocker"]))
          expect(run.high_count).toBe(count(["high", "bug"]))
          expect(run.screenshots_count).toBe(recorded.filter(([, screenshot]) => screenshot).length)
        },
      ),
    )
  })

  it("a finished run takes no finding", () => {
    const done = right(completedRun(openRun, { status: null, summary: "s" }, at))
    const refused = withFinding(done, finding("low"), at)
    expect(Either.isLeft(refused) && refused.left.message).toBe("Run is not in progress")
  })

  it("a description stands in for a title; unknown keys are dropped", () => {
    const parsed = right(parseFinding({ severity: "medium", description: "what", extra: 1 }, at))
    expect(parsed.description).toBe("what")
    expect(Object.keys(parsed)).not.toContain("extra")
  })
})

describe("completion", () => {
  it("without a stated outcome a run fails exactly when a blocker or critical finding was recorded", () => {
    FastCheck.assert(
      FastCheck.property(
        FastCheck.array(FastCheck.constantFrom(...severities), { maxLength: 10 }),
        (recorded) => {
          const run = recorded.reduce(
            (current, severity) => right(withFinding(current, finding(severity), at)),
            openRun,
          )
          const done = right(completedRun(run, right(parseCompletion({ summary: "done" })), at))
          const critical = recorded.some((severity) => severity === "critical" || severity === "blocker")
          expect(done.status).toBe(critical ? "failed" : "passed")
          expect(done.completed_at).toBe(at)
        },
      ),
    )
  })

  it("a stated outcome wins, and a run completes once", () => {
    const run = right(withFinding(openRun, finding("blocker"), at))
    const done = right(completedRun(run, right(parseCompletion({ summary: "known", status: "passed" })), at))
    expect(done.status).toBe("passed")
    const again = completedRun(done, { status: null, summary: "again" }, at)
    expect(Either.isLeft(again) && again.left.message).toBe("Run is already completed")
  })
})

describe("start and list", () => {
  it("a start body has only optional fields; blank ones read as none", () => {
    expect(right(parseRunStart({}))).toEqual({ guide_reference: null, notes: null })
    expect(right(parseRunStart({ guide_reference: " ", notes: "n" }))).toEqual({
      guide_reference: null,
      notes: "n",
    })
  })

  it("the list window: 20 by default, more than 100 served as 100, offset over page; garbage is a 400 (D26)", () => {
    const windowOf = (query: Parameters<typeof parseRunListQuery>[0]) =>
      right(parseRunListQuery(query)).window
    expect(windowOf({})).toEqual({ offset: 0, limit: 20 })
    expect(windowOf({ limit: "500" })).toEqual({ offset: 0, limit: 100 })
    expect(windowOf({ page: "3", page_size: "10" })).toEqual({ offset: 20, limit: 10 })
    expect(windowOf({ page: "3", limit: "10", offset: "5" })).toEqual({ offset: 5, limit: 10 })
    expect(right(parseRunListQuery({ status: "in_progress" })).filter).toEqual({ status: "running" })
    const refused = parseRunListQuery({ limit: "ten", offset: "-4", page: "x", status: "done" })
    expect(Either.isLeft(refused) && refused.left._tag).toBe("BadRequest")
    expect(Either.isLeft(refused) && Object.keys(refused.left.details ?? {}).sort()).toEqual([
      "limit",
      "offset",
      "page",
      "status",
    ])
    expect(Either.isLeft(parseRunListQuery({ limit: "0" }))).toBe(true)
  })

  it("the list meta keeps both vocabularies", () => {
    expect(runListMeta({ offset: 4, limit: 2 }, 5)).toEqual({
      page: 3,
      page_size: 2,
      total_count: 5,
      total_pages: 3,
      total: 5,
      limit: 2,
      offset: 4,
    })
  })
})
