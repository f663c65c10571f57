import { Effect } from "effect"
import type { Tenants } from "../../identity/ports/tenants.js"
import { UiTestRunId } from "../../kernel/domain/ids.js"
import type { RowRange } from "../../kernel/domain/page.js"
import { type Ids, freshId } from "../../kernel/ports/ids.js"
import type { UnitOfWork } from "../../kernel/ports/unit-of-work.js"
import type { Project } from "../../work/domain/project.js"
import { Projects } from "../../work/ports/projects.js"
import type { UiTestRunFilter } from "../../workflow/domain/ui-test-run-filter.js"
import { UiTestFinding, UiTestRun } from "../../workflow/domain/ui-test-run.js"
import { UiTestRuns } from "../../workflow/ports/ui-test-runs.js"
import { type ContractSuite, contractCase, expectEqual, expectNone, expectSome, settle } from "./contract.js"
import { aProject, anAgentId, freshTenant, instant, within } from "./fixtures.js"

const aRun = (project: Project, overrides: Partial<UiTestRun> = {}): Effect.Effect<UiTestRun, never, Ids> =>
  Effect.map(
    freshId(UiTestRunId),
    (id) =>
      new UiTestRun({
        id,
        tenant_id: project.tenant_id,
        project_id: project.id,
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
        started_at: instant(40),
        completed_at: null,
        inserted_at: instant(40),
        updated_at: instant(40),
        ...overrides,
      }),
  )

/** Findings with every field a client may send, in both vocabularies. */
const findings = [
  new UiTestFinding({
    title: "Login form — no error shown",
    severity: "bug",
    steps: "1. Visit /login\n2. Enter a wrong password",
    expected: "An error below the field",
    actual: "The page reloads",
    recorded_at: instant(41, 100),
  }),
  new UiTestFinding({
    severity: "critical",
    type: "crash",
    step: 3,
    description: 'Checkout throws "undefined" — Grüße',
    screenshot_path: "/shots/checkout.png",
    console_errors: ["TypeError: x is undefined", "404 /api/cart"],
    recorded_at: instant(42, 200),
  }),
  new UiTestFinding({
    title: null,
    severity: null,
    steps: ["open", "click"],
    description: "nulls survive",
    console_errors: "one line",
    recorded_at: instant(43, 300),
  }),
]

/** A committed tenant with one project. */
const seedProject = Effect.gen(function* () {
  const tenant = yield* freshTenant()
  const project = yield* aProject(tenant)
  yield* within(
    tenant.id,
    Effect.flatMap(Projects, (projects) => projects.insert(project)),
  )
  return { tenant, project }
})

const insertRuns = (runs: ReadonlyArray<UiTestRun>) =>
  Effect.flatMap(UiTestRuns, (repo) => Effect.forEach(runs, (run) => repo.insert(run), { discard: true }))
const findRun = (id: UiTestRunId) => Effect.flatMap(UiTestRuns, (repo) => repo.findById(id))
const list = (project: Project, filter: UiTestRunFilter, window: RowRange) =>
  Effect.flatMap(UiTestRuns, (repo) => repo.listByProject(project.id, filter, window))
const ids = (runs: ReadonlyArray<UiTestRun>) => runs.map((run) => run.id)

/** The UiTestRuns port: round trips of runs and their findings, updates, newest-first lists, isolation. */
export const uiTestRunsContract: ContractSuite<UiTestRuns | Projects | Tenants | UnitOfWork | Ids> = {
  port: "UiTestRuns",
  cases: [
    contractCase(
      "insert then findById returns every field, findings included",
      Effect.gen(function* () {
        const { tenant, project } = yield* seedProject
        const run = yield* aRun(project, {
          started_by_agent_id: yield* anAgentId,
          status: "failed",
          guide_reference: "docs/qa/checkout.md",
          notes: "Post-epic-37 QA pass",
          findings,
          summary: "2 bugs",
          screenshots_count: 1,
          findings_count: 3,
          critical_count: 1,
          high_count: 1,
          started_at: instant(40, 123_456),
          completed_at: instant(44, 1),
          updated_at: instant(44, 1),
        })
        yield* within(tenant.id, insertRuns([run]))
        const found = yield* within(tenant.id, findRun(run.id))
        yield* expectEqual(yield* expectSome(found, "the inserted run"), run, "run after a round-trip")
        const locked = yield* within(
          tenant.id,
          Effect.flatMap(UiTestRuns, (repo) => repo.findForUpdate(run.id)),
        )
        yield* expectEqual(yield* expectSome(locked, "the run held for update"), run, "findForUpdate")
      }),
    ),
    contractCase(
      "update replaces the stored fields",
      Effect.gen(function* () {
        const { tenant, project } = yield* seedProject
        const run = yield* aRun(project)
        yield* within(tenant.id, insertRuns([run]))
        const finished = new UiTestRun({
          ...run,
          status: "passed",
          findings: findings.slice(0, 1),
          findings_count: 1,
          high_count: 1,
          summary: "fine",
          completed_at: instant(45),
          updated_at: instant(45),
        })
        yield* within(
          tenant.id,
          Effect.flatMap(UiTestRuns, (repo) => repo.update(finished)),
        )
        const found = yield* within(tenant.id, findRun(run.id))
        yield* expectEqual(yield* expectSome(found, "the updated run"), finished, "run after update")
      }),
    ),
    contractCase(
      "listByProject is newest first, filters by status, windows and counts",
      Effect.gen(function* () {
        const { tenant, project } = yield* seedProject
        const other = yield* aProject(tenant)
        const oldest = yield* aRun(project, { started_at: instant(50), status: "passed" })
        const middle = yield* aRun(project, { started_at: instant(51) })
        const newest = yield* aRun(project, { started_at: instant(52), status: "passed" })
        const elsewhere = yield* aRun(other, { started_at: instant(53) })
        yield* within(
          tenant.id,
          Effect.gen(function* () {
            yield* Effect.flatMap(Projects, (projects) => projects.insert(other))
            yield* insertRuns([middle, oldest, newest, elsewhere])
          }),
        )
        const all = yield* within(tenant.id, list(project, {}, { offset: 0, limit: 20 }))
        yield* expectEqual(ids(all.items), ids([newest, middle, oldest]), "every run, newest first")
        yield* expectEqual(all.total_count, 3, "the total")
        const passed = yield* within(tenant.id, list(project, { status: "passed" }, { offset: 0, limit: 20 }))
        yield* expectEqual(ids(passed.items), ids([newest, oldest]), "passed runs")
        yield* expectEqual(passed.total_count, 2, "the passed total")
        const window = yield* within(tenant.id, list(project, {}, { offset: 1, limit: 1 }))
        yield* expectEqual(ids(window.items), ids([middle]), "the second run alone")
        yield* expectEqual(window.total_count, 3, "the total beside a window")
        const past = yield* within(tenant.id, list(project, {}, { offset: 10, limit: 5 }))
        yield* expectEqual(past.items.length, 0, "a window past the end")
        yield* expectEqual(past.total_count, 3, "the total past the end")
      }),
    ),
    contractCase(
      "another tenant cannot read, list or update a run",
      Effect.gen(function* () {
        const { tenant, project } = yield* seedProject
        const intruder = yield* freshTenant()
        const run = yield* aRun(project)
        yield* within(tenant.id, insertRuns([run]))
        yield* expectNone(yield* within(intruder.id, findRun(run.id)), "a foreign tenant's read")
        const listed = yield* within(intruder.id, list(project, {}, { offset: 0, limit: 20 }))
        yield* expectEqual(listed.total_count, 0, "a foreign tenant's list")
        yield* settle(
          within(
            intruder.id,
            Effect.flatMap(UiTestRuns, (repo) => repo.update(new UiTestRun({ ...run, summary: "hijacked" }))),
          ),
        )
        const found = yield* within(tenant.id, findRun(run.id))
        yield* expectEqual(yield* expectSome(found, "the run"), run, "the run is unchanged")
      }),
    ),
  ],
}
