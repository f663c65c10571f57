import { describe, expect, it } from "@effect/vitest"
import { Either, Schema } from "effect"
import { CostAnomaly } from "../../../src/costs/domain/cost-anomaly.js"
import { dollarsFromMillicents } from "../../../src/costs/domain/money.js"
import { TokenBudget } from "../../../src/costs/domain/token-budget.js"
import { TokenUsageReport } from "../../../src/costs/domain/token-usage.js"
import { METADATA_MAX_BYTES, jsonByteSize } from "../../../src/kernel/domain/metadata.js"
import { Article, ArticleLink } from "../../../src/knowledge/domain/knowledge-article.js"
import { Skill, SkillResult, SkillVersion } from "../../../src/knowledge/domain/skill.js"
import {
  UiTestFinding,
  UiTestRun,
  type UiTestSeverity,
  derivedOutcome,
  severityCounter,
} from "../../../src/workflow/domain/ui-test-run.js"

const id = (n: number) => `00000000-0000-4000-8000-${n.toString(16).padStart(12, "0")}`
const tenantId = id(1)
const projectId = id(2)
const storyId = id(3)
const agentId = id(4)
const t1 = "2026-03-27T12:00:00.123456Z"
const t2 = "2026-03-27T12:00:01.000001Z"

/** Decodes the wire JSON and encodes the result back: both directions must be lossless. */
const roundTrip = <A, I>(schema: Schema.Schema<A, I>, json: unknown): A => {
  const decoded = Schema.decodeUnknownSync(schema)(json)
  expect(Schema.encodeSync(schema)(decoded)).toEqual(json)
  return decoded
}

const rejects = <A, I>(schema: Schema.Schema<A, I>, json: unknown): void => {
  expect(Either.isLeft(Schema.decodeUnknownEither(schema)(json))).toBe(true)
}

/** Decoding fails with the given message somewhere in the report. */
const rejectsWith = <A, I>(schema: Schema.Schema<A, I>, json: unknown, message: string): void => {
  const result = Schema.decodeUnknownEither(schema)(json)
  expect(Either.isLeft(result)).toBe(true)
  if (Either.isLeft(result)) expect(result.left.message).toContain(message)
}

const decode = <A, I>(schema: Schema.Schema<A, I>, json: unknown): A => Schema.decodeUnknownSync(schema)(json)

describe("money and metadata", () => {
  it("renders millicents as dollars, half up", () => {
    expect(dollarsFromMillicents(163_500)).toBe("1.64")
    expect(dollarsFromMillicents(163_499)).toBe("1.63")
    expect(dollarsFromMillicents(100_000)).toBe("1.00")
    expect(dollarsFromMillicents(500)).toBe("0.01")
    expect(dollarsFromMillicents(499)).toBe("0.00")
    expect(dollarsFromMillicents(0)).toBe("0.00")
    expect(dollarsFromMillicents(null)).toBe("0.00")
    expect(dollarsFromMillicents(12_345_678_900)).toBe("123456.79")
    expect(dollarsFromMillicents(-163_500)).toBe("-1.64")
    expect(dollarsFromMillicents(-400)).toBe("0.00")
  })

  it("measures metadata in UTF-8 bytes of its JSON", () => {
    expect(jsonByteSize({})).toBe(2)
    expect(jsonByteSize({ a: "é" })).toBe(10)
    expect(jsonByteSize({ a: "😀" })).toBe(12)
    expect(jsonByteSize({ a: "€" })).toBe(11)
  })
})

const reportJson = {
  id: id(10),
  tenant_id: tenantId,
  story_id: storyId,
  project_id: projectId,
  agent_id: agentId,
  input_tokens: 1000,
  output_tokens: 500,
  total_tokens: 1500,
  model_name: "claude-opus",
  cost_millicents: 163_500,
  phase: "implementing",
  session_id: "sess-1",
  skill_version_id: id(11),
  metadata: { tool: "cli" },
  deleted_at: null,
  corrects_report_id: null,
  tool_call_count: 12,
  cot_length_tokens: null,
  tests_run_count: 3,
  inserted_at: t1,
  updated_at: t2,
}

describe("TokenUsageReport", () => {
  it("round-trips", () => {
    const report = roundTrip(TokenUsageReport, reportJson)
    expect(report.isCorrection).toBe(false)
  })

  it("defaults the later counters to null", () => {
    const { tool_call_count: _a, cot_length_tokens: _b, tests_run_count: _c, ...older } = reportJson
    const report = decode(TokenUsageReport, older)
    expect([report.tool_call_count, report.cot_length_tokens, report.tests_run_count]).toEqual([
      null,
      null,
      null,
    ])
  })

  it("accepts negative deltas only on a correction row", () => {
    const delta = { input_tokens: -500, output_tokens: 0, total_tokens: -500, cost_millicents: -100 }
    rejectsWith(
      TokenUsageReport,
      { ...reportJson, ...delta },
      "input_tokens must be greater than or equal to 0",
    )
    const correction = roundTrip(TokenUsageReport, { ...reportJson, ...delta, corrects_report_id: id(12) })
    expect(correction.isCorrection).toBe(true)
  })

  it("rejects bad values", () => {
    rejects(TokenUsageReport, { ...reportJson, phase: "coding" })
    rejects(TokenUsageReport, { ...reportJson, model_name: "" })
    rejects(TokenUsageReport, { ...reportJson, cost_millicents: 1.5 })
    rejects(TokenUsageReport, { ...reportJson, agent_id: "not-a-uuid" })
    rejects(TokenUsageReport, { ...reportJson, inserted_at: "2026-03-27T12:00:00Z" })
    rejects(TokenUsageReport, { ...reportJson, tool_call_count: -1 })
    rejectsWith(TokenUsageReport, { ...reportJson, cost_millicents: -1 }, "cost_millicents")
    rejectsWith(TokenUsageReport, { ...reportJson, total_tokens: 1400 }, "total_tokens must equal")
    rejectsWith(
      TokenUsageReport,
      { ...reportJson, metadata: { blob: "x".repeat(METADATA_MAX_BYTES) } },
      "must be smaller than 64KB",
    )
  })
})

const budgetJson = {
  id: id(20),
  tenant_id: tenantId,
  scope_type: "story",
  scope_id: storyId,
  budget_millicents: 100_000,
  budget_input_tokens: 50_000,
  budget_output_tokens: null,
  alert_threshold_pct: 80,
  enforcement: "block",
  warning_fired: false,
  exceeded_fired: true,
  metadata: {},
  inserted_at: t1,
  updated_at: t2,
}

describe("TokenBudget", () => {
  it("round-trips", () => {
    roundTrip(TokenBudget, budgetJson)
  })

  it("defaults enforcement to warn", () => {
    const { enforcement: _, ...original } = budgetJson
    expect(decode(TokenBudget, original).enforcement).toBe("warn")
  })

  it("rejects bad values", () => {
    rejects(TokenBudget, { ...budgetJson, scope_type: "agent" })
    rejects(TokenBudget, { ...budgetJson, scope_id: "abc" })
    rejects(TokenBudget, { ...budgetJson, budget_millicents: 0 })
    rejects(TokenBudget, { ...budgetJson, budget_input_tokens: -1 })
    rejects(TokenBudget, { ...budgetJson, alert_threshold_pct: 0 })
    rejects(TokenBudget, { ...budgetJson, alert_threshold_pct: 101 })
    rejects(TokenBudget, { ...budgetJson, alert_threshold_pct: 80.5 })
    rejects(TokenBudget, { ...budgetJson, enforcement: "refuse" })
    rejects(TokenBudget, { ...budgetJson, warning_fired: "no" })
  })
})

const anomalyJson = {
  id: id(30),
  tenant_id: tenantId,
  story_id: storyId,
  story_title: "Login page",
  agent_name: null,
  anomaly_type: "high_cost",
  story_cost_millicents: 20_000,
  reference_avg_millicents: 4_800,
  deviation_factor: "4.17",
  resolved: false,
  archived: false,
  metadata: {},
  inserted_at: t1,
  updated_at: t2,
}

describe("CostAnomaly", () => {
  it("round-trips every type", () => {
    for (const anomaly_type of ["high_cost", "suspiciously_low", "budget_exceeded"]) {
      roundTrip(CostAnomaly, { ...anomalyJson, anomaly_type, agent_name: "impl-1" })
    }
  })

  it("rejects bad values", () => {
    rejects(CostAnomaly, { ...anomalyJson, anomaly_type: "weird" })
    rejects(CostAnomaly, { ...anomalyJson, deviation_factor: "4.5" })
    rejects(CostAnomaly, { ...anomalyJson, deviation_factor: 4.17 })
    rejects(CostAnomaly, { ...anomalyJson, story_cost_millicents: -1 })
    rejects(CostAnomaly, { ...anomalyJson, resolved: null })
  })
})

const skillJson = {
  id: id(40),
  tenant_id: tenantId,
  project_id: null,
  name: "review",
  description: "Code review checklist",
  current_version: 2,
  status: "active",
  metadata: {},
  inserted_at: t1,
  updated_at: t2,
}
const versionJson = {
  id: id(41),
  skill_id: id(40),
  tenant_id: tenantId,
  version: 2,
  prompt_text: "v2",
  changelog: null,
  created_by: "user-key",
  metadata: {},
  inserted_at: t1,
}
const resultJson = {
  id: id(42),
  tenant_id: tenantId,
  skill_version_id: id(41),
  verification_result_id: id(43),
  story_id: storyId,
  metrics: { findings_count: 4, false_positive_count: 1, iteration: 2, reviewer: "bot" },
  inserted_at: t1,
}

describe("Skill, SkillVersion, SkillResult", () => {
  it("round-trip", () => {
    roundTrip(Skill, skillJson)
    roundTrip(Skill, { ...skillJson, project_id: projectId, status: "archived" })
    roundTrip(SkillVersion, versionJson)
    const result = roundTrip(SkillResult, resultJson)
    expect(result.metrics.findings_count).toBe(4)
    roundTrip(SkillResult, { ...resultJson, metrics: {} })
  })

  it("rejects bad values", () => {
    rejects(Skill, { ...skillJson, name: "" })
    rejects(Skill, { ...skillJson, name: "x".repeat(256) })
    rejects(Skill, { ...skillJson, current_version: 0 })
    rejects(Skill, { ...skillJson, status: "deleted" })
    rejectsWith(SkillVersion, { ...versionJson, prompt_text: "   " }, "can't be blank")
    rejects(SkillVersion, { ...versionJson, version: 1.5 })
    rejects(SkillResult, { ...resultJson, metrics: { findings_count: "3" } })
    rejects(SkillResult, { ...resultJson, metrics: { iteration: -1 } })
    rejects(SkillResult, { ...resultJson, verification_result_id: null })
  })
})

const articleJson = {
  id: id(50),
  tenant_id: tenantId,
  project_id: projectId,
  title: "Use Ecto.Multi for transactions",
  body: "# Why\n\nKeeps writes atomic.",
  category: "pattern",
  status: "draft",
  tags: ["ecto", "a-b", "snake_case"],
  source_type: "review_finding",
  source_id: id(51),
  metadata: {},
  inserted_at: t1,
  updated_at: t2,
}
const linkJson = {
  id: id(52),
  tenant_id: tenantId,
  source_article_id: id(50),
  target_article_id: id(53),
  relationship_type: "contradicts",
  metadata: {},
  inserted_at: t1,
}

describe("Article and ArticleLink", () => {
  it("round-trip", () => {
    roundTrip(Article, articleJson)
    roundTrip(Article, { ...articleJson, project_id: null, source_type: null, source_id: null, tags: [] })
    roundTrip(ArticleLink, linkJson)
  })

  it("rejects bad articles with the original's messages where it has them", () => {
    rejects(Article, { ...articleJson, category: "howto" })
    rejects(Article, { ...articleJson, status: "deleted" })
    rejects(Article, { ...articleJson, source_type: "email" })
    rejects(Article, { ...articleJson, title: "" })
    rejects(Article, { ...articleJson, title: "t".repeat(501) })
    rejects(Article, { ...articleJson, body: "" })
    rejects(Article, { ...articleJson, body: "b".repeat(100_001) })
    rejectsWith(Article, { ...articleJson, tags: ["a b"] }, "tag a b contains invalid characters")
    rejectsWith(
      Article,
      { ...articleJson, tags: Array.from({ length: 21 }, (_, i) => `t${i}`) },
      "must not exceed 20 tags",
    )
    rejects(Article, { ...articleJson, tags: ["x".repeat(101)] })
  })

  it("rejects bad links", () => {
    rejects(ArticleLink, { ...linkJson, relationship_type: "likes" })
    rejectsWith(ArticleLink, { ...linkJson, target_article_id: id(50) }, "cannot link an article to itself")
  })
})

const readmeFinding = {
  title: "Save button does nothing",
  severity: "blocker",
  steps: ["open settings", "click save"],
  expected: "saved",
  actual: "nothing",
  recorded_at: t1,
}
const originalFinding = {
  step: 3,
  severity: "high",
  type: "visual",
  description: "Overlapping labels",
  screenshot_path: "/tmp/s1.png",
  console_errors: ["TypeError: x is undefined"],
  recorded_at: t2,
}
const runJson = {
  id: id(60),
  tenant_id: tenantId,
  project_id: projectId,
  started_by_agent_id: agentId,
  status: "running",
  guide_reference: "docs/guide.md",
  notes: null,
  findings: [readmeFinding, originalFinding],
  summary: null,
  screenshots_count: 1,
  findings_count: 2,
  critical_count: 1,
  high_count: 1,
  started_at: t1,
  completed_at: null,
  inserted_at: t1,
  updated_at: t2,
}

describe("UiTestRun and UiTestFinding", () => {
  it("round-trips a run holding findings of both vocabularies", () => {
    roundTrip(UiTestRun, runJson)
    roundTrip(UiTestRun, { ...runJson, status: "passed", summary: "ok", completed_at: t2, findings: [] })
    roundTrip(UiTestRun, { ...runJson, guide_reference: null, notes: "smoke test" })
  })

  it("reads in_progress as running and writes running", () => {
    const run = decode(UiTestRun, { ...runJson, status: "in_progress" })
    expect(run.status).toBe("running")
    expect(Schema.encodeSync(UiTestRun)(run).status).toBe("running")
  })

  it("rejects bad values", () => {
    rejects(UiTestRun, { ...runJson, status: "done" })
    rejects(UiTestRun, { ...runJson, critical_count: -1 })
    rejects(UiTestRun, { ...runJson, guide_reference: "" })
    rejects(UiTestRun, { ...runJson, guide_reference: "g".repeat(1001) })
    rejects(UiTestRun, { ...runJson, project_id: null })
    rejects(UiTestFinding, { ...readmeFinding, severity: "urgent" })
    rejects(UiTestFinding, { ...readmeFinding, recorded_at: undefined })
    rejects(UiTestFinding, { ...originalFinding, step: { n: 3 } })
  })

  it("counts blocker as critical and bug as high, and fails a run with anything critical", () => {
    const severities: ReadonlyArray<UiTestSeverity | null> = [
      "blocker",
      "critical",
      "bug",
      "high",
      "medium",
      "low",
      "enhancement",
      null,
    ]
    expect(severities.map((severity) => severityCounter(severity))).toEqual([
      "critical",
      "critical",
      "high",
      "high",
      null,
      null,
      null,
      null,
    ])
    const findings = [decode(UiTestFinding, readmeFinding), decode(UiTestFinding, originalFinding)]
    expect(derivedOutcome(findings)).toBe("failed")
    expect(derivedOutcome(findings.slice(1))).toBe("passed")
    expect(derivedOutcome([])).toBe("passed")
  })
})
