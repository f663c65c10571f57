import { Cause, Data, Deferred, Effect, Exit, Fiber } from "effect"
import type { AuditEntry } from "../../audit/domain/audit-entry.js"
import { AuditLog } from "../../audit/ports/audit-log.js"
import { Outbox, type OutboxEntry } from "../../events/ports/outbox.js"
import type { Tenant } from "../../identity/domain/tenant.js"
import type { Tenants } from "../../identity/ports/tenants.js"
import type { Ids } from "../../kernel/ports/ids.js"
import type { UnitOfWork } from "../../kernel/ports/unit-of-work.js"
import type { Epic } from "../../work/domain/epic.js"
import { Project } from "../../work/domain/project.js"
import type { Story } from "../../work/domain/story.js"
import { EpicDependencies, StoryDependencies } from "../../work/ports/dependencies.js"
import { Epics } from "../../work/ports/epics.js"
import { Projects } from "../../work/ports/projects.js"
import { Stories } from "../../work/ports/stories.js"
import {
  ArtifactReports,
  ReviewRecords,
  VerificationResults,
} from "../../workflow/ports/verification-records.js"
import {
  type ContractSuite,
  contractCase,
  expectEqual,
  expectFailClosed,
  expectFailure,
  expectNone,
  expectSome,
  expectTrue,
} from "./contract.js"
import {
  aReviewRecord,
  aStory,
  aStoryDependency,
  aVerificationResult,
  anArtifactReport,
  anAuditEntry,
  anEpic,
  anEpicDependency,
  anOutboxEntry,
  commitStories,
  instant,
  seedBoard,
  within,
} from "./fixtures.js"

/** The failure a case raises on purpose to make its unit of work roll back. */
class DeliberateFailure extends Data.TaggedError("DeliberateFailure")<{ readonly reason: string }> {}

type Ports =
  | UnitOfWork
  | Tenants
  | Projects
  | Epics
  | Stories
  | StoryDependencies
  | EpicDependencies
  | ReviewRecords
  | VerificationResults
  | ArtifactReports
  | AuditLog
  | Outbox
  | Ids

/**
 * A committed board plus the writes a case makes inside one unit of work: a changed project,
 * a new epic with a story, an audit entry and an outbox entry.
 */
const pendingWrites = Effect.gen(function* () {
  const board = yield* seedBoard
  const renamed = new Project({ ...board.project, name: "Renamed inside the unit of work" })
  const epic = yield* anEpic(board.project, 2)
  const story = yield* aStory(epic, "2.1")
  const audit = yield* anAuditEntry(board.tenant, { entity_id: story.id, action: "created" })
  const event = yield* anOutboxEntry(board.tenant)
  const write = Effect.gen(function* () {
    yield* (yield* Projects).update(renamed)
    yield* (yield* Epics).insert([epic])
    yield* (yield* Stories).insert([story])
    yield* (yield* AuditLog).append([audit])
    yield* (yield* Outbox).enqueue([event])
  })
  return { ...board, renamed, epic, story, audit, event, write }
})

/** What a case expects to find after its unit of work: everything it wrote, or none of it. */
const expectWrites = (
  written: boolean,
  w: {
    readonly tenant: Tenant
    readonly project: Project
    readonly renamed: Project
    readonly epic: Epic
    readonly story: Story
    readonly audit: AuditEntry
    readonly event: OutboxEntry
  },
) =>
  within(
    w.tenant.id,
    Effect.gen(function* () {
      const project = yield* expectSome(yield* (yield* Projects).findById(w.project.id), "the seeded project")
      const epic = yield* (yield* Epics).findById(w.epic.id)
      const story = yield* (yield* Stories).findById(w.story.id)
      const audited = yield* (yield* AuditLog).exists(w.audit.entity_type, w.audit.entity_id, w.audit.action)
      const events = yield* (yield* Outbox).list(100)
      const queued = events.some((entry) => entry.id === w.event.id)
      if (written) {
        yield* expectEqual(project, w.renamed, "the project updated in the unit of work")
        yield* expectSome(epic, "the epic inserted in the unit of work")
        yield* expectEqual(
          yield* expectSome(story, "the story inserted in the unit of work"),
          w.story,
          "story",
        )
        yield* expectTrue(audited, "the audit entry appended in the unit of work is missing")
        yield* expectTrue(queued, "the outbox entry enqueued in the unit of work is missing")
      } else {
        yield* expectEqual(project, w.project, "the project after a rolled-back update")
        yield* expectNone(epic, "the epic of a rolled-back unit of work")
        yield* expectNone(story, "the story of a rolled-back unit of work")
        yield* expectEqual(audited, false, "the audit entry of a rolled-back unit of work exists")
        yield* expectEqual(queued, false, "the outbox entry of a rolled-back unit of work is queued")
      }
    }),
  )

const isEmptyPage = (page: { readonly items: ReadonlyArray<unknown>; readonly total_count: number }) =>
  page.items.length === 0 && page.total_count === 0
const isEmptyList = (rows: ReadonlyArray<unknown>) => rows.length === 0

/** The UnitOfWork port: all-or-nothing transactions, nested joins, tenant scope that fails closed. */
export const unitOfWorkContract: ContractSuite<Ports> = {
  port: "UnitOfWork",
  cases: [
    contractCase(
      "transact returns the work's value and commits every write",
      Effect.gen(function* () {
        const w = yield* pendingWrites
        const value = yield* within(w.tenant.id, Effect.as(w.write, "done"))
        yield* expectEqual(value, "done", "the value of transact")
        yield* expectWrites(true, w)
      }),
    ),
    contractCase(
      "a failure rolls back every write and reaches the caller unchanged",
      Effect.gen(function* () {
        const w = yield* pendingWrites
        const boom = new DeliberateFailure({ reason: "rollback" })
        const failure = yield* expectFailure(
          within(w.tenant.id, Effect.zipRight(w.write, Effect.fail(boom))),
          "DeliberateFailure",
          "a unit of work that fails",
        )
        // Tracing spans may re-wrap an error object, so "unchanged" means the same tag and fields.
        yield* expectTrue(
          failure._tag === boom._tag && failure.reason === boom.reason,
          "transact replaced the work's failure with another value",
        )
        yield* expectWrites(false, w)
      }),
    ),
    contractCase(
      "a defect rolls back every write",
      Effect.gen(function* () {
        const w = yield* pendingWrites
        const exit = yield* Effect.exit(
          within(w.tenant.id, Effect.zipRight(w.write, Effect.dieMessage("boom"))),
        )
        yield* expectTrue(
          Exit.isFailure(exit) && Cause.isDie(exit.cause),
          "transact did not die with the work",
        )
        yield* expectWrites(false, w)
      }),
    ),
    contractCase(
      "interrupting the work rolls back every write",
      Effect.gen(function* () {
        const w = yield* pendingWrites
        const written = yield* Deferred.make<void>()
        const fiber = yield* Effect.fork(
          within(
            w.tenant.id,
            Effect.zipRight(w.write, Effect.zipRight(Deferred.succeed(written, undefined), Effect.never)),
          ),
        )
        yield* Deferred.await(written)
        yield* Fiber.interrupt(fiber)
        yield* expectWrites(false, w)
      }),
    ),
    contractCase(
      "a nested transact joins the outer one and rolls back with it",
      Effect.gen(function* () {
        const w = yield* pendingWrites
        const nested = within(
          w.tenant.id,
          Effect.zipRight(
            within(w.tenant.id, w.write),
            Effect.fail(new DeliberateFailure({ reason: "outer" })),
          ),
        )
        yield* expectFailure(nested, "DeliberateFailure", "an outer unit of work failing after a nested one")
        yield* expectWrites(false, w)
      }),
    ),
    contractCase(
      "a nested transact sees the outer writes and commits with the outer one",
      Effect.gen(function* () {
        const w = yield* pendingWrites
        const extra = yield* aStory(w.epic, "2.2")
        yield* within(
          w.tenant.id,
          Effect.gen(function* () {
            yield* w.write
            const seen = yield* within(
              w.tenant.id,
              Effect.gen(function* () {
                yield* (yield* Stories).insert([extra])
                return yield* (yield* Stories).findById(w.story.id)
              }),
            )
            yield* expectSome(seen, "the outer write, seen from the nested unit of work")
            yield* expectSome(
              yield* (yield* Stories).findById(extra.id),
              "the nested write, seen from outside it",
            )
          }),
        )
        yield* expectWrites(true, w)
        yield* expectSome(
          yield* within(
            w.tenant.id,
            Effect.flatMap(Stories, (s) => s.findById(extra.id)),
          ),
          "the nested write",
        )
      }),
    ),
    contractCase(
      "reads outside any unit of work see no tenant rows",
      Effect.gen(function* () {
        const { tenant, project, epic } = yield* seedBoard
        const e2 = yield* anEpic(project, 2)
        const s1 = yield* aStory(epic, "1.1")
        const s2 = yield* aStory(e2, "2.1")
        const storyEdge = yield* aStoryDependency(s2, s1)
        const epicEdge = yield* anEpicDependency(e2, epic)
        const audit = yield* anAuditEntry(tenant, { project_id: project.id, entity_id: s1.id })
        yield* within(
          tenant.id,
          Effect.flatMap(Epics, (repo) => repo.insert([e2])),
        )
        yield* commitStories(tenant, [s1, s2])
        yield* within(
          tenant.id,
          Effect.gen(function* () {
            yield* (yield* StoryDependencies).insert([storyEdge])
            yield* (yield* EpicDependencies).insert([epicEdge])
            yield* (yield* ReviewRecords).insert(yield* aReviewRecord(s1, { completed_at: instant(500) }))
            yield* (yield* VerificationResults).insert(yield* aVerificationResult(s1, 1))
            yield* (yield* ArtifactReports).insert(yield* anArtifactReport(s1))
            yield* (yield* AuditLog).append([audit])
            yield* (yield* Outbox).enqueue([yield* anOutboxEntry(tenant)])
          }),
        )
        const projects = yield* Projects
        const epics = yield* Epics
        const stories = yield* Stories
        const storyEdges = yield* StoryDependencies
        const epicEdges = yield* EpicDependencies
        const reviews = yield* ReviewRecords
        const results = yield* VerificationResults
        const artifacts = yield* ArtifactReports
        const log = yield* AuditLog
        const outbox = yield* Outbox
        const page = { page: 1, page_size: 50 }
        yield* expectFailClosed(projects.findById(project.id), (o) => o._tag === "None", "Projects.findById")
        yield* expectFailClosed(projects.list({ status: "any" }, page), isEmptyPage, "Projects.list")
        yield* expectFailClosed(projects.countActive, (n) => n === 0, "Projects.countActive")
        yield* expectFailClosed(epics.findById(epic.id), (o) => o._tag === "None", "Epics.findById")
        yield* expectFailClosed(epics.listByProject(project.id), isEmptyList, "Epics.listByProject")
        yield* expectFailClosed(stories.findById(s1.id), (o) => o._tag === "None", "Stories.findById")
        yield* expectFailClosed(
          stories.findForUpdate(s1.id),
          (o) => o._tag === "None",
          "Stories.findForUpdate",
        )
        yield* expectFailClosed(
          stories.listByProject(project.id, {}, page),
          isEmptyPage,
          "Stories.listByProject",
        )
        yield* expectFailClosed(stories.listByEpic(epic.id), isEmptyList, "Stories.listByEpic")
        yield* expectFailClosed(stories.listAllByProject(project.id), isEmptyList, "Stories.listAllByProject")
        yield* expectFailClosed(
          stories.prerequisitesOf(s2),
          (p) => p.stories.length === 0 && p.epic_stories.length === 0,
          "Stories.prerequisitesOf",
        )
        yield* expectFailClosed(
          storyEdges.findById(storyEdge.id),
          (o) => o._tag === "None",
          "StoryDependencies.findById",
        )
        yield* expectFailClosed(
          storyEdges.listByProject(project.id),
          isEmptyList,
          "StoryDependencies.listByProject",
        )
        yield* expectFailClosed(
          epicEdges.findById(epicEdge.id),
          (o) => o._tag === "None",
          "EpicDependencies.findById",
        )
        yield* expectFailClosed(
          epicEdges.listByProject(project.id),
          isEmptyList,
          "EpicDependencies.listByProject",
        )
        yield* expectFailClosed(
          reviews.latestCompletedAt(s1.id),
          (t) => t === null,
          "ReviewRecords.latestCompletedAt",
        )
        yield* expectFailClosed(
          results.lastIteration(s1.id),
          (n) => n === 0,
          "VerificationResults.lastIteration",
        )
        yield* expectFailClosed(
          results.listByStory(s1.id, page),
          isEmptyPage,
          "VerificationResults.listByStory",
        )
        yield* expectFailClosed(
          artifacts.listByStory(s1.id, page),
          isEmptyPage,
          "ArtifactReports.listByStory",
        )
        yield* expectFailClosed(log.list({}, page), isEmptyPage, "AuditLog.list")
        yield* expectFailClosed(
          log.exists(audit.entity_type, audit.entity_id, audit.action),
          (b) => !b,
          "AuditLog.exists",
        )
        yield* expectFailClosed(outbox.list(1000), isEmptyList, "Outbox.list")
      }),
    ),
  ],
}
