import { BadRequest } from "../../kernel/domain/errors.js"
import type { EpicId, ProjectId } from "../../kernel/domain/ids.js"
import type { PageDefaults, PageParameters } from "../../kernel/domain/page.js"
import type { AgentStatus, VerifiedStatus } from "./status.js"

/**
 * The query parameters of the story lists (workflow.md §1.3, §4.5) as the contract decodes them:
 * ids are ids, statuses known ones, numbers whole. What a refused value answers is the
 * contract's; what the lists serve for a decoded query (defaults, clamps) is `rules/story-query`.
 */

/** The status filters of a story list; a filter left out lets every status through. */
export interface StoryStatusQuery {
  readonly agent_status?: AgentStatus | undefined
  readonly verified_status?: VerifiedStatus | undefined
}

/** `GET /stories`: the project (required), filters, and a window by limit (alias page_size) and offset. */
export interface StoryListQuery extends StoryStatusQuery {
  readonly project_id: ProjectId
  readonly epic_id?: EpicId | undefined
  /** At least 1. */
  readonly limit?: number | undefined
  /** At least 1; `limit` wins. */
  readonly page_size?: number | undefined
  /** At least 0. */
  readonly offset?: number | undefined
}

/** `GET /epics/:id/stories`: two status filters and the page. */
export interface EpicStoryQuery extends StoryStatusQuery, PageParameters {}

/** `GET /stories/ready` and `/stories/blocked`: an optional project (and epic, for ready), the page. */
export interface QueueQuery extends PageParameters {
  readonly project_id?: ProjectId | undefined
  readonly epic_id?: EpicId | undefined
}

/** `GET /stories`' window: 100 stories by default, 1..500. */
export const STORY_LIST_LIMIT = { default: 100, max: 500 } as const

/** The ready and blocked queues' pages: 100 by default, at most 500. */
export const QUEUE_PAGE: PageDefaults = { page_size: 100, max: 500 }

/** An epic's story list: the usual page, 20 by default, at most 100. */
export const EPIC_STORY_PAGE: PageDefaults = { page_size: 20, max: 100 }

/** `project_id` is missing from `GET /stories`. */
export const projectIdRequired = () => new BadRequest({ message: "project_id query parameter is required" })
