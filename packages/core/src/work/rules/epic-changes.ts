import type { JsonObject } from "../../kernel/domain/json.js"
import { isUnstorable } from "../../kernel/domain/storable.js"
import type { Timestamp } from "../../kernel/domain/timestamp.js"
import { Epic, type EpicCreation, type EpicPatch } from "../domain/epic.js"
import type { EpicFilter } from "../domain/work-filters.js"
import { type FieldDiff, diffFields } from "./field-changes.js"

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

/** An optional text of a PATCH: a blank one clears the field. */
const clearedWhenBlank = (text: string): string | null => (text.trim() === "" ? null : text)

/** What a decoded PATCH changes: null fields are no change, a blank optional text clears its field. */
export const epicChanges = (patch: EpicPatch): EpicChanges => {
  const changes: { -readonly [K in keyof EpicChanges]: EpicChanges[K] } = {}
  if (patch.title != null) changes.title = patch.title
  if (patch.description != null) changes.description = clearedWhenBlank(patch.description)
  if (patch.phase != null) changes.phase = clearedWhenBlank(patch.phase)
  if (patch.position != null) changes.position = patch.position
  if (patch.metadata != null) changes.metadata = patch.metadata
  return changes
}

/** The fields of a new epic from its decoded creation body; what it leaves out is empty. */
export const createdEpicFields = (creation: EpicCreation) => ({
  number: creation.number,
  title: creation.title,
  description: creation.description ?? null,
  phase: creation.phase ?? null,
  position: creation.position ?? 0,
  metadata: creation.metadata ?? {},
})

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
