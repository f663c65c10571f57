import { Effect } from "effect"
import { recordChange } from "../../audit/use-cases/recording.js"
import type { Actor } from "../../identity/domain/actor.js"
import type { DuplicateKey } from "../../kernel/domain/duplicate-key.js"
import { ValidationFailed } from "../../kernel/domain/errors.js"
import type { ProjectId } from "../../kernel/domain/ids.js"
import type { FieldDiff } from "../rules/field-changes.js"

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

/** A change an update rule worked out: the entity before and after, and what really differs. */
export interface WorkedChange<A> {
  readonly entity_type: "project" | "epic" | "story"
  readonly action: string
  readonly project_id: ProjectId
  readonly current: A
  readonly next: A
  readonly diff: FieldDiff
}

/**
 * Saves a worked-out change and records it (before and after of what changed), or, when nothing
 * changed, writes and records nothing and answers the entity as it was: a PATCH that repeats the
 * stored values leaves no trace.
 */
export const savedChange = <A extends { readonly id: string }, E, R>(
  actor: Actor,
  change: WorkedChange<A>,
  save: (next: A) => Effect.Effect<void, E, R>,
) =>
  change.diff.changed.length === 0
    ? Effect.succeed(change.current)
    : save(change.next).pipe(
        Effect.zipRight(
          recordChange(
            actor,
            change.project_id,
            changed(
              change.entity_type,
              change.current.id,
              change.action,
              change.diff.old_state,
              change.diff.new_state,
            ),
          ),
        ),
        Effect.as(change.next),
      )
