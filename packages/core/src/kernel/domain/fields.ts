import { Either, Option, ParseResult, Schema } from "effect"
import { isJsonObject } from "./json.js"

/**
 * The field Schemas the bodies of every context share: text that is required, bounded and
 * storable, a metadata object, storable JSON. Each carries as its `message` the text clients
 * read in a 422's `details` today, so the contract's decoding answers with the same words.
 * Lengths are counted in UTF-16 units, as JavaScript and the original count them.
 */

export const blankProblem = "can't be blank"
export const invalidProblem = "is invalid"
export const atMostProblem = (max: number) => `should be at most ${max} character(s)`

/** The problem reported for text the database cannot keep. */
export const unstorableProblem = "must not contain NUL characters or unpaired UTF-16 surrogates"

/**
 * Whether a string holds a NUL or an unpaired surrogate. Postgres refuses the NUL in text and
 * jsonb, and a UTF-16 surrogate without its pair has no UTF-8 form (jsonb refuses it; text
 * would silently turn it into U+FFFD).
 */
export const isUnstorable = (text: string): boolean => {
  for (let i = 0; i < text.length; i++) {
    const unit = text.charCodeAt(i)
    if (unit === 0) return true
    if (unit >= 0xd800 && unit <= 0xdbff) {
      const next = text.charCodeAt(i + 1)
      if (!(next >= 0xdc00 && next <= 0xdfff)) return true
      i++
    } else if (unit >= 0xdc00 && unit <= 0xdfff) return true
  }
  return false
}

/** Whether every string and key inside a JSON value is storable (walked without recursion). */
export const isStorableJson = (value: unknown): boolean => {
  const pending: Array<unknown> = [value]
  for (let next = pending.pop(); next !== undefined || pending.length > 0; next = pending.pop()) {
    if (typeof next === "string") {
      if (isUnstorable(next)) return false
    } else if (Array.isArray(next)) {
      for (const item of next) pending.push(item)
    } else if (isJsonObject(next)) {
      for (const [key, item] of Object.entries(next)) {
        if (isUnstorable(key)) return false
        pending.push(item)
      }
    }
  }
  return true
}

/** The first message decoding `value` with `schema` reports, or none when it decodes. */
const firstProblem = <A, I>(schema: Schema.Schema<A, I>) => {
  const decode = Schema.decodeUnknownEither(schema)
  return (value: unknown): Option.Option<string> =>
    Either.match(decode(value), {
      onLeft: (error) => Option.fromNullable(ParseResult.ArrayFormatter.formatErrorSync(error)[0]?.message),
      onRight: () => Option.none(),
    })
}

/**
 * `schema` or null. A value that is neither reads as what `schema` says of it (one message,
 * not one per member of the union).
 */
export const orNull = <A, I>(schema: Schema.Schema<A, I>) => {
  const problemOf = firstProblem(schema)
  return Schema.NullOr(schema).annotations({
    message: (issue) => ({
      message: Option.getOrElse(problemOf(issue.actual), () => invalidProblem),
      override: true,
    }),
  })
}

/** Text: a string of at most `max` UTF-16 units that the database can keep; else "is invalid". */
export const Text = (max: number) =>
  Schema.String.annotations({ message: () => invalidProblem }).pipe(
    Schema.maxLength(max, { message: () => atMostProblem(max) }),
    Schema.filter((text) => !isUnstorable(text), { message: () => unstorableProblem }),
  )

/**
 * Required text: not blank (null reads as blank too), at most `max` UTF-16 units, storable. A
 * value of another type "is invalid".
 */
export const RequiredText = (max: number) =>
  Schema.String.annotations({
    message: (issue) => (issue.actual === null ? blankProblem : invalidProblem),
  }).pipe(
    Schema.filter((text) => text.trim() !== "", { message: () => blankProblem }),
    Schema.maxLength(max, { message: () => atMostProblem(max) }),
    Schema.filter((text) => !isUnstorable(text), { message: () => unstorableProblem }),
  )

/** A free-form JSON object whose text the database can keep. */
export const Metadata = Schema.Record({ key: Schema.String, value: Schema.Unknown }).pipe(
  Schema.annotations({ message: () => "must be a JSON object" }),
  Schema.filter(isStorableJson, { message: () => unstorableProblem }),
)

/** A field a body may leave out (exactly: present with a value, or absent). */
export const omittable = <A, I, R>(schema: Schema.Schema<A, I, R>) =>
  Schema.optionalWith(schema, { exact: true })

/** The largest value an integer column (epic number, position) holds. */
export const MAX_STORED_INT = 2_147_483_647

/** The problem of an integer too large for its column. */
export const tooLargeProblem = `must be less than or equal to ${MAX_STORED_INT}`

/**
 * A whole number of at least `min` that an integer column holds. Any other value reads as
 * `problem` (null as blank); one beyond the column as too large.
 */
export const StoredInt = (min: number, problem: string) =>
  Schema.Number.annotations({
    message: (issue) => (issue.actual === null ? blankProblem : problem),
  }).pipe(
    Schema.int({ message: () => problem }),
    Schema.greaterThanOrEqualTo(min, { message: () => problem }),
    Schema.lessThanOrEqualTo(MAX_STORED_INT, { message: () => tooLargeProblem }),
  )
