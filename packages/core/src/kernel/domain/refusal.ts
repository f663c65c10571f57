import { Either, ParseResult, Schema, type SchemaAST } from "effect"
import { type FieldErrors, ValidationFailed } from "./errors.js"

/**
 * How a refused request body becomes its 422: every failed field under `details.<field>`, in the
 * changeset style, with the message of each field Schema's `message` annotation.
 */

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
