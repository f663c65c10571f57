import {
  type FieldErrors,
  QueryProblems,
  choiceParameter,
  flagParameter,
  isUnstorable,
  unstorableMessage,
} from "@loopctl/core"
import { ParseResult, Schema } from "effect"

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
 * A typed query parameter read by one of the core's query readers (`choiceParameter`,
 * `flagParameter`, …), so that what is accepted and how a refusal reads is written once: a value
 * that is absent or blank is not given (`undefined`), one the reader refuses fails with its
 * message, marked as a query parameter's.
 */
const typedParameter = <A, I>(
  to: Schema.Schema<A, I>,
  read: (value: string, problems: QueryProblems) => A | undefined,
  write: (value: A) => string,
  description: string,
  type: Readonly<Record<string, unknown>>,
) =>
  Schema.optionalWith(
    Schema.transformOrFail(Schema.String, Schema.UndefinedOr(Schema.typeSchema(to)), {
      strict: true,
      decode: (text, _, ast) => {
        const problems = new QueryProblems()
        const value = read(text, problems)
        const [problem] = Object.values(problems.fields).flat()
        return problem === undefined
          ? ParseResult.succeed(value)
          : ParseResult.fail(
              new ParseResult.Pointer(queryIssueMarker, text, new ParseResult.Type(ast, text, problem)),
            )
      },
      encode: (value) => ParseResult.succeed(value === undefined ? "" : write(value)),
    }).annotations({ description, jsonSchema: { ...type, description } }),
    { exact: true },
  )

/** A parameter naming one of `choices` exactly (surrounding whitespace ignored). */
export const choiceQuery = <const Choices extends readonly [string, ...Array<string>]>(
  description: string,
  choices: Choices,
) =>
  typedParameter<Choices[number], Choices[number]>(
    Schema.Literal(...choices),
    (value, problems) => choiceParameter(value, "value", choices, problems),
    (choice) => choice,
    description,
    queryType.oneOf(...choices),
  )

/** A yes/no parameter: `true`/`1` or `false`/`0`. */
export const flagQuery = (description: string) =>
  typedParameter(
    Schema.Boolean,
    (value, problems) => flagParameter(value, "value", problems),
    (flag) => String(flag),
    description,
    queryType.flag,
  )

/** A text parameter, trimmed; text the store could not hold is refused (D25). */
export const textQuery = (description: string) =>
  typedParameter(
    Schema.String,
    (value, problems) => {
      const text = value.trim()
      if (isUnstorable(text)) problems.add("value", unstorableMessage)
      return text === "" ? undefined : text
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
