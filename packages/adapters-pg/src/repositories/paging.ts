import type { SqlClient, Statement } from "@effect/sql"
import type { SqlError } from "@effect/sql/SqlError"
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
 * The statement of one page: its rows carry `count(*) OVER () AS total_count`, the total of the
 * whole query. (Wrapping it so that a page past the end still carries the total — a one-row
 * outer side left-joined to the page, with a lazily evaluated count — measured twice as slow on
 * the 10,000-story blocked queue, so a page past the end pays a second, cheap count instead.)
 */
export const pageStatement = (
  sql: SqlClient.SqlClient,
  query: Omit<PagedSelect<unknown>, "decode">,
): Statement.Statement<Readonly<Record<string, unknown>>> => {
  const { from, where, window } = query
  return sql`SELECT ${query.columns ?? sql`*`}, count(*) OVER () AS total_count
    FROM ${from} WHERE ${where} ORDER BY ${query.orderBy}
    LIMIT ${window.limit} OFFSET ${window.offset}`
}

/**
 * The total of a page's rows: from the window count they carry, or, when the page is empty (past
 * the end, where no row carries it), from a plain count of the query.
 */
export const totalOf = (
  sql: SqlClient.SqlClient,
  query: Pick<PagedSelect<unknown>, "from" | "where">,
  rows: Rows,
): Effect.Effect<number, SqlError> => {
  const first = rows[0]
  return first === undefined
    ? Effect.map(sql`SELECT count(*) AS count FROM ${query.from} WHERE ${query.where}`, countOf)
    : Effect.succeed(Number(first.total_count))
}

/**
 * One page of a query plus its total in a single round trip ({@link pageStatement}); only an
 * empty page costs a second, cheap count. A failed statement is a defect.
 */
export const selectPage = <A>(sql: SqlClient.SqlClient, query: PagedSelect<A>): Effect.Effect<Paged<A>> =>
  Effect.orDie(
    Effect.gen(function* () {
      const rows = yield* pageStatement(sql, query)
      return { items: yield* query.decode(rows), total_count: yield* totalOf(sql, query, rows) }
    }),
  )

/** Reads a `count(*)` row as a number (drivers return bigint counts as text). */
export const countOf = (rows: Rows): number => Number(rows[0]?.count ?? 0)
