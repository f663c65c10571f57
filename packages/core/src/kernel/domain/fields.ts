import { ParseResult, Schema } from "effect"
import { Timestamp, parseTimestamp } from "./timestamp.js"

/**
 * The field Schemas every context's request bodies are built from, one set for the whole core
 * (text in text-fields.ts, optional and nullable fields in optional-fields.ts, JSON objects in
 * json-fields.ts). Their `message` annotations are what a client reads in a 422's
 * `details.<field>` (refusal.ts formats decode issues with them), so each states today's wording;
 * a field that is missing altogether is "can't be blank" unless its property declares a
 * `missingMessage` of its own.
 */

/** The changeset message of a field that says nothing (missing, null, blank). */
export const blankMessage = "can't be blank"

/** The changeset message of a value of the wrong type. */
export const invalidMessage = "is invalid"

/** How a length limit reads. */
export const atMostCharacters = (max: number) => `should be at most ${max} character(s)`

/**
 * A `message` annotation that wins over what a union's members say: without `override`, a union
 * (a list of values, `X | null`) reports one message per member.
 */
export const overridingMessage = (message: (issue: ParseResult.ParseIssue) => string) => ({
  message: (issue: ParseResult.ParseIssue) => ({ message: message(issue), override: true }),
})

/** `schema`, reporting `message` whatever is wrong with a value (wrong type, out of range). */
export const refusing = <S extends Schema.Annotable.All>(
  schema: S,
  message: string,
): Schema.Annotable.Self<S> => schema.annotations({ message: () => ({ message, override: true }) })

/**
 * `schema`, reporting `message` when a value is not of its type at all (not an object, not a
 * list); when it is, its parts report their own problems.
 */
export const refusingType = <S extends Schema.Annotable.All>(
  schema: S,
  message: string,
): Schema.Annotable.Self<S> =>
  schema.annotations({
    message: (issue) =>
      issue._tag === "Type" ? { message, override: true } : { message: "", override: false },
  })

/** An object body or sub-object: a value that is not an object "must be a JSON object". */
export const objectOf = <S extends Schema.Annotable.All>(schema: S): Schema.Annotable.Self<S> =>
  refusingType(schema, "must be a JSON object")

/** Whether a value names nothing: absent, null, or text that is blank. */
export const namesNothing = (value: unknown): boolean =>
  value === undefined || value === null || (typeof value === "string" && value.trim() === "")

/**
 * One of `choices`: "can't be blank" when the value names nothing (the original's changeset
 * message), otherwise the allowed values (D26).
 */
export const oneOf = <const Choices extends readonly [string, ...Array<string>]>(
  choices: Choices,
  allowed: ReadonlyArray<string> = choices,
) =>
  Schema.Literal(...choices).annotations(
    overridingMessage((issue) =>
      namesNothing(issue.actual) ? blankMessage : `must be one of: ${allowed.join(", ")}`,
    ),
  )

/** true or false; anything else "must be a boolean". */
export const Flag = refusing(Schema.Boolean, "must be a boolean")

/** A uuid, lower-cased; anything else "is invalid". */
export const LowercaseUuid = Schema.String.annotations({ message: () => invalidMessage }).pipe(
  Schema.compose(Schema.Lowercase),
  Schema.compose(Schema.UUID.annotations({ message: () => invalidMessage })),
)

/** How an instant must be written. */
export const instantMessage = "must be an ISO 8601 time with Z or an offset, e.g. 2027-01-01T00:00:00Z"

/** An ISO 8601 instant with `Z` or an offset (surrounding whitespace ignored), as a Timestamp. */
export const Instant = Schema.transformOrFail(
  Schema.String.annotations({ message: () => instantMessage }),
  Timestamp,
  {
    strict: true,
    decode: (text, _, ast) => {
      const parsed = parseTimestamp(text.trim())
      return parsed === undefined
        ? ParseResult.fail(new ParseResult.Type(ast, text, instantMessage))
        : ParseResult.succeed(parsed)
    },
    encode: ParseResult.succeed,
  },
).annotations({ jsonSchema: { type: "string", format: "date-time" } })

/** The largest value an integer column (epic number, position, version, count) holds. */
export const maxStoredInt = 2_147_483_647

/** The problem of an integer too large for its column. */
export const tooLargeMessage = `must be less than or equal to ${maxStoredInt}`

/**
 * A whole number of at least `min` that an integer column holds. Any other value reads as
 * `problem` (null as blank); one beyond the column as too large.
 */
export const StoredInt = (min: number, problem: string) =>
  Schema.Number.annotations({
    message: (issue) => (issue.actual === null ? blankMessage : problem),
  }).pipe(
    Schema.int({ message: () => problem }),
    Schema.greaterThanOrEqualTo(min, { message: () => problem }),
    Schema.lessThanOrEqualTo(maxStoredInt, { message: () => tooLargeMessage }),
  )
