import type { Either } from "effect"
import type { ValidationFailed } from "../../kernel/domain/errors.js"
import { type JsonObject, isJsonObject } from "../../kernel/domain/json.js"
import type { Timestamp } from "../../kernel/domain/timestamp.js"
import { FieldProblems } from "../../kernel/rules/field-problems.js"
import { Story } from "../domain/story.js"
import { type FieldDiff, diffFields } from "./field-changes.js"
import {
  isStorableJson,
  metadataPatch,
  optionalTextPatch,
  patchBody,
  requiredTextPatch,
} from "./patch-fields.js"
import { hoursOf } from "./work-input.js"

/**
 * What a story PATCH may change (workflow.md §1.3): its text, acceptance criteria, estimate and
 * metadata. Statuses, the assignee, the timestamps, the number and the epic are not writable
 * here — a PATCH naming them is not refused, they are simply kept — so the trust model's fields
 * move only through the lifecycle.
 */

/** The writable fields of a story, each present only when the PATCH changes it. */
export interface StoryChanges {
  readonly title?: string
  readonly description?: string | null
  readonly acceptance_criteria?: ReadonlyArray<JsonObject>
  readonly estimated_hours?: number
  readonly metadata?: JsonObject
}

const writable = [
  "title",
  "description",
  "acceptance_criteria",
  "estimated_hours",
  "metadata",
] as const satisfies ReadonlyArray<keyof StoryChanges>

/** Acceptance criteria replace the stored array, kept verbatim; each item must be an object. */
const criteriaPatch = (value: unknown, problems: FieldProblems): ReadonlyArray<JsonObject> | undefined => {
  if (value === undefined || value === null) return undefined
  if (Array.isArray(value)) {
    const items: ReadonlyArray<unknown> = value
    if (items.every(isJsonObject)) {
      return isStorableJson(items, "acceptance_criteria", problems) ? items.filter(isJsonObject) : undefined
    }
  }
  problems.add("acceptance_criteria", "must be an array of objects")
  return undefined
}

/**
 * The PATCH body of a story. Null fields are ignored, a blank description clears it, hours that
 * are not a number of at least 0 are refused (as on create), and every problem is reported at
 * once (422 `details.<field>`).
 */
export const parseStoryChanges = (body: unknown): Either.Either<StoryChanges, ValidationFailed> => {
  const input = patchBody(body)
  const problems = new FieldProblems()
  const changes: { -readonly [K in keyof StoryChanges]: StoryChanges[K] } = {}
  const title = requiredTextPatch(input.title, "title", 500, problems)
  if (title !== undefined) changes.title = title
  const description = optionalTextPatch(input.description, "description", 50_000, problems)
  if (description !== undefined) changes.description = description
  const criteria = criteriaPatch(input.acceptance_criteria, problems)
  if (criteria !== undefined) changes.acceptance_criteria = criteria
  const hours = hoursOf(input.estimated_hours, problems)
  if (hours !== null) changes.estimated_hours = hours
  const metadata = metadataPatch(input.metadata, problems)
  if (metadata !== undefined) changes.metadata = metadata
  return problems.result(() => changes)
}

/** A story after its changes, and what really changed (for the audit entry). */
export interface StoryUpdate extends FieldDiff {
  readonly story: Story
}

export const applyStoryChanges = (current: Story, changes: StoryChanges, at: Timestamp): StoryUpdate => {
  const diff = diffFields(current, changes, writable)
  const story = diff.changed.length === 0 ? current : new Story({ ...current, ...changes, updated_at: at })
  return { story, ...diff }
}
