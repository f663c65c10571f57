import type { Either } from "effect"
import type { BadRequest } from "./errors.js"
import { QueryProblems, type QueryValue, integerParameter } from "./query-parameters.js"

/** A page request: 1-based page number and page size, already clamped by the caller. */
export interface PageRequest {
  readonly page: number
  readonly page_size: number
}

/** One page of a list and the total the list holds. */
export interface Paged<A> {
  readonly items: ReadonlyArray<A>
  readonly total_count: number
}

/** The `meta` object of every page-style list. */
export interface PageMeta {
  readonly page: number
  readonly page_size: number
  readonly total_count: number
  readonly total_pages: number
}

export const pageMeta = (request: PageRequest, total_count: number): PageMeta => ({
  page: request.page,
  page_size: request.page_size,
  total_count,
  total_pages: Math.ceil(total_count / request.page_size),
})

/**
 * The furthest row a list may be asked to start at. Larger requests are clamped to it: a page or
 * offset beyond any real list then answers empty, instead of overflowing the store's 64-bit
 * OFFSET or a JSON-safe integer in `meta`.
 */
export const MAX_OFFSET = 1_000_000_000_000

/** A list's page size when none is asked for, and the most it serves at a time. */
export interface PageDefaults {
  readonly page_size: number
  readonly max: number
}

/** The usual list page: 20 by default, at most 100. */
export const DEFAULT_PAGE: PageDefaults = { page_size: 20, max: 100 }

/**
 * The page parameters of a list's query as the contract decodes them (D26): whole numbers of at
 * least 1, or not given. `limit` is an alias of `page_size`.
 */
export interface PageParameters {
  readonly page?: number | undefined
  readonly page_size?: number | undefined
  readonly limit?: number | undefined
}

/**
 * The page a list serves for decoded parameters: `page_size` wins over its alias `limit`; a size
 * above `defaults.max` is served at the maximum (the original clamps it; `meta.page_size` then
 * says what was used), and a page beyond {@link MAX_OFFSET} at the last one the store can reach.
 */
export const pageRequest = (
  parameters: PageParameters,
  defaults: PageDefaults = DEFAULT_PAGE,
): PageRequest => {
  const page_size = Math.min(defaults.max, parameters.page_size ?? parameters.limit ?? defaults.page_size)
  const lastPage = Math.floor(MAX_OFFSET / page_size) + 1
  return { page: Math.min(lastPage, parameters.page ?? 1), page_size }
}

/** The page parameters of a query read as text, by the lists whose query the contract leaves untyped. */
export interface PageQuery {
  readonly page?: QueryValue
  readonly page_size?: QueryValue
  readonly limit?: QueryValue
}

/**
 * Reads `page`, `page_size` and `limit` as text into `problems` (each an integer of at least 1,
 * D26), then serves them as {@link pageRequest} does.
 */
export const readPageRequest = (
  query: PageQuery,
  defaults: PageDefaults,
  problems: QueryProblems,
): PageRequest => {
  const page_size = integerParameter(query.page_size, "page_size", 1, problems)
  const limit = integerParameter(query.limit, "limit", 1, problems)
  const page = integerParameter(query.page, "page", 1, problems)
  return pageRequest({ page, page_size, limit }, defaults)
}

/** {@link readPageRequest} on its own: the page, or the 400 naming each bad parameter. */
export const readPage = (
  query: PageQuery,
  defaults: PageDefaults = DEFAULT_PAGE,
): Either.Either<PageRequest, BadRequest> => {
  const problems = new QueryProblems()
  const page = readPageRequest(query, defaults, problems)
  return problems.result(() => page)
}

/** The slice of an in-order list that a page covers. */
export const pageOf = <A>(all: ReadonlyArray<A>, request: PageRequest): Paged<A> => ({
  items: all.slice((request.page - 1) * request.page_size, request.page * request.page_size),
  total_count: all.length,
})

/** The `meta` of a list answered whole, unpaged (the original had no pages there): one page holding it all. */
export const wholeListMeta = (total_count: number): PageMeta => ({
  page: 1,
  page_size: total_count,
  total_count,
  total_pages: total_count === 0 ? 0 : 1,
})

/** A window of a list by position: skip `offset` rows, then take at most `limit`. */
export interface RowRange {
  readonly offset: number
  readonly limit: number
}
