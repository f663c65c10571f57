import { Effect } from "effect"
import type { Tenants } from "../../identity/ports/tenants.js"
import { EpicId, ProjectId } from "../../kernel/domain/ids.js"
import { type Ids, freshId } from "../../kernel/ports/ids.js"
import type { UnitOfWork } from "../../kernel/ports/unit-of-work.js"
import type { Epic } from "../../work/domain/epic.js"
import type { StatusCount } from "../../work/domain/progress.js"
import { Epics } from "../../work/ports/epics.js"
import { Projects } from "../../work/ports/projects.js"
import { type StatusScope, Stories } from "../../work/ports/stories.js"
import { type ContractSuite, contractCase, expectEqual } from "./contract.js"
import { aProject, aStory, anEpic, commitStories, seedBoard, within } from "./fixtures.js"

const insertEpics = (epics: ReadonlyArray<Epic>) => Effect.flatMap(Epics, (repo) => repo.insert(epics))

const countsOf = (scope: StatusScope) => Effect.flatMap(Stories, (repo) => repo.countByStatus(scope))

/** Counts in a fixed order (the port promises no order), as `epic/agent/verified=stories:hours`. */
const described = (counts: ReadonlyArray<StatusCount>, epics: ReadonlyArray<Epic>) =>
  counts
    .map((c) => {
      const epic = epics.find((e) => e.id === c.epic_id)?.number ?? "?"
      return `${epic}/${c.agent_status}/${c.verified_status}=${c.stories}:${c.estimated_hours}`
    })
    .sort()

/**
 * The list and count queries behind the epic list and progress: Epics.pageByProject and
 * Epics.countByProject, and Stories.countByStatus (stories grouped by epic and pair of statuses).
 */
export const workCountsContract: ContractSuite<Projects | Epics | Stories | Tenants | UnitOfWork | Ids> = {
  port: "Epics and Stories (pages and counts)",
  cases: [
    contractCase(
      "Epics.pageByProject orders by position then number, filters by phase and counts every match",
      Effect.gen(function* () {
        const { tenant, project, epic } = yield* seedBoard
        const other = yield* aProject(tenant)
        const e5 = yield* anEpic(project, 5, { position: 1, phase: "build" })
        const e3 = yield* anEpic(project, 3, { position: 1, phase: "build" })
        const e2 = yield* anEpic(project, 2, { position: 2, phase: "ship" })
        const e4 = yield* anEpic(project, 4, { position: 0, phase: "build" })
        const stranger = yield* anEpic(other, 9, { phase: "build" })
        yield* within(
          tenant.id,
          Effect.gen(function* () {
            yield* (yield* Projects).insert(other)
            yield* insertEpics([e5, e3, e2, e4, stranger])
          }),
        )
        const pageOf = (phase: string | undefined, page: number, page_size: number) =>
          within(
            tenant.id,
            Effect.flatMap(Epics, (repo) =>
              repo.pageByProject(project.id, phase === undefined ? {} : { phase }, { page, page_size }),
            ),
          )
        // The seeded epic is number 1 at position 0, without a phase.
        const all = yield* pageOf(undefined, 1, 10)
        yield* expectEqual(
          all.items.map((e) => e.number),
          [1, 4, 3, 5, 2],
          "numbers of the whole list",
        )
        yield* expectEqual(all.items[0], epic, "the first epic, every field")
        yield* expectEqual(all.total_count, 5, "total_count of the whole list")
        const second = yield* pageOf(undefined, 2, 2)
        yield* expectEqual(
          second.items.map((e) => e.number),
          [3, 5],
          "page 2 of size 2",
        )
        yield* expectEqual(second.total_count, 5, "total_count of page 2")
        const beyond = yield* pageOf(undefined, 4, 2)
        yield* expectEqual(beyond.items.length, 0, "epics past the last page")
        yield* expectEqual(beyond.total_count, 5, "total_count past the last page")
        const build = yield* pageOf("build", 1, 10)
        yield* expectEqual(
          build.items.map((e) => e.number),
          [4, 3, 5],
          "phase=build",
        )
        yield* expectEqual(build.total_count, 3, "total_count of phase=build")
        const none = yield* pageOf("nothing", 1, 10)
        yield* expectEqual([none.items.length, none.total_count], [0, 0], "an unknown phase")
      }),
    ),
    contractCase(
      "Epics.countByProject counts the project's epics only, and none of another tenant's",
      Effect.gen(function* () {
        const { tenant, project } = yield* seedBoard
        const other = yield* aProject(tenant)
        yield* within(
          tenant.id,
          Effect.gen(function* () {
            yield* (yield* Projects).insert(other)
            yield* insertEpics([
              yield* anEpic(project, 2),
              yield* anEpic(project, 3),
              yield* anEpic(other, 1),
            ])
          }),
        )
        const count = (tenantId: typeof tenant.id, projectId: ProjectId) =>
          within(
            tenantId,
            Effect.flatMap(Epics, (repo) => repo.countByProject(projectId)),
          )
        yield* expectEqual(yield* count(tenant.id, project.id), 3, "epics of the project")
        yield* expectEqual(yield* count(tenant.id, other.id), 1, "epics of the other project")
        yield* expectEqual(yield* count(tenant.id, yield* freshId(ProjectId)), 0, "an unknown project")
        const { tenant: stranger } = yield* seedBoard
        yield* expectEqual(yield* count(stranger.id, project.id), 0, "seen from another tenant")
      }),
    ),
    contractCase(
      "Stories.countByStatus groups a project's stories by epic and statuses and sums their hours",
      Effect.gen(function* () {
        const { tenant, project, epic } = yield* seedBoard
        const second = yield* anEpic(project, 2)
        const empty = yield* anEpic(project, 3)
        const elsewhere = yield* aProject(tenant)
        const foreignEpic = yield* anEpic(elsewhere, 1)
        yield* within(
          tenant.id,
          Effect.gen(function* () {
            yield* (yield* Projects).insert(elsewhere)
            yield* insertEpics([second, empty, foreignEpic])
          }),
        )
        yield* commitStories(tenant, [
          yield* aStory(epic, "1.1", { estimated_hours: 1.5 }),
          yield* aStory(epic, "1.2", { estimated_hours: 2.25 }),
          yield* aStory(epic, "1.3"),
          yield* aStory(epic, "1.4", {
            agent_status: "reported_done",
            verified_status: "verified",
            estimated_hours: 4,
          }),
          yield* aStory(epic, "1.5", { agent_status: "implementing", verified_status: "rejected" }),
          yield* aStory(second, "2.1", {
            agent_status: "reported_done",
            verified_status: "verified",
            estimated_hours: 0.5,
          }),
          yield* aStory(second, "2.2", { agent_status: "reported_done", verified_status: "verified" }),
          yield* aStory(second, "2.3", { agent_status: "assigned", estimated_hours: 3 }),
        ])
        yield* commitStories(tenant, [yield* aStory(foreignEpic, "1.1", { estimated_hours: 100 })])
        const epics = [epic, second, empty]
        const project_counts = yield* within(tenant.id, countsOf({ project_id: project.id }))
        yield* expectEqual(
          described(project_counts, epics),
          [
            "1/implementing/rejected=1:0",
            "1/pending/unverified=3:3.75",
            "1/reported_done/verified=1:4",
            "2/assigned/unverified=1:3",
            "2/reported_done/verified=2:0.5",
          ],
          "the project's counts",
        )
        const epic_counts = yield* within(tenant.id, countsOf({ epic_id: second.id }))
        yield* expectEqual(
          described(epic_counts, epics),
          ["2/assigned/unverified=1:3", "2/reported_done/verified=2:0.5"],
          "the second epic's counts",
        )
        yield* expectEqual(yield* within(tenant.id, countsOf({ epic_id: empty.id })), [], "an empty epic")
        yield* expectEqual(
          yield* within(tenant.id, countsOf({ epic_id: yield* freshId(EpicId) })),
          [],
          "an unknown epic",
        )
        const { tenant: stranger } = yield* seedBoard
        yield* expectEqual(
          yield* within(stranger.id, countsOf({ project_id: project.id })),
          [],
          "the project seen from another tenant",
        )
        yield* expectEqual(
          yield* within(stranger.id, countsOf({ epic_id: epic.id })),
          [],
          "the epic seen from another tenant",
        )
      }),
    ),
  ],
}
