import type { JsonObject } from "../../kernel/domain/json.js"
import type { Timestamp } from "../../kernel/domain/timestamp.js"
import type { StoryCreation, StoryPatch } from "../domain/story-commands.js"
import { sortKeyOf } from "../domain/story-number.js"
import { Story } from "../domain/story.js"
import { type FieldDiff, diffFields } from "./field-changes.js"

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

/** What a decoded PATCH changes: null fields are no change, a blank description clears it. */
export const storyChanges = (patch: StoryPatch): StoryChanges => {
  const changes: { -readonly [K in keyof StoryChanges]: StoryChanges[K] } = {}
  if (patch.title != null) changes.title = patch.title
  if (patch.description != null)
    changes.description = patch.description.trim() === "" ? null : patch.description
  if (patch.acceptance_criteria != null) changes.acceptance_criteria = patch.acceptance_criteria
  if (patch.estimated_hours != null) changes.estimated_hours = patch.estimated_hours
  if (patch.metadata != null) changes.metadata = patch.metadata
  return changes
}

/** The fields of a new story from its decoded creation body; what it leaves out is empty. */
export const createdStoryFields = (creation: StoryCreation) => ({
  number: creation.number,
  sort_key: sortKeyOf(creation.number),
  title: creation.title,
  description: creation.description ?? null,
  acceptance_criteria: creation.acceptance_criteria ?? [],
  estimated_hours: creation.estimated_hours ?? null,
  metadata: creation.metadata ?? {},
})

/** A story after its changes, and what really changed (for the audit entry). */
export interface StoryUpdate extends FieldDiff {
  readonly story: Story
}

export const applyStoryChanges = (current: Story, changes: StoryChanges, at: Timestamp): StoryUpdate => {
  const diff = diffFields(current, changes, writable)
  const story = diff.changed.length === 0 ? current : new Story({ ...current, ...changes, updated_at: at })
  return { story, ...diff }
}
