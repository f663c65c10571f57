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

/** Reads `page`, `page_size` and its alias `limit` from query values: clamps, ignores garbage (D13). */
export const pageRequest = (
  query: { readonly page?: unknown; readonly page_size?: unknown; readonly limit?: unknown },
  defaults: { readonly page_size: number; readonly max: number } = { page_size: 20, max: 100 },
): PageRequest => {
  const int = (value: unknown): number | undefined => {
    const n =
      typeof value === "number" ? value : typeof value === "string" ? Number.parseInt(value, 10) : Number.NaN
    return Number.isFinite(n) ? Math.trunc(n) : undefined
  }
  const page_size = Math.min(
    defaults.max,
    Math.max(1, int(query.page_size) ?? int(query.limit) ?? defaults.page_size),
  )
  const lastPage = Math.floor(MAX_OFFSET / page_size) + 1
  return { page: Math.min(lastPage, Math.max(1, int(query.page) ?? 1)), page_size }
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
