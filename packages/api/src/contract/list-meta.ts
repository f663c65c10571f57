import { Schema } from "effect"
import { countQuery, queryField, queryType } from "./query-fields.js"

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
 * of at least 1 (else 400, D26), decoded by the contract; the core's `pageRequest` serves them
 * with the list's default and maximum size (a size above the maximum is served at the maximum).
 */
export const pageQueryFields = {
  page: countQuery("1-based page number (default 1)", 1),
  page_size: countQuery("Items per page (default 20; more than 100 is served as 100)", 1),
  limit: countQuery("Alias of page_size", 1),
}

/**
 * The same page parameters as text, for the lists whose core reads them itself after a check
 * that must answer first (an unknown project's 404 before a bad page's 400).
 */
export const pageQueryText = {
  page: queryField("1-based page number (default 1)", queryType.count(1)),
  page_size: queryField("Items per page (default 20; more than 100 is served as 100)", queryType.count(1)),
  limit: queryField("Alias of page_size", queryType.count(1)),
}
