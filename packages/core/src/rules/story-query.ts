import { Either, Schema } from "effect"
import { BadRequest, NotFound } from "../domain/errors.js"
import { EpicId, ProjectId } from "../domain/ids.js"
import { MAX_OFFSET, type PageMeta, type PageRequest, pageMeta, pageRequest } from "../domain/page.js"
import { AgentStatus, VerifiedStatus } from "../domain/status.js"
import type { RowRange, StoryFilter } from "../ports/stories.js"

/**
 * The query parameters of the story lists (workflow.md §1.3, §4.5): which values count, which
 * are ignored, and which refusals they earn. A blank value means "not given"; an id that is not
 * a uuid is a 404, as a malformed id is everywhere; a status nobody has is ignored.
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

/** A status filter: a known status, else none (an unknown value filters nothing). */
const statusOf =
  <A, I>(schema: Schema.Schema<A, I>) =>
  (value: QueryValue): A | undefined => {
    const given = text(value)
    return given === undefined ? undefined : Either.getOrUndefined(Schema.decodeUnknownEither(schema)(given))
  }

const agentStatusOf = statusOf(AgentStatus)
const verifiedStatusOf = statusOf(VerifiedStatus)

/** An integer read from a query value, or none when it does not read as one. */
const integer = (value: QueryValue): number | undefined => {
  const read =
    typeof value === "number" ? value : typeof value === "string" ? Number.parseInt(value, 10) : Number.NaN
  return Number.isFinite(read) ? Math.trunc(read) : undefined
}

/** The filter with only the statuses that were given. */
const statusFilter = (query: {
  readonly agent_status?: QueryValue
  readonly verified_status?: QueryValue
}): Pick<StoryFilter, "agent_status" | "verified_status"> => {
  const agent_status = agentStatusOf(query.agent_status)
  const verified_status = verifiedStatusOf(query.verified_status)
  return {
    ...(agent_status === undefined ? {} : { agent_status }),
    ...(verified_status === undefined ? {} : { verified_status }),
  }
}

/**
 * Reads `GET /stories`: `project_id` is required (400), ids must be uuids (404), unknown
 * statuses are ignored; `limit` (or its alias `page_size`, `limit` winning) is clamped to
 * 1..500 with 100 by default, and a negative or unreadable `offset` is 0 (a huge one is
 * clamped to `MAX_OFFSET`).
 */
export const parseStoryListQuery = (
  query: StoryListQueryInput,
): Either.Either<StoryListQuery, BadRequest | NotFound> =>
  Either.gen(function* () {
    const project_id = yield* projectIdOf(query.project_id)
    if (project_id === undefined) return yield* Either.left(projectIdRequired())
    const epic_id = yield* epicIdOf(query.epic_id)
    const limit = integer(query.limit) ?? integer(query.page_size) ?? STORY_LIST_LIMIT.default
    return {
      project_id,
      filter: { ...statusFilter(query), ...(epic_id === undefined ? {} : { epic_id }) },
      range: {
        limit: Math.min(STORY_LIST_LIMIT.max, Math.max(1, limit)),
        offset: Math.min(MAX_OFFSET, Math.max(0, integer(query.offset) ?? 0)),
      },
    }
  })

/** Reads an epic's story list query: known statuses filter, the page is 20 by default, at most 100. */
export const parseEpicStoryQuery = (query: EpicStoryQueryInput): EpicStoryQuery => ({
  filter: statusFilter(query),
  page: pageRequest(query, EPIC_STORY_PAGE),
})

/** Reads the ready/blocked query: optional ids (404 when malformed), a page of 100 by default, at most 500. */
export const parseQueueQuery = (query: QueueQueryInput): Either.Either<QueueQuery, NotFound> =>
  Either.gen(function* () {
    const project_id = yield* projectIdOf(query.project_id)
    const epic_id = yield* epicIdOf(query.epic_id)
    return {
      ...(project_id === undefined ? {} : { project_id }),
      ...(epic_id === undefined ? {} : { epic_id }),
      page: pageRequest(query, QUEUE_PAGE),
    }
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
