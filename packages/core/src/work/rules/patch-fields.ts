import { Option } from "effect"
import { type JsonObject, isJsonObject } from "../../kernel/domain/json.js"
import { isUnstorable, unstorableMessage } from "../../kernel/domain/storable.js"
import type { FieldProblems } from "../../kernel/rules/field-problems.js"
import { firstUnstorable } from "../../kernel/rules/storable-text.js"

/**
 * Readers of the fields of a PATCH body (projects, epics). A field that is absent or null is no
 * change at all; a text that is empty or blank clears an optional field and is refused for a
 * required one. Text the database cannot keep (a NUL, an unpaired surrogate) is refused, never
 * stored. Each reader answers `undefined` for "no change" and records problems in
 * `details.<field>` (inside a JSON value, at the path of the first such text).
 */

const isBlank = (value: string) => value.trim() === ""

/** A required text: it can be changed but never emptied. */
export const requiredTextPatch = (
  value: unknown,
  field: string,
  max: number,
  problems: FieldProblems,
): string | undefined => {
  if (value === undefined || value === null) return undefined
  if (typeof value !== "string") problems.add(field, "is invalid")
  else if (isBlank(value)) problems.add(field, "can't be blank")
  else if (value.length > max) problems.add(field, `should be at most ${max} character(s)`)
  else if (isUnstorable(value)) problems.add(field, unstorableMessage)
  else return value
  return undefined
}

/** An optional text: a blank value clears it. */
export const optionalTextPatch = (
  value: unknown,
  field: string,
  max: number,
  problems: FieldProblems,
): string | null | undefined => {
  if (value === undefined || value === null) return undefined
  if (typeof value !== "string") problems.add(field, "is invalid")
  else if (isBlank(value)) return null
  else if (value.length > max) problems.add(field, `should be at most ${max} character(s)`)
  else if (isUnstorable(value)) problems.add(field, unstorableMessage)
  else return value
  return undefined
}

/** A metadata object, replacing the stored one. */
export const metadataPatch = (value: unknown, problems: FieldProblems): JsonObject | undefined => {
  if (value === undefined || value === null) return undefined
  if (!isJsonObject(value)) problems.add("metadata", "must be a JSON object")
  else if (isStorableJson(value, "metadata", problems)) return value
  return undefined
}

/**
 * Whether the database can keep every text (keys included) inside a JSON value; when it
 * cannot, the first such text is recorded at its path (`metadata.notes[2]`).
 */
export const isStorableJson = (
  value: unknown,
  field: string,
  problems: Pick<FieldProblems, "add">,
): boolean => {
  const found = firstUnstorable(value, field)
  if (Option.isSome(found)) problems.add(found.value, unstorableMessage)
  return Option.isNone(found)
}

/** The body as an object of fields; anything else has no fields. */
export const patchBody = (body: unknown): Readonly<Record<string, unknown>> =>
  isJsonObject(body) ? body : {}
