import { Either, Schema } from "effect"
import { BadRequest, NotFound } from "../../kernel/domain/errors.js"
import { EpicId, ProjectId } from "../../kernel/domain/ids.js"
import {
  MAX_OFFSET,
  type PageMeta,
  type PageRequest,
  pageMeta,
  readPageRequest,
} from "../../kernel/domain/page.js"
import type { RowRange } from "../../kernel/domain/page.js"
import { QueryProblems, choiceParameter, integerParameter } from "../../kernel/domain/query-parameters.js"
import { AgentStatus, VerifiedStatus } from "../domain/status.js"
import type { StoryFilter } from "../domain/work-filters.js"

/**
 * The query parameters of the story lists (workflow.md §1.3, §4.5): which values count and which
 * refusals they earn. A blank value means "not given"; an id that is not a uuid is a 404, as a
 * malformed id is everywhere; a status nobody has, or a negative or unreadable number, is a 400
 * naming the parameter (D26).
 */

/** Query values as they arrive: anything, usually strings. */
export type QueryValue = unknown

/** `GET /stories`: the project (required), filters, and a window by limit/offset. */
export interface StoryListQueryInput {
  readonly project_id?: QueryValue
  readonly epic_id?: QueryValue
  readonly agent_status?: QueryValue
  readonly verified_status?: QueryValue
  readonly limit?: QueryValue
  readonly page_size?: QueryValue
  readonly offset?: QueryValue
}

/** A valid `GET /stories` request. */
export interface StoryListQuery {
  readonly project_id: ProjectId
  readonly filter: StoryFilter
  readonly range: RowRange
}

/** `GET /epics/:id/stories`: two status filters and the page. */
export interface EpicStoryQueryInput {
  readonly agent_status?: QueryValue
  readonly verified_status?: QueryValue
  readonly page?: QueryValue
  readonly page_size?: QueryValue
  readonly limit?: QueryValue
}

/** A valid epic story list request. */
export interface EpicStoryQuery {
  readonly filter: Pick<StoryFilter, "agent_status" | "verified_status">
  readonly page: PageRequest
}

/** `GET /stories/ready` and `/stories/blocked`: an optional project (and epic, for ready), the page. */
export interface QueueQueryInput {
  readonly project_id?: QueryValue
  readonly epic_id?: QueryValue
  readonly page?: QueryValue
  readonly page_size?: QueryValue
  readonly limit?: QueryValue
}

/** Where a queue looks: one project, or every project of the tenant when none is given. */
export interface QueueQuery {
  readonly project_id?: ProjectId
  readonly epic_id?: EpicId
  readonly page: PageRequest
}

/** `GET /stories`' window: 100 stories by default, 1..500. */
export const STORY_LIST_LIMIT = { default: 100, max: 500 } as const

/** The ready and blocked queues' pages: 100 by default, at most 500. */
export const QUEUE_PAGE = { page_size: 100, max: 500 } as const

/** An epic's story list: the usual page, 20 by default, at most 100. */
export const EPIC_STORY_PAGE = { page_size: 20, max: 100 } as const

/** `project_id` is missing from `GET /stories`. */
export const projectIdRequired = () => new BadRequest({ message: "project_id query parameter is required" })

const notFound = () => new NotFound({ message: "Not found" })

/** A non-blank string, else none. */
const text = (value: QueryValue): string | undefined =>
  typeof value === "string" && value.trim() !== "" ? value.trim() : undefined

/** The id a parameter names: none when blank, the id when a uuid (any case), else a 404. */
const idOf =
  <A>(schema: Schema.Schema<A, string>) =>
  (value: QueryValue): Either.Either<A | undefined, NotFound> => {
    const given = text(value)
    if (given === undefined) return Either.right(undefined)
    return Either.mapLeft(Schema.decodeUnknownEither(schema)(given.toLowerCase()), notFound)
  }

const projectIdOf = idOf(ProjectId)
const epicIdOf = idOf(EpicId)

/** The filter with only the statuses that were given; an unknown status is a problem. */
const statusFilter = (
  query: { readonly agent_status?: QueryValue; readonly verified_status?: QueryValue },
  problems: QueryProblems,
): Pick<StoryFilter, "agent_status" | "verified_status"> => {
  const agent_status = choiceParameter(query.agent_status, "agent_status", AgentStatus.literals, problems)
  const verified_status = choiceParameter(
    query.verified_status,
    "verified_status",
    VerifiedStatus.literals,
    problems,
  )
  return {
    ...(agent_status === undefined ? {} : { agent_status }),
    ...(verified_status === undefined ? {} : { verified_status }),
  }
}

/**
 * Reads `GET /stories`: `project_id` is required (400), ids must be uuids (404), statuses must
 * be known ones (400); `limit` (or its alias `page_size`, `limit` winning) is an integer of at
 * least 1, 100 by default, served at most 500 at a time; `offset` is an integer of at least 0
 * (a huge one is clamped to `MAX_OFFSET`: the window is then empty).
 */
export const parseStoryListQuery = (
  query: StoryListQueryInput,
): Either.Either<StoryListQuery, BadRequest | NotFound> =>
  Either.gen(function* () {
    const project_id = yield* projectIdOf(query.project_id)
    if (project_id === undefined) return yield* Either.left(projectIdRequired())
    const epic_id = yield* epicIdOf(query.epic_id)
    const problems = new QueryProblems()
    const filter = statusFilter(query, problems)
    const limit = integerParameter(query.limit, "limit", 1, problems)
    const alias = integerParameter(query.page_size, "page_size", 1, problems)
    const offset = integerParameter(query.offset, "offset", 0, problems)
    return yield* problems.result(() => ({
      project_id,
      filter: { ...filter, ...(epic_id === undefined ? {} : { epic_id }) },
      range: {
        limit: Math.min(STORY_LIST_LIMIT.max, limit ?? alias ?? STORY_LIST_LIMIT.default),
        offset: Math.min(MAX_OFFSET, offset ?? 0),
      },
    }))
  })

/** Reads an epic's story list query: known statuses filter, the page is 20 by default, at most 100. */
export const parseEpicStoryQuery = (
  query: EpicStoryQueryInput,
): Either.Either<EpicStoryQuery, BadRequest> => {
  const problems = new QueryProblems()
  const filter = statusFilter(query, problems)
  const page = readPageRequest(query, EPIC_STORY_PAGE, problems)
  return problems.result(() => ({ filter, page }))
}

/** Reads the ready/blocked query: optional ids (404 when malformed), a page of 100 by default, at most 500. */
export const parseQueueQuery = (query: QueueQueryInput): Either.Either<QueueQuery, BadRequest | NotFound> =>
  Either.gen(function* () {
    const project_id = yield* projectIdOf(query.project_id)
    const epic_id = yield* epicIdOf(query.epic_id)
    const problems = new QueryProblems()
    const page = readPageRequest(query, QUEUE_PAGE, problems)
    return yield* problems.result(() => ({
      ...(project_id === undefined ? {} : { project_id }),
      ...(epic_id === undefined ? {} : { epic_id }),
      page,
    }))
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
