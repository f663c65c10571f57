import { Context, type Effect } from "effect"
import type { StoryId } from "../../kernel/domain/ids.js"
import type { PageRequest, Paged } from "../../kernel/domain/page.js"
import type { Timestamp } from "../../kernel/domain/timestamp.js"
import type { ArtifactReport, ReviewRecord, VerificationResult } from "../domain/verification.js"

/** The story's verification so far: see `VerificationResults.standingOf`. */
export interface VerificationStanding {
  readonly last_iteration: number
  readonly latest_review_completed_at: Timestamp | null
}

/** Reviews recorded by review-complete. */
export class ReviewRecords extends Context.Tag("@loopctl/core/ReviewRecords")<
  ReviewRecords,
  {
    readonly insert: (record: ReviewRecord) => Effect.Effect<void>
    /** The latest `completed_at` among the story's reviews, or null when it has none. */
    readonly latestCompletedAt: (story: StoryId) => Effect.Effect<Timestamp | null>
  }
>() {}

/** Verify, reject and mark-complete outcomes, numbered per story. */
export class VerificationResults extends Context.Tag("@loopctl/core/VerificationResults")<
  VerificationResults,
  {
    readonly insert: (result: VerificationResult) => Effect.Effect<void>
    /** The highest iteration recorded for the story, or 0. */
    readonly lastIteration: (story: StoryId) => Effect.Effect<number>
    /**
     * What a verdict on the story builds on, in one read: its highest iteration (or 0) and the
     * latest `completed_at` of its reviews (or null), as `lastIteration` and
     * `ReviewRecords.latestCompletedAt` answer them.
     */
    readonly standingOf: (story: StoryId) => Effect.Effect<VerificationStanding>
    /** Newest first. */
    readonly listByStory: (story: StoryId, page: PageRequest) => Effect.Effect<Paged<VerificationResult>>
  }
>() {}

/** Artifact reports of stories. */
export class ArtifactReports extends Context.Tag("@loopctl/core/ArtifactReports")<
  ArtifactReports,
  {
    readonly insert: (report: ArtifactReport) => Effect.Effect<void>
    /** Oldest first. */
    readonly listByStory: (story: StoryId, page: PageRequest) => Effect.Effect<Paged<ArtifactReport>>
  }
>() {}
