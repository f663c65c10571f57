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
 * One page of a query plus its total in a single round trip: the statement selects
 * `count(*) OVER () AS total_count` beside its columns. Only an empty page (past the end, where
 * no row carries the total) costs a second, cheap count. A failed statement is a defect.
 */
export const selectPage = <A>(sql: SqlClient.SqlClient, query: PagedSelect<A>): Effect.Effect<Paged<A>> =>
  Effect.orDie(
    Effect.gen(function* () {
      const { from, where, window } = query
      const rows: Rows = yield* sql`SELECT ${query.columns ?? sql`*`}, count(*) OVER () AS total_count
        FROM ${from} WHERE ${where} ORDER BY ${query.orderBy}
        LIMIT ${window.limit} OFFSET ${window.offset}`
      const first = rows[0]
      const total_count =
        first === undefined
          ? countOf(yield* sql`SELECT count(*) AS count FROM ${from} WHERE ${where}`)
          : Number(first.total_count)
      return { items: yield* query.decode(rows), total_count }
    }),
  )

/** Reads a `count(*)` row as a number (drivers return bigint counts as text). */
export const countOf = (rows: Rows): number => Number(rows[0]?.count ?? 0)
