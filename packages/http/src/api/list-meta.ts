import { Schema } from "effect"

/** The `meta` of every page-style list (D13): where the page is and how much the list holds. */
export const PageMeta = Schema.Struct({
  page: Schema.Int,
  page_size: Schema.Int,
  total_count: Schema.Int,
  total_pages: Schema.Int,
}).annotations({ identifier: "PageMeta" })
export type PageMeta = typeof PageMeta.Type

/** The query of a page-style list: `page`, `page_size` and its alias `limit` (clamped, garbage ignored). */
export const pageQueryFields = {
  page: Schema.optional(Schema.String.annotations({ description: "1-based page number (default 1)" })),
  page_size: Schema.optional(
    Schema.String.annotations({ description: "Items per page (default 20, at most 100)" }),
  ),
  limit: Schema.optional(Schema.String.annotations({ description: "Alias of page_size" })),
}
