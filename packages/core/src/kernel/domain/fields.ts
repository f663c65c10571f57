import { Either, Option, ParseResult, Schema, SchemaAST } from "effect"
import { type FieldErrors, ValidationFailed } from "./errors.js"
import { JsonObject, isJsonObject } from "./json.js"
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

/**
 * Field Schemas shared by the request bodies of every context. A failing field reports the
 * message clients read in `details.<field>` of the 422 (its `message` annotation); a missing
 * required field reads "can't be blank" (the formatter's rule for a missing key).
 */

/** `schema`, reporting `message` whatever is wrong with a value (wrong type, out of range). */
export const refusing = <S extends Schema.Annotable.All>(
  schema: S,
  message: string,
): Schema.Annotable.Self<S> => schema.annotations({ message: () => ({ message, override: true }) })

/** A field the client may leave out or send as `null` (both read as "not given"). */
export const optionalOrNull = <A, I, R>(schema: Schema.Schema<A, I, R>) =>
  Schema.optionalWith(nullOr(schema), { exact: true })

/**
 * An optional field for which some values read as "not given" (`absent`, e.g. `null`), else
 * `schema`. A wrong value reports `schema`'s own problems, each at its path (`artifact.path`), not
 * one message for the whole as {@link nullOr} does. `jsonSchema` documents the field.
 */
export const optionalUnless = <A, I>(
  schema: Schema.Schema<A, I>,
  absent: (input: unknown) => boolean,
  jsonSchema: object,
) =>
  Schema.optionalWith(
    Schema.transformOrFail(Schema.Unknown, Schema.NullOr(Schema.typeSchema(schema)), {
      strict: true,
      decode: (input) =>
        absent(input) ? ParseResult.succeed(null) : ParseResult.decodeUnknown(schema)(input),
      encode: (value) => (value === null ? ParseResult.succeed(null) : ParseResult.encode(schema)(value)),
    }).annotations({ jsonSchema }),
    { exact: true },
  )

/** An object field the client may send as `null` (read as not given). */
export const nullableObject = <A, I>(schema: Schema.Schema<A, I>, jsonSchema: object) =>
  optionalUnless(schema, (input) => input === null, jsonSchema)

/** An optional field where blank text reads as not given, like `null`. */
export const optionalUnlessBlank = <A, I>(schema: Schema.Schema<A, I>, jsonSchema: object) =>
  optionalUnless(schema, namesNothing, jsonSchema)

/** Text of at most `max` characters (code points); anything but text "is invalid". */
export const BoundedText = (max: number) =>
  refusing(Schema.String, "is invalid").pipe(
    Schema.filter((text) => [...text].length <= max, {
      message: () => `should be at most ${max} character(s)`,
    }),
  )

/** Text that says something: missing, `null`, not text, or only spaces all read "can't be blank". */
export const NonBlankText = refusing(
  Schema.String.pipe(Schema.filter((text) => text.trim() !== "")),
  "can't be blank",
)

/** Any text; a value of another type "must be a string". */
export const Text = refusing(Schema.String, "must be a string")

/** A JSON object (`findings`, `details`, …); anything else "must be a JSON object". */
export const JsonObjectField = refusing(JsonObject, "must be a JSON object")

/** true or false; anything else "must be a boolean". */
export const Flag = refusing(Schema.Boolean, "must be a boolean")

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

/**
 * The message a refused body carries beside its `details`, chosen from what failed
 * (e.g. a reject without a reason: "reason is required and cannot be blank"). Absent, or when
 * it answers undefined, the message is "Validation failed".
 */
export const RefusalSummaryId: unique symbol = Symbol.for("@loopctl/core/RefusalSummary")

/**
 * Chooses a refused body's message from its `details` (each failed field with its messages) and,
 * when a message quotes what was sent (`Epic number abc not found`), the body itself.
 */
export type RefusalSummary = (details: FieldErrors, input?: unknown) => string | undefined

/** The refusal summary a schema declares, if any. */
export const refusalSummaryOf = (ast: SchemaAST.AST): RefusalSummary | undefined => {
  const annotation = ast.annotations[RefusalSummaryId]
  return typeof annotation === "function"
    ? (details, input) => {
        const message: unknown = annotation(details, input)
        return typeof message === "string" ? message : undefined
      }
    : undefined
}

/** What a missing field reads when its Schema does not say (`missingMessage`). */
const defaultMissing = "is missing"

/**
 * The `details` of a refused body, in the changeset style: `{field: [message]}`, the field named
 * by its path (`artifact.path`, `body` for the body itself); a missing field "can't be blank"
 * unless its Schema says otherwise.
 */
export const fieldErrorsOf = (issues: ReadonlyArray<ParseResult.ArrayFormatterIssue>): FieldErrors => {
  const details: Record<string, Array<string>> = {}
  for (const issue of issues) {
    const field = issue.path.length === 0 ? "body" : issue.path.map(String).join(".")
    const message =
      issue._tag === "Missing" && issue.message === defaultMissing ? "can't be blank" : issue.message
    details[field] = [...(details[field] ?? []), message]
  }
  return details
}

/** The 422 of a body `ast` refused: every field's problem, and the Schema's summary message if it has one. */
export const refusalOf = (error: ParseResult.ParseError, ast: SchemaAST.AST): ValidationFailed => {
  const details = fieldErrorsOf(ParseResult.ArrayFormatter.formatErrorSync(error))
  const summary = refusalSummaryOf(ast)?.(details, error.issue.actual)
  return summary === undefined
    ? ValidationFailed.ofFields(details)
    : new ValidationFailed({ message: summary, details })
}

/** A request body read by `schema`, reporting every problem at once, or its 422. */
export const decodeRequest =
  <A, I>(schema: Schema.Schema<A, I>) =>
  (input: unknown): Either.Either<A, ValidationFailed> =>
    Either.mapLeft(Schema.decodeUnknownEither(schema, { errors: "all" })(input), (error) =>
      refusalOf(error, schema.ast),
    )

// ---------------------------------------------------------------------------------------------
// The work context's field Schemas (projects, epics, dependencies), to be folded with the above.
// ---------------------------------------------------------------------------------------------

/**
 * Text that is required, bounded and storable, a metadata object, storable JSON. Each carries as its `message` the text clients
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
export const orNullAsOne = <A, I>(schema: Schema.Schema<A, I>) => {
  const problemOf = firstProblem(schema)
  return Schema.NullOr(schema).annotations({
    message: (issue) => ({
      message: Option.getOrElse(problemOf(issue.actual), () => invalidProblem),
      override: true,
    }),
  })
}

/** Text: a string of at most `max` UTF-16 units that the database can keep; else "is invalid". */
export const StorableText = (max: number) =>
  Schema.String.annotations({ message: () => invalidProblem }).pipe(
    Schema.maxLength(max, { message: () => atMostProblem(max) }),
    Schema.filter((text) => !isUnstorable(text), { message: () => unstorableProblem }),
  )

/**
 * Required text: not blank (null reads as blank too), at most `max` UTF-16 units, storable. A
 * value of another type "is invalid".
 */
export const RequiredStorableText = (max: number) =>
  Schema.String.annotations({
    message: (issue) => (issue.actual === null ? blankProblem : invalidProblem),
  }).pipe(
    Schema.filter((text) => text.trim() !== "", { message: () => blankProblem }),
    Schema.maxLength(max, { message: () => atMostProblem(max) }),
    Schema.filter((text) => !isUnstorable(text), { message: () => unstorableProblem }),
  )

/** A free-form JSON object whose text the database can keep. */
export const StorableMetadata = Schema.Record({ key: Schema.String, value: Schema.Unknown }).pipe(
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
