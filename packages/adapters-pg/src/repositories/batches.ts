import type { SqlClient } from "@effect/sql"
import type { SqlError } from "@effect/sql/SqlError"
import { Effect } from "effect"

/**
 * The most bind parameters one statement may carry: the wire protocol counts them in 16 bits.
 * A 5000-story import has over 100,000 story values, so one INSERT cannot take them all.
 */
export const maxStatementParameters = 65_535

/** How many rows of `columns` values fit in one statement. */
export const rowsPerStatement = (columns: number): number =>
  Math.max(1, Math.floor(maxStatementParameters / Math.max(1, columns)))

/**
 * Inserts rows with as few multi-row INSERT statements as the parameter limit allows (one for
 * any ordinary batch), in order. Inside a unit of work they all commit or roll back together.
 */
export const insertInBatches = (
  sql: SqlClient.SqlClient,
  table: string,
  rows: ReadonlyArray<Record<string, unknown>>,
): Effect.Effect<void, SqlError> => {
  const first = rows[0]
  if (first === undefined) return Effect.void
  const size = rowsPerStatement(Object.keys(first).length)
  const batches: Array<ReadonlyArray<Record<string, unknown>>> = []
  for (let start = 0; start < rows.length; start += size) batches.push(rows.slice(start, start + size))
  return Effect.forEach(batches, (batch) => sql`INSERT INTO ${sql(table)} ${sql.insert(batch)}`, {
    discard: true,
  })
}
