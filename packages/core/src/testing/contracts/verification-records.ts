import { Effect } from "effect"
import type { Tenants } from "../../identity/ports/tenants.js"
import type { Ids } from "../../kernel/ports/ids.js"
import type { UnitOfWork } from "../../kernel/ports/unit-of-work.js"
import type { Story } from "../../work/domain/story.js"
import type { Epics } from "../../work/ports/epics.js"
import type { Projects } from "../../work/ports/projects.js"
import type { Stories } from "../../work/ports/stories.js"
import type { ArtifactReport, VerificationResult } from "../../workflow/domain/verification.js"
import {
  ArtifactReports,
  ReviewRecords,
  VerificationResults,
} from "../../workflow/ports/verification-records.js"
import { type ContractSuite, contractCase, expectEqual } from "./contract.js"
import {
  aReviewRecord,
  aStory,
  aVerificationResult,
  anAgentId,
  anArtifactReport,
  commitStories,
  instant,
  richJson,
  seedBoard,
  within,
} from "./fixtures.js"

type Ports<P> = P | Stories | Epics | Projects | Tenants | UnitOfWork | Ids

/** A seeded board with two stories, 1.1 (the subject) and 1.2 (a neighbour whose rows must not leak). */
const twoStories = Effect.gen(function* () {
  const board = yield* seedBoard
  const story = yield* aStory(board.epic, "1.1")
  const neighbour = yield* aStory(board.epic, "1.2")
  yield* commitStories(board.tenant, [story, neighbour])
  return { ...board, story, neighbour }
})

const latestOf = (story: Story) => Effect.flatMap(ReviewRecords, (repo) => repo.latestCompletedAt(story.id))
const lastIterationOf = (story: Story) =>
  Effect.flatMap(VerificationResults, (repo) => repo.lastIteration(story.id))
const resultsOf = (story: Story, page = 1, page_size = 50) =>
  Effect.flatMap(VerificationResults, (repo) => repo.listByStory(story.id, { page, page_size }))
const artifactsOf = (story: Story, page = 1, page_size = 50) =>
  Effect.flatMap(ArtifactReports, (repo) => repo.listByStory(story.id, { page, page_size }))

/** The ReviewRecords port: the latest completion time of a story's reviews. */
export const reviewRecordsContract: ContractSuite<Ports<ReviewRecords>> = {
  port: "ReviewRecords",
  cases: [
    contractCase(
      "latestCompletedAt is null for a story without reviews",
      Effect.gen(function* () {
        const { tenant, story, neighbour } = yield* twoStories
        yield* within(
          tenant.id,
          Effect.flatMap(aReviewRecord(neighbour), (record) =>
            Effect.flatMap(ReviewRecords, (repo) => repo.insert(record)),
          ),
        )
        yield* expectEqual(yield* within(tenant.id, latestOf(story)), null, "latestCompletedAt")
      }),
    ),
    contractCase(
      "latestCompletedAt is the latest completion of the story's reviews, to the microsecond",
      Effect.gen(function* () {
        const { tenant, story, neighbour } = yield* twoStories
        const records = [
          yield* aReviewRecord(story, { completed_at: instant(200, 5), inserted_at: instant(201) }),
          // The latest completion was recorded first: inserted_at must not decide.
          yield* aReviewRecord(story, {
            completed_at: instant(200, 7),
            inserted_at: instant(199),
            reviewer_agent_id: yield* anAgentId,
            review_type: "security",
            findings_count: 3,
            fixes_count: 2,
            disproved_count: 1,
            summary: "Two fixed, one disproved",
          }),
          yield* aReviewRecord(story, { completed_at: instant(200, 6), inserted_at: instant(202) }),
          yield* aReviewRecord(story, { completed_at: instant(150), inserted_at: instant(203) }),
          yield* aReviewRecord(neighbour, { completed_at: instant(300) }),
        ]
        yield* within(
          tenant.id,
          Effect.flatMap(ReviewRecords, (repo) => Effect.forEach(records, repo.insert, { discard: true })),
        )
        yield* expectEqual(yield* within(tenant.id, latestOf(story)), instant(200, 7), "latestCompletedAt")
        yield* expectEqual(yield* within(tenant.id, latestOf(neighbour)), instant(300), "neighbour's latest")
      }),
    ),
    contractCase(
      "another tenant's unit of work sees none of the reviews",
      Effect.gen(function* () {
        const { tenant, story } = yield* twoStories
        const { tenant: stranger } = yield* seedBoard
        yield* within(
          tenant.id,
          Effect.flatMap(aReviewRecord(story, { completed_at: instant(210) }), (record) =>
            Effect.flatMap(ReviewRecords, (repo) => repo.insert(record)),
          ),
        )
        yield* expectEqual(
          yield* within(stranger.id, latestOf(story)),
          null,
          "latestCompletedAt for a stranger",
        )
      }),
    ),
  ],
}

/** The VerificationResults port: iterations per story, newest first. */
export const verificationResultsContract: ContractSuite<Ports<VerificationResults>> = {
  port: "VerificationResults",
  cases: [
    contractCase(
      "listByStory returns every field of the results",
      Effect.gen(function* () {
        const { tenant, story } = yield* twoStories
        const bare = yield* aVerificationResult(story, 1, { inserted_at: instant(220, 1) })
        const full = yield* aVerificationResult(story, 2, {
          orchestrator_agent_id: yield* anAgentId,
          result: "partial",
          summary: "Mostly there — Grüße",
          findings: richJson,
          review_type: "enhanced",
          inserted_at: instant(220, 123_456),
          updated_at: instant(221, 654_321),
        })
        yield* within(
          tenant.id,
          Effect.flatMap(VerificationResults, (repo) =>
            Effect.zipRight(repo.insert(bare), repo.insert(full)),
          ),
        )
        const page = yield* within(tenant.id, resultsOf(story))
        yield* expectEqual(page.items, [full, bare], "results after a round-trip")
      }),
    ),
    contractCase(
      "lastIteration is 0 without results, else the highest iteration of the story",
      Effect.gen(function* () {
        const { tenant, story, neighbour } = yield* twoStories
        yield* expectEqual(
          yield* within(tenant.id, lastIterationOf(story)),
          0,
          "lastIteration without results",
        )
        const results = [
          yield* aVerificationResult(story, 1),
          yield* aVerificationResult(story, 3),
          yield* aVerificationResult(story, 2),
          yield* aVerificationResult(neighbour, 7),
        ]
        yield* within(
          tenant.id,
          Effect.flatMap(VerificationResults, (repo) =>
            Effect.forEach(results, repo.insert, { discard: true }),
          ),
        )
        yield* expectEqual(yield* within(tenant.id, lastIterationOf(story)), 3, "lastIteration")
        // standingOf answers the same iteration beside the latest review (none here).
        yield* expectEqual(
          yield* within(
            tenant.id,
            Effect.flatMap(VerificationResults, (repo) => repo.standingOf(story.id)),
          ),
          { last_iteration: 3, latest_review_completed_at: null },
          "standingOf without reviews",
        )
        yield* expectEqual(
          yield* within(tenant.id, lastIterationOf(neighbour)),
          7,
          "neighbour's lastIteration",
        )
      }),
    ),
    contractCase(
      "listByStory is newest first, paged, and holds only the story's results",
      Effect.gen(function* () {
        const { tenant, story, neighbour } = yield* twoStories
        const byIteration: Record<number, VerificationResult> = {}
        for (const iteration of [2, 4, 1, 3]) {
          const result = yield* aVerificationResult(story, iteration, {
            result: iteration === 4 ? "pass" : "fail",
          })
          byIteration[iteration] = result
          yield* within(
            tenant.id,
            Effect.flatMap(VerificationResults, (repo) => repo.insert(result)),
          )
        }
        yield* within(
          tenant.id,
          Effect.flatMap(aVerificationResult(neighbour, 9), (result) =>
            Effect.flatMap(VerificationResults, (repo) => repo.insert(result)),
          ),
        )
        const all = yield* within(tenant.id, resultsOf(story))
        yield* expectEqual(
          all.items.map((r) => r.iteration),
          [4, 3, 2, 1],
          "iterations, newest first",
        )
        yield* expectEqual(all.items[0], byIteration[4], "the newest result")
        yield* expectEqual(all.total_count, 4, "total_count")
        const second = yield* within(tenant.id, resultsOf(story, 2, 3))
        yield* expectEqual(
          second.items.map((r) => r.iteration),
          [1],
          "page 2 of size 3",
        )
        yield* expectEqual(second.total_count, 4, "total_count of page 2")
      }),
    ),
    contractCase(
      "another tenant's unit of work sees none of the results",
      Effect.gen(function* () {
        const { tenant, story } = yield* twoStories
        const { tenant: stranger } = yield* seedBoard
        yield* within(
          tenant.id,
          Effect.flatMap(aVerificationResult(story, 1), (result) =>
            Effect.flatMap(VerificationResults, (repo) => repo.insert(result)),
          ),
        )
        yield* expectEqual(
          yield* within(stranger.id, lastIterationOf(story)),
          0,
          "lastIteration for a stranger",
        )
        const page = yield* within(stranger.id, resultsOf(story))
        yield* expectEqual(page.items, [], "results listed to a stranger")
        yield* expectEqual(page.total_count, 0, "total_count for a stranger")
      }),
    ),
  ],
}

/** The ArtifactReports port: a story's reports, oldest first. */
export const artifactReportsContract: ContractSuite<Ports<ArtifactReports>> = {
  port: "ArtifactReports",
  cases: [
    contractCase(
      "listByStory returns every field of the reports",
      Effect.gen(function* () {
        const { tenant, story } = yield* twoStories
        const bare = yield* anArtifactReport(story, { inserted_at: instant(230, 1) })
        const full = yield* anArtifactReport(story, {
          reported_by: "orchestrator",
          reporter_agent_id: yield* anAgentId,
          artifact_type: "migration",
          path: "priv/repo/migrations/20260327_grüße.exs",
          exists: false,
          details: richJson,
          inserted_at: instant(230, 2),
          updated_at: instant(231, 999_999),
        })
        yield* within(
          tenant.id,
          Effect.flatMap(ArtifactReports, (repo) => Effect.zipRight(repo.insert(full), repo.insert(bare))),
        )
        const page = yield* within(tenant.id, artifactsOf(story))
        yield* expectEqual(page.items, [bare, full], "reports after a round-trip")
      }),
    ),
    contractCase(
      "listByStory is oldest first, paged, and holds only the story's reports",
      Effect.gen(function* () {
        const { tenant, story, neighbour } = yield* twoStories
        const reports: ReadonlyArray<ArtifactReport> = [
          yield* anArtifactReport(story, { path: "c", inserted_at: instant(240, 3) }),
          yield* anArtifactReport(story, { path: "a", inserted_at: instant(240, 1) }),
          yield* anArtifactReport(neighbour, { path: "x", inserted_at: instant(239) }),
          yield* anArtifactReport(story, { path: "d", inserted_at: instant(241) }),
          yield* anArtifactReport(story, { path: "b", inserted_at: instant(240, 2) }),
        ]
        yield* within(
          tenant.id,
          Effect.flatMap(ArtifactReports, (repo) => Effect.forEach(reports, repo.insert, { discard: true })),
        )
        const all = yield* within(tenant.id, artifactsOf(story))
        yield* expectEqual(
          all.items.map((r) => r.path),
          ["a", "b", "c", "d"],
          "paths, oldest first",
        )
        yield* expectEqual(all.total_count, 4, "total_count")
        const second = yield* within(tenant.id, artifactsOf(story, 2, 3))
        yield* expectEqual(
          second.items.map((r) => r.path),
          ["d"],
          "page 2 of size 3",
        )
        yield* expectEqual(second.total_count, 4, "total_count of page 2")
      }),
    ),
    contractCase(
      "another tenant's unit of work sees none of the reports",
      Effect.gen(function* () {
        const { tenant, story } = yield* twoStories
        const { tenant: stranger } = yield* seedBoard
        yield* within(
          tenant.id,
          Effect.flatMap(anArtifactReport(story), (report) =>
            Effect.flatMap(ArtifactReports, (repo) => repo.insert(report)),
          ),
        )
        const page = yield* within(stranger.id, artifactsOf(story))
        yield* expectEqual(page.items, [], "reports listed to a stranger")
        yield* expectEqual(page.total_count, 0, "total_count for a stranger")
      }),
    ),
  ],
}
