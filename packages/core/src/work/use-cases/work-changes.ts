import type { DuplicateKey } from "../../kernel/domain/duplicate-key.js"
import { ValidationFailed } from "../../kernel/domain/errors.js"

/** The audit record of a new entity of the breakdown, with the fields that name it. */
export const created = (entity_type: string, entity_id: string, new_state: Record<string, unknown>) => ({
  audit: [
    { entity_type, entity_id, action: "created", actor: "caller" as const, old_state: null, new_state },
  ],
  events: [],
})

/** The audit record of a change to an entity of the breakdown: before and after of what changed. */
export const changed = (
  entity_type: string,
  entity_id: string,
  action: string,
  old_state: Record<string, unknown> | null,
  new_state: Record<string, unknown> | null,
) => ({
  audit: [{ entity_type, entity_id, action, actor: "caller" as const, old_state, new_state }],
  events: [],
})

/** The 422 of an epic or story number its project already holds. */
export const duplicateNumber = (noun: "Epic" | "Story", number: string | number) => (_: DuplicateKey) =>
  ValidationFailed.ofFields({
    number: [
      `${noun} ${number} already exists in this project. Pick a different number, or use the import endpoint with merge=true to update it.`,
    ],
  })
