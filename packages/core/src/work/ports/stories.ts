import { Context, type Effect, type Option } from "effect"
import type { DuplicateKey } from "../../kernel/domain/duplicate-key.js"
import type { EpicId, ProjectId, StoryId } from "../../kernel/domain/ids.js"
import type { PageRequest, Paged, RowRange } from "../../kernel/domain/page.js"
import type { BlockedStory } from "../domain/blocked-story.js"
import type { Prerequisites } from "../domain/prerequisites.js"
import type { StatusCount } from "../domain/progress.js"
import type { StoryDetail } from "../domain/story-detail.js"
import type { Story } from "../domain/story.js"
import type { StoryFilter } from "../domain/work-filters.js"

/** Where a ready queue looks: one project, one epic, both, or (neither) the whole tenant. */
export interface ReadyScope {
  readonly project_id?: ProjectId
  readonly epic_id?: EpicId
}

/** Where a blocked queue looks: one project, or (none given) the whole tenant. */
export interface BlockedScope {
  readonly project_id?: ProjectId
}

/** The verification count of an epic's stories. */
export interface EpicTally {
  readonly total: number
  readonly verified: number
}

/** The stories a status count covers: a whole project's, or one epic's. */
export type StatusScope = { readonly project_id: ProjectId } | { readonly epic_id: EpicId }

/** The current tenant's stories. */
export class Stories extends Context.Tag("@loopctl/core/Stories")<
  Stories,
  {
    /** Inserts in one batch. Fails with DuplicateKey `number` when the project already has a number. */
    readonly insert: (stories: ReadonlyArray<Story>) => Effect.Effect<void, DuplicateKey>
    readonly update: (story: Story) => Effect.Effect<void>
    readonly delete: (id: StoryId) => Effect.Effect<void>
    readonly findById: (id: StoryId) => Effect.Effect<Option.Option<Story>>
    /**
     * Loads the story and holds it for the rest of the transaction, so that concurrent
     * transitions of one story run one after another and each sees the other's result.
     */
    readonly findForUpdate: (id: StoryId) => Effect.Effect<Option.Option<Story>>
    /**
     * The story with its own edges (where it is the dependent), the `artifacts` page of its
     * artifact reports and their total, its last verification iteration and its project's
     * mission: what findById, the dependency, artifact, verification and project reads would
     * return together, read at once (one statement on Postgres). None for an unknown story.
     */
    readonly detailOf: (id: StoryId, artifacts: PageRequest) => Effect.Effect<Option.Option<StoryDetail>>
    /** Ordered by sort_key. */
    readonly listByProject: (
      project: ProjectId,
      filter: StoryFilter,
      page: PageRequest,
    ) => Effect.Effect<Paged<Story>>
    /** The same list read by offset and limit (`GET /stories` pages this way). */
    readonly listByProjectRange: (
      project: ProjectId,
      filter: StoryFilter,
      range: RowRange,
    ) => Effect.Effect<Paged<Story>>
    /** Every story of the epic, ordered by sort_key. */
    readonly listByEpic: (epic: EpicId) => Effect.Effect<ReadonlyArray<Story>>
    /** Every story of the project, ordered by sort_key. */
    readonly listAllByProject: (project: ProjectId) => Effect.Effect<ReadonlyArray<Story>>
    /**
     * One page of the ready queue, ordered by sort_key: pending stories in the scope whose direct
     * prerequisite stories are all verified and whose epic's prerequisite epics hold no
     * unverified story (an empty one counts as satisfied). Answered by the store in one query,
     * without loading the project's graph.
     */
    readonly readyPage: (scope: ReadyScope, page: PageRequest) => Effect.Effect<Paged<Story>>
    /**
     * One page of the blocked queue, ordered by sort_key then id: stories in the scope, in any
     * status, with at least one blocker (an unverified direct prerequisite, or an unverified story
     * of an epic their epic depends on), each with its blockers: the direct ones in link order
     * (edge inserted_at, id), then each prerequisite epic's (epic edge inserted_at, id) by sort_key
     * then id, each story once where it first appears. Answered by the store without loading the
     * project's graph.
     */
    readonly blockedPage: (scope: BlockedScope, page: PageRequest) => Effect.Effect<Paged<BlockedStory>>
    readonly prerequisitesOf: (story: Story) => Effect.Effect<Prerequisites<Story>>
    /** How many stories the epic has, and how many of them are verified. */
    readonly tallyByEpic: (epic: EpicId) => Effect.Effect<EpicTally>
    /**
     * The stories in scope counted per epic and pair of statuses, with their estimated hours
     * summed: progress without loading a single story. Pairs without stories are left out.
     */
    readonly countByStatus: (scope: StatusScope) => Effect.Effect<ReadonlyArray<StatusCount>>
  }
>() {}
