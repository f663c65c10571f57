import { Either } from "effect"
import { BadRequest, type FieldErrors } from "./errors.js"
import { type Timestamp, parseTimestamp } from "./timestamp.js"

/**
 * Query parameters as the lists read them (D26): a parameter that is absent or blank is not
 * given; one that is given must read as its type, or the request is a 400 naming it and what it
 * accepts, never a value quietly ignored. Readers record what is wrong in a {@link QueryProblems}
 * so that every bad parameter of a request is named in one answer.
 */

/** A query value as it arrives: anything, usually a string. */
export type QueryValue = unknown

/** Collects `details.<parameter>` messages so that a query's problems are reported together. */
export class QueryProblems {
  readonly fields: Record<string, Array<string>> = {}
  add(parameter: string, message: string): void {
    const list = this.fields[parameter]
    if (list === undefined) this.fields[parameter] = [message]
    else list.push(message)
  }
  any(): boolean {
    return Object.keys(this.fields).length > 0
  }
  /** The value when nothing was added, else the 400 naming each parameter. */
  result<A>(value: () => A): Either.Either<A, BadRequest> {
    return this.any() ? Either.left(invalidQuery(this.fields)) : Either.right(value())
  }
}

/** The 400 of refused query parameters: the message says what each accepts, `details` names them. */
export const invalidQuery = (details: FieldErrors): BadRequest =>
  new BadRequest({
    message: Object.entries(details)
      .map(([parameter, problems]) => `${parameter} ${problems.join(", ")}`)
      .join("; "),
    details,
  })

/** The value as given: trimmed text, a number or a boolean; undefined when absent or blank. */
const given = (value: QueryValue): string | number | boolean | undefined => {
  if (typeof value === "string") return value.trim() === "" ? undefined : value.trim()
  if (typeof value === "number" || typeof value === "boolean") return value
  return undefined
}

/**
 * An integer parameter of at least `minimum`. Digits only (an optional sign): `1.5`, `1e3` and
 * `12abc` are refused rather than read as far as they go.
 */
export const integerParameter = (
  value: QueryValue,
  parameter: string,
  minimum: number,
  problems: QueryProblems,
): number | undefined => {
  const raw = given(value)
  if (raw === undefined) return undefined
  const read =
    typeof raw === "number"
      ? raw
      : typeof raw === "string" && /^[+-]?\d+$/.test(raw)
        ? Number(raw)
        : Number.NaN
  if (!Number.isInteger(read)) {
    problems.add(parameter, `must be an integer of at least ${minimum}`)
    return undefined
  }
  if (read < minimum) {
    problems.add(parameter, `must be greater than or equal to ${minimum}`)
    return undefined
  }
  return read
}

/** A parameter that names one of `choices` exactly. */
export const choiceParameter = <A extends string>(
  value: QueryValue,
  parameter: string,
  choices: ReadonlyArray<A>,
  problems: QueryProblems,
): A | undefined => {
  const raw = given(value)
  if (raw === undefined) return undefined
  const chosen = choices.find((choice) => choice === raw)
  if (chosen === undefined) problems.add(parameter, `must be one of: ${choices.join(", ")}`)
  return chosen
}

/** A yes/no parameter: `true`/`1` or `false`/`0`. */
export const flagParameter = (
  value: QueryValue,
  parameter: string,
  problems: QueryProblems,
): boolean | undefined => {
  const raw = given(value)
  if (raw === undefined) return undefined
  if (raw === true || raw === "true" || raw === "1" || raw === 1) return true
  if (raw === false || raw === "false" || raw === "0" || raw === 0) return false
  problems.add(parameter, "must be true or false (or 1 or 0)")
  return undefined
}

/** The problem of a time that does not read as one. */
export const timeProblem = "must be an ISO 8601 time with Z or an offset, e.g. 2026-01-01T00:00:00Z"

/** An ISO 8601 instant with `Z` or an offset. */
export const timeParameter = (
  value: QueryValue,
  parameter: string,
  problems: QueryProblems,
): Timestamp | undefined => {
  const raw = given(value)
  if (raw === undefined) return undefined
  const read = typeof raw === "string" ? parseTimestamp(raw) : undefined
  if (read === undefined) problems.add(parameter, timeProblem)
  return read
}
