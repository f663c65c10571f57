import { Either, Option, ParseResult, Schema } from "effect"
import { invalidMessage, namesNothing, overridingMessage } from "./fields.js"

/**
 * Fields a body may leave out, send as `null`, or (for some) send blank. Each reports only what
 * its value Schema says of a wrong value: `| null` and `| undefined` add no message of their own.
 */

/**
 * What `schema` says of a value it refuses, as one message. Unions with `null` report one
 * message per member; reading the value again with the member that matters gives the words a
 * client should see, whatever shape the union's issue has.
 */
const problemsOf = <A, I>(schema: Schema.Schema<A, I>) => {
  const decode = Schema.decodeUnknownEither(schema, { errors: "all" })
  return (issue: ParseResult.ParseIssue): string =>
    Either.match(decode(issue.actual), {
      onLeft: (error) =>
        ParseResult.ArrayFormatter.formatErrorSync(error)
          .map((formatted) => formatted.message)
          .join(", "),
      onRight: () => invalidMessage,
    })
}

/** `schema` or null, failing with the messages of `schema` alone. */
export const nullOr = <A, I>(schema: Schema.Schema<A, I>) =>
  Schema.NullOr(schema).annotations(overridingMessage(problemsOf(schema)))

/** A field a body may leave out (exactly: present with a value, or absent). */
export const omittable = <A, I, R>(schema: Schema.Schema<A, I, R>) =>
  Schema.optionalWith(schema, { exact: true })

/** A field the client may leave out or send as `null`; the command keeps the `null`. */
export const optionalOrNull = <A, I>(schema: Schema.Schema<A, I>) => omittable(nullOr(schema))

/**
 * An optional field where null (or an undefined value) means the same as leaving it out, as the
 * original's readers did: the command holds the value or has no key at all.
 */
export const optionalNullable = <A, I>(schema: Schema.Schema<A, I>) =>
  Schema.optionalToOptional(
    Schema.Union(schema, Schema.Null, Schema.Undefined).annotations(overridingMessage(problemsOf(schema))),
    Schema.typeSchema(schema),
    {
      decode: Option.filter((value): value is A => value !== null && value !== undefined),
      encode: (value) => value,
    },
  )

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
