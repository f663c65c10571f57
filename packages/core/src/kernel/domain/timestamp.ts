import { Clock, Effect, ParseResult, Schema } from "effect"

/** Whether the date and time fields name a real instant (no 2026-02-30, no hour 24). */
const isCalendarInstant = (text: string): boolean => {
  const millis = Date.parse(`${text.slice(0, 23)}Z`)
  return !Number.isNaN(millis) && new Date(millis).toISOString().slice(0, 23) === text.slice(0, 23)
}

/**
 * An instant as the wire carries it: ISO-8601 UTC with exactly six fraction digits
 * (`2026-03-27T12:00:00.123456Z`). Microseconds matter: verify compares a review's
 * `completed_at` with the story's `reported_done_at`, and both may fall in one millisecond.
 * The fixed width makes string order equal time order.
 */
export const Timestamp = Schema.String.pipe(
  Schema.pattern(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z$/),
  Schema.filter((text) => isCalendarInstant(text) || "must be a real calendar date and time"),
  Schema.brand("Timestamp"),
)
export type Timestamp = typeof Timestamp.Type

const isoPrefix = (epochMillis: number): string => new Date(epochMillis).toISOString().slice(0, 19)

const isTimestamp = Schema.is(Timestamp)

/** Formats nanoseconds since the epoch as a Timestamp (truncated to microseconds). */
export const timestampFromNanos = (nanos: bigint): Timestamp => {
  const micros = nanos / 1000n
  const seconds = micros / 1_000_000n
  const fraction = (micros % 1_000_000n).toString().padStart(6, "0")
  return Timestamp.make(`${isoPrefix(Number(seconds) * 1000)}.${fraction}Z`)
}

/** Formats a JS Date (millisecond precision) as a Timestamp. */
export const timestampFromDate = (date: Date): Timestamp =>
  Timestamp.make(`${isoPrefix(date.getTime())}.${String(date.getUTCMilliseconds()).padStart(3, "0")}000Z`)

/** The current instant from Effect's Clock, so tests can control time with TestClock. */
export const now: Effect.Effect<Timestamp> = Effect.map(Clock.currentTimeNanos, timestampFromNanos)

const isoInput = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2})(?:\.(\d{1,9}))?(Z|[+-]\d{2}:\d{2})$/

/**
 * Parses a client-supplied ISO-8601 instant (any fraction length, `Z` or an offset) into a
 * Timestamp, keeping up to microsecond precision. Returns undefined when the text is not one.
 */
export const parseTimestamp = (text: string): Timestamp | undefined => {
  const match = isoInput.exec(text)
  if (match === null) return undefined
  const [, base = "", fraction = "", zone = "Z"] = match
  const millis = Date.parse(`${base}${zone}`)
  if (Number.isNaN(millis)) return undefined
  const micros = fraction.padEnd(6, "0").slice(0, 6)
  const candidate = `${isoPrefix(millis)}.${micros}Z`
  // Date.parse rolls some impossible dates over (Feb 30 → Mar 2): the fields must survive as written.
  const fieldsExist = new Date(Date.parse(`${base}Z`)).toISOString().slice(0, 19) === base
  return fieldsExist && isTimestamp(candidate) ? candidate : undefined
}

/** A Timestamp decoded from any ISO-8601 instant on the wire. */
export const TimestampFromIso = Schema.transformOrFail(Schema.String, Timestamp, {
  strict: true,
  decode: (text, _, ast) => {
    const parsed = parseTimestamp(text)
    return parsed === undefined
      ? Effect.fail(new ParseResult.Type(ast, text, "must be an ISO-8601 timestamp"))
      : Effect.succeed(parsed)
  },
  encode: (ts) => Effect.succeed(ts),
})
