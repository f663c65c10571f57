import type { SqlError } from "@effect/sql/SqlError"
import { parseTimestamp, timestampFromDate } from "@loopctl/core"
import type { DuplicateKey } from "@loopctl/core"
import { Effect, Option, Schema } from "effect"
import { isUniqueViolation } from "./sql-errors.js"

/**
 * Conversions between domain values and table rows. Timestamps travel as text (the clients are
 * configured not to turn them into JS Dates, which would drop the microseconds) and come back
 * in Postgres' text form, e.g. `2026-03-27 12:00:00.123456+00`; JSON columns are sent as JSON
 * text, which both drivers hand to the server unchanged.
 */

const pgTimestampText = /^(\d{4}-\d{2}-\d{2})[ T](\d{2}:\d{2}:\d{2}(?:\.\d+)?)([+-]\d{2})(?::?(\d{2}))?$/

/** A timestamptz value as read from either driver, as a Timestamp; other values unchanged. */
export const timestampOfColumn = (value: unknown): unknown => {
  if (value instanceof Date) return timestampFromDate(value)
  if (typeof value !== "string") return value
  const match = pgTimestampText.exec(value)
  if (match === null) return value
  const [, date, time, hours, minutes = "00"] = match
  return parseTimestamp(`${date}T${time}${hours}:${minutes}`) ?? value
}

/** Which columns need converting on the way out of the database. */
export interface RowShape {
  readonly timestamps: ReadonlyArray<string>
  /** numeric columns, which the drivers return as strings to keep their precision */
  readonly numbers?: ReadonlyArray<string>
}

const normalise = (row: Readonly<Record<string, unknown>>, shape: RowShape): Record<string, unknown> => {
  const fixed: Record<string, unknown> = { ...row }
  for (const column of shape.timestamps) fixed[column] = timestampOfColumn(fixed[column])
  for (const column of shape.numbers ?? []) {
    const value = fixed[column]
    if (typeof value === "string") fixed[column] = Number(value)
  }
  return fixed
}

/**
 * Decodes rows into an entity schema. A row that does not decode means the database holds
 * something the domain forbids: that is a defect, not a user error.
 */
export const decodeRows = <A, I>(schema: Schema.Schema<A, I>, shape: RowShape) => {
  // Built once per table, not per query.
  const decode = Schema.decodeUnknown(Schema.Array(schema))
  return (rows: ReadonlyArray<Readonly<Record<string, unknown>>>): Effect.Effect<ReadonlyArray<A>> =>
    Effect.orDie(decode(rows.map((row) => normalise(row, shape))))
}

/** Encodes an entity into a row: JSON columns become JSON text. */
export const encodeRow = <A, I extends Readonly<Record<string, unknown>>>(
  schema: Schema.Schema<A, I>,
  jsonColumns: ReadonlyArray<string>,
) => {
  // Built once per table, not per row.
  const encode = Schema.encodeSync(schema)
  return (value: A): Record<string, unknown> => {
    const encoded: Record<string, unknown> = { ...encode(value) }
    for (const column of jsonColumns) {
      const json = encoded[column]
      encoded[column] = json === null || json === undefined ? json : JSON.stringify(json)
    }
    return encoded
  }
}

/**
 * An entity as a row of a batch sent as one JSON document (`insertAsRecordset`): its own fields,
 * JSON columns as JSON values. Only for entity schemas whose encoded form is their type (no
 * transformation between the two: `A extends I` holds, and rows-as-records.test pins each
 * table's record against `Schema.encodeSync`), so encoding would only re-check values that were
 * checked when the entity was made — a check that cost more than the insert itself for an
 * import of 10,000 stories and 20,000 edges.
 */
export const recordOf =
  <A extends I, I extends Readonly<Record<string, unknown>>>(_schema: Schema.Schema<A, I>) =>
  (value: A): I =>
    value

/**
 * Turns a unique violation into the port's DuplicateKey; any other database failure is a
 * defect (the server answers 500 and logs it).
 */
export const duplicateAs =
  (duplicate: () => DuplicateKey) =>
  <A, R>(effect: Effect.Effect<A, SqlError, R>): Effect.Effect<A, DuplicateKey, R> =>
    Effect.catchAll(effect, (error) =>
      isUniqueViolation(error) ? Effect.fail(duplicate()) : Effect.die(error),
    )

/** The first decoded row, if any. */
export const optional = <A>(decoded: Effect.Effect<ReadonlyArray<A>>): Effect.Effect<Option.Option<A>> =>
  Effect.map(decoded, (items) => Option.fromNullable(items[0]))
