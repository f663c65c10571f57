import type { SqlClient } from "@effect/sql"
import type { SqlError } from "@effect/sql/SqlError"
import { Effect } from "effect"

/**
 * Inserts rows with one statement whatever their number: the rows travel as a single JSON
 * parameter that `json_populate_recordset` turns into records of the table's own row type, so
 * the server casts each value to its column's type and parses one parameter, not one per value.
 * (A multi-row VALUES list needs a bind parameter per value, and the wire protocol counts them in
 * 16 bits: a 10,000-story import would take several statements, each slow to parse and bind.)
 * The columns are the first row's keys (every row of a table encodes the same keys); columns
 * left out keep their defaults. JSON columns are given as JSON values, not as JSON text.
 */
export const insertAsRecordset = (
  sql: SqlClient.SqlClient,
  table: string,
  rows: ReadonlyArray<Record<string, unknown>>,
): Effect.Effect<void, SqlError> => {
  const first = rows[0]
  if (first === undefined) return Effect.void
  const columns = sql.csv(Object.keys(first).map((column) => sql`${sql(column)}`))
  return Effect.asVoid(
    sql`INSERT INTO ${sql(table)} (${columns})
        SELECT ${columns} FROM json_populate_recordset(NULL::${sql(table)}, ${JSON.stringify(rows)}::json)`,
  )
}
