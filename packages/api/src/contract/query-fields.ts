import {
  type BadRequest,
  type FieldErrors,
  NotFound,
  QueryProblems,
  Timestamp,
  ValidationFailed,
  choiceParameter,
  fieldErrorsOf,
  flagParameter,
  integerParameter,
  invalidQuery,
  isUnstorable,
  parseTimestamp,
  projectIdRequired,
  sinceInvalid,
  sinceRequired,
  timeParameter,
  unstorableMessage,
} from "@loopctl/core"
import { Effect, Either, Option, ParseResult, Schema, identity } from "effect"

/**
 * Query parameters. They are text on the wire. An untyped one (`queryField`) is any string the
 * core's readers decide on; a typed one (`choiceQuery`, `flagQuery`, `textQuery`) is decoded by
 * the contract with the same readers. Either way a value that does not read as its type is a 400
 * naming it (D26), and the OpenAPI document, and the malformed-input sweep generated from it,
 * state the type a value must read as.
 */
export const queryField = (description: string, type: Readonly<Record<string, unknown>>) =>
  Schema.optional(Schema.String.annotations({ description, jsonSchema: { ...type, description } }))

/** JSON Schema fragments for query parameters. */
export const queryType = {
  text: { type: "string" },
  uuid: { type: "string", format: "uuid" },
  dateTime: { type: "string", format: "date-time" },
  flag: { type: "boolean" },
  /** A whole number of at least `minimum`. */
  count: (minimum: number) => ({ type: "integer", minimum }),
  oneOf: (...values: ReadonlyArray<string>) => ({ type: "string", enum: values }),
} as const

/**
 * The path segment that marks a refused value as a query parameter's rather than a body field's:
 * the platform reports both as one decode error, and a refused parameter is a 400 naming it
 * (D26) where a refused field is a 422. No body declares a field of this name.
 */
export const queryIssueMarker = "(query)"

/**
 * The path segment of a refusal that answers the request on its own instead of joining the 400
 * naming every refused parameter: its message names one of {@link queryAnswers}. The first such
 * refusal (in the order the parameters are declared) answers, as the core's readers did when
 * they read ids and required parameters before anything else.
 */
export const queryAnswerMarker = "(query answer)"

/** The refusals that answer a request on their own, by the name a refused parameter gives. */
export const queryAnswers = {
  /** An id that is not one: indistinguishable from an unknown id, as a malformed id is everywhere. */
  not_found: () => new NotFound({ message: "Not found" }),
  project_id_required: projectIdRequired,
  since_required: sinceRequired,
  since_invalid: sinceInvalid,
} as const

/** The name of a refusal that answers on its own. */
export type QueryAnswer = keyof typeof queryAnswers

/** How a parameter's text reads: a value (none when not given), a problem, or an answer of its own. */
type Reading<A> =
  | { readonly value: A | undefined }
  | { readonly problem: string }
  | { readonly answer: QueryAnswer }

/** The core reader `read` as a {@link Reading}: its value, or the first problem it recorded. */
const readWith =
  <A>(read: (value: string, problems: QueryProblems) => A | undefined) =>
  (text: string): Reading<A> => {
    const problems = new QueryProblems()
    const value = read(text, problems)
    const [problem] = Object.values(problems.fields).flat()
    return problem === undefined ? { value } : { problem }
  }

/** Text decoded to `to` by `read`; a refusal is marked as a query parameter's (see the markers). */
const parameterText = <A, I>(
  to: Schema.Schema<A, I>,
  read: (text: string) => Reading<A>,
  write: (value: A) => string,
) =>
  Schema.transformOrFail(Schema.String, Schema.UndefinedOr(Schema.typeSchema(to)), {
    strict: true,
    decode: (text, _, ast) => {
      const reading = read(text)
      if ("value" in reading) return ParseResult.succeed(reading.value)
      const [marker, message] =
        "problem" in reading ? [queryIssueMarker, reading.problem] : [queryAnswerMarker, reading.answer]
      return ParseResult.fail(new ParseResult.Pointer(marker, text, new ParseResult.Type(ast, text, message)))
    },
    encode: (value) => ParseResult.succeed(value === undefined ? "" : write(value)),
  })

/**
 * A typed query parameter read by one of the core's query readers (`choiceParameter`,
 * `flagParameter`, …), so that what is accepted and how a refusal reads is written once: a value
 * that is absent or blank is not given (`undefined`), one the reader refuses fails with its
 * message, marked as a query parameter's. The key is read as text first and decoded in a second
 * step, like a required one, so that every parameter's refusal is reported in declaration order
 * (which decides the refusal that answers on its own, see {@link queryAnswerMarker}).
 */
const typedParameter = <A, I>(
  to: Schema.Schema<A, I>,
  read: (text: string) => Reading<A>,
  write: (value: A) => string,
  description: string,
  type: Readonly<Record<string, unknown>>,
) =>
  Schema.optionalToOptional(
    Schema.String.annotations({ description, jsonSchema: { ...type, description } }),
    parameterText(to, read, write),
    { decode: identity, encode: identity },
  )

/**
 * A parameter the request cannot do without: absent or blank, it answers `missing` on its own.
 * The platform skips an absent optional key, so absence reads as blank text first.
 */
const requiredParameter = <A, I>(
  to: Schema.Schema<A, I>,
  read: (text: string) => Reading<A>,
  write: (value: A) => string,
  missing: QueryAnswer,
  description: string,
  type: Readonly<Record<string, unknown>>,
) =>
  Schema.optionalToRequired(
    Schema.String.annotations({ description, jsonSchema: { ...type, description } }),
    Schema.transformOrFail(parameterText(to, read, write), Schema.typeSchema(to), {
      strict: true,
      decode: (value, _, ast) =>
        value === undefined
          ? ParseResult.fail(
              new ParseResult.Pointer(queryAnswerMarker, value, new ParseResult.Type(ast, value, missing)),
            )
          : ParseResult.succeed(value),
      encode: ParseResult.succeed,
    }),
    { decode: Option.getOrElse(() => ""), encode: Option.some },
  )

/**
 * A whole number of at least `minimum`: digits only, so `1.5`, `1e3` and `12abc` are refused.
 * Typed as a number, not `Schema.Int`: a count beyond the safe integers is read (and then
 * clamped by the list, an empty page), not refused.
 */
export const countQuery = (description: string, minimum: number) =>
  typedParameter(
    Schema.Number,
    readWith((value, problems) => integerParameter(value, "value", minimum, problems)),
    (count) => String(count),
    description,
    queryType.count(minimum),
  )

/** The id a parameter names, any case; a value that is not one answers 404 (`not_found`). */
const readId =
  <A>(id: Schema.Schema<A, string>) =>
  (text: string): Reading<A> => {
    const given = text.trim()
    if (given === "") return { value: undefined }
    return Either.match(Schema.decodeUnknownEither(id)(given.toLowerCase()), {
      onLeft: (): Reading<A> => ({ answer: "not_found" }),
      onRight: (value) => ({ value }),
    })
  }

/** An optional id (a uuid, any case): blank is not given; a malformed one is a 404, as everywhere. */
export const idQuery = <A>(description: string, id: Schema.Schema<A, string>) =>
  typedParameter(id, readId(id), (value) => Schema.encodeSync(id)(value), description, queryType.uuid)

/** A required id: absent or blank answers `missing` on its own; a malformed one is a 404. */
export const requiredIdQuery = <A>(description: string, id: Schema.Schema<A, string>, missing: QueryAnswer) =>
  requiredParameter(
    id,
    readId(id),
    (value) => Schema.encodeSync(id)(value),
    missing,
    description,
    queryType.uuid,
  )

/** An instant, ISO 8601 with `Z` or an offset (a zoneless time is refused). */
export const timeQuery = (description: string) =>
  typedParameter(
    Timestamp,
    readWith((value, problems) => timeParameter(value, "value", problems)),
    (time) => time,
    description,
    queryType.dateTime,
  )

/** The change feed's cursor: required, and an instant with a zone; each refusal answers on its own. */
export const sinceQuery = (description: string) =>
  requiredParameter(
    Timestamp,
    (text): Reading<Timestamp> => {
      const given = text.trim()
      if (given === "") return { value: undefined }
      const time = parseTimestamp(given)
      return time === undefined ? { answer: "since_invalid" } : { value: time }
    },
    (time) => time,
    "since_required",
    description,
    queryType.dateTime,
  )

/** An equality filter on text, kept as given (not trimmed); blank is no filter. */
export const filterTextQuery = (description: string) =>
  typedParameter(
    Schema.String,
    (text) => ({ value: text.trim() === "" ? undefined : text }),
    (text) => text,
    description,
    queryType.text,
  )

/** A parameter naming one of `choices` exactly (surrounding whitespace ignored). */
export const choiceQuery = <const Choices extends readonly [string, ...Array<string>]>(
  description: string,
  choices: Choices,
) =>
  typedParameter<Choices[number], Choices[number]>(
    Schema.Literal(...choices),
    readWith((value, problems) => choiceParameter(value, "value", choices, problems)),
    (choice) => choice,
    description,
    queryType.oneOf(...choices),
  )

/** A yes/no parameter: `true`/`1` or `false`/`0`. */
export const flagQuery = (description: string) =>
  typedParameter(
    Schema.Boolean,
    readWith((value, problems) => flagParameter(value, "value", problems)),
    (flag) => String(flag),
    description,
    queryType.flag,
  )

/** A text parameter, trimmed; text the store could not hold is refused (D25). */
export const textQuery = (description: string) =>
  typedParameter(
    Schema.String,
    (value) => {
      const text = value.trim()
      if (isUnstorable(text)) return { problem: unstorableMessage }
      return { value: text === "" ? undefined : text }
    },
    (text) => text,
    description,
    queryType.text,
  )

/**
 * The parameters a decode error refused, `{parameter: [problem]}`, when every issue it lists is
 * a query parameter's; none when any is a body field's.
 */
export const refusedParameters = (
  issues: ReadonlyArray<{ readonly path: ReadonlyArray<PropertyKey>; readonly message: string }>,
): FieldErrors | undefined => {
  const details: Record<string, Array<string>> = {}
  for (const issue of issues) {
    if (issue.path[issue.path.length - 1] !== queryIssueMarker) return undefined
    const parameter = issue.path.slice(0, -1).map(String).join(".")
    details[parameter] = [...(details[parameter] ?? []), issue.message]
  }
  return issues.length === 0 ? undefined : details
}

/** Whether `name` names one of the refusals that answer on their own. */
const isQueryAnswer = (name: string): name is QueryAnswer => Object.keys(queryAnswers).includes(name)

/**
 * What a decode error of query parameters answers, when every issue it lists is a query
 * parameter's: the first refusal that answers on its own (a malformed id's 404, a missing
 * required parameter's 400), else the 400 naming every refused parameter (D26). None when any
 * issue is a body field's.
 */
export const queryRefusal = (
  issues: ReadonlyArray<{ readonly path: ReadonlyArray<PropertyKey>; readonly message: string }>,
): BadRequest | NotFound | undefined => {
  const markerOf = (issue: (typeof issues)[number]) => issue.path[issue.path.length - 1]
  if (issues.length === 0) return undefined
  if (!issues.every((issue) => [queryIssueMarker, queryAnswerMarker].includes(String(markerOf(issue)))))
    return undefined
  const answer = issues.find((issue) => markerOf(issue) === queryAnswerMarker)
  if (answer !== undefined) return isQueryAnswer(answer.message) ? queryAnswers[answer.message]() : undefined
  const parameters = refusedParameters(issues)
  return parameters === undefined ? undefined : invalidQuery(parameters)
}

/**
 * Decodes a query with its typed Schema where the server, not the contract, decides when: for an
 * endpoint whose query must be read after a check that answers first (an unknown epic's 404).
 * A refusal answers as a refused query parameter does at the contract (see {@link queryRefusal});
 * a value that is not text at all as the contract's 422.
 */
export const decodeQuery = <A, I>(
  schema: Schema.Schema<A, I>,
  query: unknown,
): Effect.Effect<A, BadRequest | NotFound | ValidationFailed> =>
  Effect.mapError(Schema.decodeUnknown(schema)(query), (error) => {
    const issues = ParseResult.ArrayFormatter.formatErrorSync(error)
    return queryRefusal(issues) ?? ValidationFailed.ofFields(fieldErrorsOf(issues))
  })

/**
 * A typed query as text: the same parameters, descriptions and JSON types, each decoded only as
 * a string. The endpoint declares this one when the server decodes the typed query itself
 * ({@link decodeQuery}), so the OpenAPI document states the same parameters either way.
 */
export const queryText = <A, I extends Readonly<Record<string, string | undefined>>>(
  typed: Schema.Schema<A, I>,
) => Schema.encodedSchema(typed).annotations({ parseOptions: { errors: "all" } })
