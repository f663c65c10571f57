import type { EpicId, ProjectId } from "../../kernel/domain/ids.js"
import {
  MAX_OFFSET,
  type PageMeta,
  type PageRequest,
  pageMeta,
  pageRequest,
} from "../../kernel/domain/page.js"
import type { RowRange } from "../../kernel/domain/page.js"
import {
  EPIC_STORY_PAGE,
  type EpicStoryQuery,
  QUEUE_PAGE,
  type QueueQuery,
  STORY_LIST_LIMIT,
  type StoryListQuery,
  type StoryStatusQuery,
} from "../domain/story-queries.js"
import type { StoryFilter } from "../domain/work-filters.js"

/**
 * What the story lists serve for a decoded query (workflow.md §1.3, §4.5): the filter with only
 * the values given, and the window or page with its default and its clamps.
 */

/** The filter with only the statuses that were given. */
export const statusFilter = (
  query: StoryStatusQuery,
): Pick<StoryFilter, "agent_status" | "verified_status"> => ({
  ...(query.agent_status === undefined ? {} : { agent_status: query.agent_status }),
  ...(query.verified_status === undefined ? {} : { verified_status: query.verified_status }),
})

/**
 * `GET /stories`' filter and window: `limit` (or its alias `page_size`, `limit` winning), 100
 * by default, served at most 500 at a time; `offset` 0 by default (a huge one is clamped to
 * `MAX_OFFSET`: the window is then empty).
 */
export const storyListWindow = (
  query: StoryListQuery,
): { readonly filter: StoryFilter; readonly range: RowRange } => ({
  filter: { ...statusFilter(query), ...(query.epic_id === undefined ? {} : { epic_id: query.epic_id }) },
  range: {
    limit: Math.min(STORY_LIST_LIMIT.max, query.limit ?? query.page_size ?? STORY_LIST_LIMIT.default),
    offset: Math.min(MAX_OFFSET, query.offset ?? 0),
  },
})

/** An epic's story list page: 20 by default, at most 100. */
export const epicStoryPage = (query: EpicStoryQuery): PageRequest => pageRequest(query, EPIC_STORY_PAGE)

/** Where a queue looks (one project, or every project of the tenant) and its page: 100 by default, at most 500. */
export const queueScope = (
  query: QueueQuery,
): { readonly project_id?: ProjectId; readonly epic_id?: EpicId; readonly page: PageRequest } => ({
  ...(query.project_id === undefined ? {} : { project_id: query.project_id }),
  ...(query.epic_id === undefined ? {} : { epic_id: query.epic_id }),
  page: pageRequest(query, QUEUE_PAGE),
})

/**
 * The `meta` of `GET /stories`: the original's `total_count, limit, offset`, and the page view
 * of the same window (D13) — the page the offset falls in, with the limit as its size.
 */
export interface StoryListMeta extends PageMeta {
  readonly limit: number
  readonly offset: number
}

export const rangeMeta = (range: RowRange, total_count: number): StoryListMeta => ({
  ...pageMeta({ page: Math.floor(range.offset / range.limit) + 1, page_size: range.limit }, total_count),
  limit: range.limit,
  offset: range.offset,
})
