import { Schema } from "effect"
import { atMostCharacters, blankMessage, invalidMessage, namesNothing } from "./fields.js"
import { isUnstorable, unstorableMessage } from "./storable.js"

/**
 * Text fields: one reading of a request's text for every context. Text is refused when the
 * database could not keep it (storable.ts), and its length is counted in characters.
 */

/**
 * How many characters a text holds, counted as Unicode code points: a surrogate pair is one
 * character, as it is to Postgres, whose `length()` (and so every `CHECK (length(title) BETWEEN 1
 * AND 500)`) counts the characters of UTF-8 text. Counting UTF-16 units, as `String.length` does,
 * would refuse a title of 300 emoji that the column keeps; counting graphemes would accept one
 * that it refuses. A lone surrogate counts as one (it is refused as unstorable anyway).
 */
export const characterCount = (text: string): number => {
  let count = text.length
  for (let i = 0; i < text.length - 1; i++) {
    const unit = text.charCodeAt(i)
    const next = text.charCodeAt(i + 1)
    if (unit >= 0xd800 && unit <= 0xdbff && next >= 0xdc00 && next <= 0xdfff) {
      count--
      i++
    }
  }
  return count
}

/**
 * At most `max` characters, counted as the column's CHECK counts them. Entity Schemas that read
 * rows back use it too, so a text the request accepted is never refused on its way out.
 */
export const maxCharacters =
  (max: number) =>
  <I, R>(self: Schema.Schema<string, I, R>) =>
    self.pipe(
      Schema.filter((text) => characterCount(text) <= max, {
        message: () => atMostCharacters(max),
        jsonSchema: { maxLength: max },
      }),
    )

/** How a text field reads what it is given. */
export interface TextReading {
  /** The most characters it holds; none: no length limit. */
  readonly max?: number
  /** Stored without surrounding whitespace; `max` then counts the trimmed text. */
  readonly trim?: boolean
  /** What a value that is not text reads in `details.<field>` ("is invalid" unless stated). */
  readonly notText?: string
}

/** Text, trimmed when asked, within `max` characters, that the database keeps; `required`: not blank. */
const textOf = (reading: TextReading, required: boolean): Schema.Schema<string> => {
  const { max, notText = invalidMessage } = reading
  const given = Schema.String.annotations({
    message: (issue) => (required && namesNothing(issue.actual) ? blankMessage : notText),
  })
  const stored: Schema.Schema<string> =
    reading.trim === true ? given.pipe(Schema.compose(Schema.Trim)) : given
  const said = required
    ? stored.pipe(Schema.filter((text) => text.trim() !== "", { message: () => blankMessage }))
    : stored
  const bounded = max === undefined ? said : said.pipe(maxCharacters(max))
  return bounded.pipe(Schema.filter((text) => !isUnstorable(text), { message: () => unstorableMessage }))
}

/**
 * Text that must say something: missing, null or blank is "can't be blank", longer than `max`
 * characters "should be at most `max` character(s)", a value of another type `notText`.
 */
export const RequiredText = (reading: TextReading = {}) => textOf(reading, true)

/** Text that may be empty, within `max` characters; a value of another type reads `notText`. */
export const TextField = (reading: TextReading = {}) => textOf(reading, false)

/** Text that says something, of any length: missing, null, not text, or only spaces all read "can't be blank". */
export const NonBlankText = RequiredText({ notText: blankMessage })

/** Any text, of any length; a value of another type "must be a string". */
export const Text = TextField({ notText: "must be a string" })
