import { Either } from "effect"
import type { FieldErrors } from "../../kernel/domain/errors.js"
import { ValidationFailed } from "../../kernel/domain/errors.js"
import { type JsonObject, isJsonObject } from "../../kernel/domain/json.js"
import { isUnstorable, unstorableMessage } from "../../kernel/domain/storable.js"
import { type StoryNumber, decodeStoryNumber, sortKeyOf } from "../domain/story-number.js"
import { isStorableJson } from "./patch-fields.js"

/**
 * Validation of the create bodies of projects, epics and stories: every problem of a body is
 * reported at once, as `details.<field>` of a 422 `Validation failed`. What the database could
 * not keep — text with a NUL or an unpaired surrogate, an integer beyond its 32-bit columns — is
 * refused here rather than failing on insert.
 */

class Problems {
  readonly fields: Record<string, Array<string>> = {}
  add(field: string, message: string): void {
    const list = this.fields[field]
    if (list === undefined) this.fields[field] = [message]
    else list.push(message)
  }
  any(): boolean {
    return Object.keys(this.fields).length > 0
  }
  failure(): Either.Either<never, ValidationFailed> {
    const details: FieldErrors = this.fields
    return Either.left(ValidationFailed.ofFields(details))
  }
  result<A>(value: () => A): Either.Either<A, ValidationFailed> {
    return this.any() ? this.failure() : Either.right(value())
  }
}

const requiredText = (
  input: Readonly<Record<string, unknown>>,
  field: string,
  max: number,
  problems: Problems,
) => {
  const value = input[field]
  if (typeof value !== "string" || value.trim() === "") {
    problems.add(field, "can't be blank")
    return ""
  }
  if (value.length > max) problems.add(field, `should be at most ${max} character(s)`)
  else if (isUnstorable(value)) problems.add(field, unstorableMessage)
  return value
}

const optionalText = (
  input: Readonly<Record<string, unknown>>,
  field: string,
  max: number,
  problems: Problems,
) => {
  const value = input[field]
  if (value === undefined || value === null) return null
  if (typeof value !== "string") {
    problems.add(field, "is invalid")
    return null
  }
  if (value.length > max) problems.add(field, `should be at most ${max} character(s)`)
  else if (isUnstorable(value)) problems.add(field, unstorableMessage)
  return value
}

const metadataOf = (input: Readonly<Record<string, unknown>>, problems: Problems): JsonObject => {
  const value = input.metadata
  if (value === undefined || value === null) return {}
  if (!isJsonObject(value)) problems.add("metadata", "must be a JSON object")
  else if (isStorableJson(value, "metadata", problems)) return value
  return {}
}

/** A valid new story (its epic and project come from the route). */
export interface StoryInput {
  readonly number: StoryNumber
  readonly sort_key: number
  readonly title: string
  readonly description: string | null
  readonly acceptance_criteria: ReadonlyArray<JsonObject>
  readonly estimated_hours: number | null
  readonly metadata: JsonObject
}

/** The problem of an estimate that is not a number of hours. */
export const hoursProblem = "must be a number of hours of at least 0"

/**
 * `estimated_hours`: absent or null is no estimate; otherwise a number of at least 0, or a
 * string holding one. The original dropped anything else without a word; D26 refuses it.
 */
export const hoursOf = (value: unknown, problems: Pick<Problems, "add">): number | null => {
  if (value === undefined || value === null) return null
  const hours = typeof value === "string" && value.trim() !== "" ? Number(value) : value
  if (typeof hours === "number" && Number.isFinite(hours) && hours >= 0) return hours
  problems.add("estimated_hours", hoursProblem)
  return null
}

const criteriaOf = (value: unknown, problems: Problems): ReadonlyArray<JsonObject> => {
  if (value === undefined || value === null) return []
  if (Array.isArray(value)) {
    const items: ReadonlyArray<unknown> = value
    if (items.every(isJsonObject)) {
      return isStorableJson(items, "acceptance_criteria", problems) ? items.filter(isJsonObject) : []
    }
  }
  problems.add("acceptance_criteria", "must be an array of objects")
  return []
}

export const parseStoryInput = (body: unknown): Either.Either<StoryInput, ValidationFailed> => {
  const input = isJsonObject(body) ? body : {}
  const problems = new Problems()
  let number: StoryNumber | undefined
  if (input.number === undefined || input.number === null || input.number === "")
    problems.add("number", "can't be blank")
  else {
    const decoded = decodeStoryNumber(input.number)
    if (Either.isLeft(decoded)) problems.add("number", decoded.left)
    else number = decoded.right
  }
  const title = requiredText(input, "title", 500, problems)
  const description = optionalText(input, "description", 50_000, problems)
  const acceptance_criteria = criteriaOf(input.acceptance_criteria, problems)
  const estimated_hours = hoursOf(input.estimated_hours, problems)
  const metadata = metadataOf(input, problems)
  if (number === undefined || problems.any()) return problems.failure()
  return Either.right({
    number,
    sort_key: sortKeyOf(number),
    title,
    description,
    acceptance_criteria,
    estimated_hours,
    metadata,
  })
}
