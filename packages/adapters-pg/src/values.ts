/**
 * How column values come back from either driver. Both drivers are told to read these types the
 * same way, so a repository sees one shape whichever database runs underneath:
 *
 * - `timestamptz` → the core's Timestamp wire format, `2026-03-27T12:00:00.123456Z`. The drivers'
 *   default (a JS Date) would drop the microseconds that verify compares.
 * - `int8` → a JS number. pg would give a string and PGlite a bigint; every int8 column here
 *   (token counts, millicents, counts) stays far below 2^53.
 *
 * `numeric` stays a string on both (exact), json/jsonb are parsed, arrays are JS arrays.
 */

/** Postgres type OIDs that the adapters parse themselves. */
export const TypeOid = {
  int8: 20,
  timestamptz: 1184,
} as const

const pgTimestamp =
  /^(\d{4,})-(\d{2})-(\d{2}) (\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,6}))?(?:([+-])(\d{2})(?::?(\d{2}))?(?::?(\d{2}))?)?( BC)?$/

/**
 * Converts Postgres' text output of a timestamptz (`2026-03-27 14:00:00.1234+02`, in whatever
 * TimeZone the session uses) to ISO-8601 UTC with exactly six fraction digits. Values it cannot
 * represent that way (`infinity`, BC dates) are returned as Postgres wrote them.
 */
export const timestampFromPg = (text: string): string => {
  const match = pgTimestamp.exec(text)
  if (match === null || match[12] !== undefined) return text
  const [, year, month, day, hour, minute, second, fraction = "", sign, offsetH, offsetM, offsetS] = match
  const offsetSeconds =
    sign === undefined
      ? 0
      : (sign === "-" ? -1 : 1) * (Number(offsetH) * 3600 + Number(offsetM ?? 0) * 60 + Number(offsetS ?? 0))
  const date = new Date(0)
  date.setUTCFullYear(Number(year), Number(month) - 1, Number(day))
  date.setUTCHours(Number(hour), Number(minute), Number(second) - offsetSeconds, 0)
  const iso = date.toISOString()
  // toISOString writes years past 9999 with a sign; leave such values alone.
  if (!/^\d{4}-/.test(iso)) return text
  return `${iso.slice(0, 19)}.${fraction.padEnd(6, "0")}Z`
}

/** Reads an int8 as a JS number. */
export const int8FromPg = (text: string): number => Number(text)
