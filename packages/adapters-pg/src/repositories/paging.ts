import type { SqlClient } from "@effect/sql"
import type { PageRequest, Paged } from "@loopctl/core"
import { Effect } from "effect"

/**
 * One page of a query plus its total in a single round trip: the statement selects
 * `count(*) OVER () AS total_count` beside its columns. An empty page past the end costs a
 * second, cheap count.
 */
export const pageOfRows = <A>(
  rows: ReadonlyArray<Readonly<Record<string, unknown>>>,
  decode: (rows: ReadonlyArray<Readonly<Record<string, unknown>>>) => Effect.Effect<ReadonlyArray<A>>,
  countAll: Effect.Effect<number>,
): Effect.Effect<Paged<A>> =>
  Effect.gen(function* () {
    const first = rows[0]
    const total_count = first === undefined ? yield* countAll : Number(first.total_count)
    return { items: yield* decode(rows), total_count }
  })

/** `LIMIT … OFFSET …` of a page request. */
export const limitOffset = (sql: SqlClient.SqlClient, page: PageRequest) =>
  sql`LIMIT ${page.page_size} OFFSET ${(page.page - 1) * page.page_size}`

/** Reads a `count(*)` row as a number (drivers return bigint counts as text). */
export const countOf = (rows: ReadonlyArray<Readonly<Record<string, unknown>>>): number =>
  Number(rows[0]?.count ?? 0)
