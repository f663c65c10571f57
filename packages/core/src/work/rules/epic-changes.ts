import type { Either } from "effect"
import type { ValidationFailed } from "../../kernel/domain/errors.js"
import type { JsonObject } from "../../kernel/domain/json.js"
import type { Timestamp } from "../../kernel/domain/timestamp.js"
import { FieldProblems } from "../../kernel/rules/field-problems.js"
import { isUnstorable } from "../../kernel/rules/storable-text.js"
import { Epic } from "../domain/epic.js"
import type { EpicFilter } from "../domain/work-filters.js"
import { type FieldDiff, diffFields } from "./field-changes.js"
import { metadataPatch, optionalTextPatch, patchBody, requiredTextPatch } from "./patch-fields.js"
import { MAX_STORED_INT, tooLargeProblem } from "./work-input.js"

/**
 * What an epic PATCH may change, and how the epic list reads its query. The number is immutable:
 * a PATCH naming it is not refused, the number is simply kept.
 */

/** The writable fields of an epic, each present only when the PATCH changes it. */
export interface EpicChanges {
  readonly title?: string
  readonly description?: string | null
  readonly phase?: string | null
  readonly position?: number
  readonly metadata?: JsonObject
}

const writable = ["title", "description", "phase", "position", "metadata"] as const satisfies ReadonlyArray<
  keyof EpicChanges
>

const positionPatch = (value: unknown, problems: FieldProblems): number | undefined => {
  if (value === undefined || value === null) return undefined
  if (!(typeof value === "number" && Number.isSafeInteger(value) && value >= 0))
    problems.add("position", "must be greater than or equal to 0")
  else if (value > MAX_STORED_INT) problems.add("position", tooLargeProblem)
  else return value
  return undefined
}

/** The PATCH body of an epic. Null fields are ignored; every problem is reported at once. */
export const parseEpicChanges = (body: unknown): Either.Either<EpicChanges, ValidationFailed> => {
  const input = patchBody(body)
  const problems = new FieldProblems()
  const changes: { -readonly [K in keyof EpicChanges]: EpicChanges[K] } = {}
  const title = requiredTextPatch(input.title, "title", 500, problems)
  if (title !== undefined) changes.title = title
  const description = optionalTextPatch(input.description, "description", 50_000, problems)
  if (description !== undefined) changes.description = description
  const phase = optionalTextPatch(input.phase, "phase", 255, problems)
  if (phase !== undefined) changes.phase = phase
  const position = positionPatch(input.position, problems)
  if (position !== undefined) changes.position = position
  const metadata = metadataPatch(input.metadata, problems)
  if (metadata !== undefined) changes.metadata = metadata
  return problems.result(() => changes)
}

/** An epic after its changes, and what really changed (for the audit entry). */
export interface EpicUpdate extends FieldDiff {
  readonly epic: Epic
}

export const applyEpicChanges = (current: Epic, changes: EpicChanges, at: Timestamp): EpicUpdate => {
  const diff = diffFields(current, changes, writable)
  const epic = diff.changed.length === 0 ? current : new Epic({ ...current, ...changes, updated_at: at })
  return { epic, ...diff }
}

/**
 * The epic list query: `phase=` keeps the epics of that phase; an empty value is no filter.
 * A phase no epic can have (text the database cannot hold, so never stored) is `null`: the list
 * is empty without asking the store, which would refuse such text.
 */
export const epicListFilter = (query: { readonly phase?: unknown }): EpicFilter | null => {
  if (typeof query.phase !== "string" || query.phase === "") return {}
  return isUnstorable(query.phase) ? null : { phase: query.phase }
}
