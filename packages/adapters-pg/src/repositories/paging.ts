import type { SqlClient, Statement } from "@effect/sql"
import type { PageRequest, Paged, RowRange } from "@loopctl/core"
import { Effect } from "effect"

type Rows = ReadonlyArray<Readonly<Record<string, unknown>>>

/** The row window of a page request (pages count from 1). */
export const pageWindow = (page: PageRequest): RowRange => ({
  limit: page.page_size,
  offset: (page.page - 1) * page.page_size,
})

/** What a paged select reads, in which order, and how its rows become items. */
export interface PagedSelect<A> {
  /** The selected columns; `*` when left out. */
  readonly columns?: Statement.Fragment
  /** The table, with its alias when `where` or `orderBy` use one. */
  readonly from: Statement.Fragment
  readonly where: Statement.Fragment
  readonly orderBy: Statement.Fragment
  readonly window: RowRange
  readonly decode: (rows: Rows) => Effect.Effect<ReadonlyArray<A>>
}

/**
 * The statement of one page plus its total, in a single round trip whatever the page: the rows
 * carry `count(*) OVER () AS total_count`, and the page is left-joined to a single row so that a
 * page past the end (where no row carries the window's total) still answers one row, with every
 * column null and the total from a plain count in `page_total`. That count is an uncorrelated
 * subquery under coalesce, which Postgres evaluates only when asked: never when the page has
 * rows. The one-row outer side makes the join a nested loop that keeps the page's order.
 */
export const pageStatement = (
  sql: SqlClient.SqlClient,
  query: Omit<PagedSelect<unknown>, "decode">,
): Statement.Statement<Readonly<Record<string, unknown>>> => {
  const { from, where, window } = query
  return sql`SELECT page.*, coalesce(page.total_count, (SELECT count(*) FROM ${from} WHERE ${where})) AS page_total
    FROM (VALUES (1)) AS one (x) LEFT JOIN (
      SELECT ${query.columns ?? sql`*`}, count(*) OVER () AS total_count
      FROM ${from} WHERE ${where} ORDER BY ${query.orderBy}
      LIMIT ${window.limit} OFFSET ${window.offset}
    ) AS page ON true`
}

/** Splits the rows of {@link pageStatement} into the page's rows and the total. */
export const pageRows = (rows: Rows): { readonly rows: Rows; readonly total_count: number } => ({
  rows: rows.filter((row) => row.total_count !== null && row.total_count !== undefined),
  total_count: Number(rows[0]?.page_total ?? 0),
})

/** One page of a query plus its total, in one statement ({@link pageStatement}). A failed statement is a defect. */
export const selectPage = <A>(sql: SqlClient.SqlClient, query: PagedSelect<A>): Effect.Effect<Paged<A>> =>
  Effect.orDie(
    Effect.gen(function* () {
      const page = pageRows(yield* pageStatement(sql, query))
      return { items: yield* query.decode(page.rows), total_count: page.total_count }
    }),
  )

/** Reads a `count(*)` row as a number (drivers return bigint counts as text). */
export const countOf = (rows: Rows): number => Number(rows[0]?.count ?? 0)
