import { Schema } from "effect"
import { queryField, queryType } from "./query-fields.js"

/** The `meta` of every page-style list (D13): where the page is and how much the list holds. */
export const PageMeta = Schema.Struct({
  page: Schema.Int,
  page_size: Schema.Int,
  total_count: Schema.Int,
  total_pages: Schema.Int,
}).annotations({ identifier: "PageMeta" })
export type PageMeta = typeof PageMeta.Type

/**
 * The query of a page-style list: `page`, `page_size` and its alias `limit`, each a whole number
 * of at least 1 (else 400, D26); a size above the maximum is served at the maximum.
 */
export const pageQueryFields = {
  page: queryField("1-based page number (default 1)", queryType.count(1)),
  page_size: queryField("Items per page (default 20; more than 100 is served as 100)", queryType.count(1)),
  limit: queryField("Alias of page_size", queryType.count(1)),
}
