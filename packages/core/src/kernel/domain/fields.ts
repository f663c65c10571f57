import { Option, ParseResult, Schema, SchemaAST } from "effect"
import { jsonByteSize } from "./metadata.js"
import { Timestamp, parseTimestamp } from "./timestamp.js"

/**
 * Field Schemas that every context's commands share. Their `message` annotations are what a
 * client reads in a 422's `details.<field>` (the http adapter formats decode issues with them),
 * so each one states today's wording; a field that is missing altogether is "can't be blank"
 * unless its property declares a `missingMessage` of its own.
 */

/** The changeset message of a field that says nothing (missing, null, blank). */
export const blankMessage = "can't be blank"

/** How a length limit reads. */
export const atMostCharacters = (max: number) => `should be at most ${max} character(s)`

/**
 * A `message` annotation that wins over what a union's members say: without `override`, a union
 * (a list of values, `X | null`) reports one message per member.
 */
export const overridingMessage = (message: (issue: ParseResult.ParseIssue) => string) => ({
  message: (issue: ParseResult.ParseIssue) => ({ message: message(issue), override: true }),
})

/** The value a failed issue was given. */
const actualOf = (issue: ParseResult.ParseIssue): unknown => issue.actual

/** Whether a value names nothing: absent, null, or text that is blank. */
export const namesNothing = (value: unknown): boolean =>
  value === undefined || value === null || (typeof value === "string" && value.trim() === "")

/**
 * Text that must say something: not text, or blank, is "can't be blank"; longer than `max`
 * UTF-16 units is "should be at most `max` character(s)". `trim` (the default) stores it
 * without surrounding whitespace.
 */
export const RequiredText = (max: number, options: { readonly trim?: boolean } = {}) => {
  const text = Schema.String.annotations({ message: () => blankMessage })
  const stored = options.trim === false ? text : text.pipe(Schema.compose(Schema.Trim))
  return stored.pipe(
    Schema.filter((value) => value.trim() !== "" || blankMessage),
    Schema.maxLength(max, { message: () => atMostCharacters(max) }),
  )
}

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
      namesNothing(actualOf(issue)) ? blankMessage : `must be one of: ${allowed.join(", ")}`,
    ),
  )

/** Whether an issue is only a union member `null` (or `undefined`) that was not given. */
const isNullMember = (issue: ParseResult.ParseIssue): boolean =>
  issue._tag === "Type" &&
  ((SchemaAST.isLiteral(issue.ast) && issue.ast.literal === null) || SchemaAST.isUndefinedKeyword(issue.ast))

/** What the non-null members of a failed `X | null` say, so `| null` adds no message of its own. */
const nonNullMessage = (issue: ParseResult.ParseIssue): string => {
  const members = issue._tag === "Composite" ? [issue.issues].flat() : [issue]
  return members
    .filter((member) => !isNullMember(member))
    .flatMap((member) => ParseResult.ArrayFormatter.formatIssueSync(member))
    .map((formatted) => formatted.message)
    .join(", ")
}

/** `schema` or null, failing with the messages of `schema` alone. */
export const nullOr = <A, I, R>(schema: Schema.Schema<A, I, R>) =>
  Schema.NullOr(schema).annotations(overridingMessage(nonNullMessage))

/**
 * An optional field where null (or an undefined value) means the same as leaving it out, as the
 * original's readers did: the command holds the value or has no key at all.
 */
export const optionalNullable = <A, I, R>(schema: Schema.Schema<A, I, R>) =>
  Schema.optionalToOptional(
    Schema.Union(schema, Schema.Null, Schema.Undefined).annotations(overridingMessage(nonNullMessage)),
    Schema.typeSchema(schema),
    {
      decode: Option.filter((value): value is A => value !== null && value !== undefined),
      encode: (value) => value,
    },
  )

/** A uuid, lower-cased; anything else "is invalid". */
export const LowercaseUuid = Schema.String.annotations({ message: () => "is invalid" }).pipe(
  Schema.compose(Schema.Lowercase),
  Schema.compose(Schema.UUID.annotations({ message: () => "is invalid" })),
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

/** The largest JSON object a `metadata` field holds, in bytes of its JSON text. */
export const metadataMaxBytes = 65_536

/** A free-form JSON object of at most 64KB: "must be a map" when not an object. */
export const MetadataObject = Schema.Record({ key: Schema.String, value: Schema.Unknown })
  .annotations(overridingMessage(() => "must be a map"))
  .pipe(Schema.filter((value) => jsonByteSize(value) <= metadataMaxBytes || "must be smaller than 64KB"))
