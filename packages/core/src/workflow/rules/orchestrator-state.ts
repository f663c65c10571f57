import { Either, Option, Schema } from "effect"
import type { AuditEntry } from "../../audit/domain/audit-entry.js"
import { Conflict } from "../../kernel/domain/errors.js"
import type { JsonObject } from "../../kernel/domain/json.js"
import { isUnstorable } from "../../kernel/domain/storable.js"
import { characterCount } from "../../kernel/domain/text-fields.js"
import { Timestamp } from "../../kernel/domain/timestamp.js"
import { type OrchestratorState, type SaveRequest, maxStateKeyLength } from "../domain/orchestrator-state.js"

/**
 * Orchestrator checkpoints: which version a save expects, whether a save may go ahead given what is
 * stored (optimistic concurrency by version), and how the audit trail reads back as the history
 * of one state key.
 */

/** The roles that keep and read checkpoints: the orchestrator itself, and a superadmin acting for one. */
export const checkpointRoles = ["orchestrator", "superadmin"] as const

/** The state key used when a request names none. */
export const defaultStateKey = "main"

/** The version a save expects: `version`, else its alias `expected_version`, else 0 (nothing saved yet). */
export const expectedVersionOf = (request: SaveRequest): number =>
  request.version ?? request.expected_version ?? 0

/** The state key a read names: the query's value, or {@link defaultStateKey} when it is absent or blank. */
export const stateKeyOf = (value: unknown): string =>
  typeof value === "string" && value.trim() !== "" ? value : defaultStateKey

/** Whether a key could have been saved at all; one that could not names no state, so is not looked up. */
export const isSavableStateKey = (key: string): boolean =>
  characterCount(key) <= maxStateKeyLength && !isUnstorable(key)

/** How a save goes ahead: the first save of a key, or the next version of a stored one. */
export type SavePlan =
  | { readonly _tag: "First"; readonly version: 1 }
  | { readonly _tag: "Next"; readonly previous: OrchestratorState; readonly version: number }

/**
 * Whether a save may go ahead. A key's first save must expect version 0; every later save must
 * expect exactly the stored version. Anything else is the plain 409 `Conflict`: the writer is
 * working from a state it did not last read.
 */
export const planSave = (
  stored: Option.Option<OrchestratorState>,
  expected_version: number | null,
): Either.Either<SavePlan, Conflict> =>
  Option.match(stored, {
    onNone: () =>
      expected_version === 0
        ? Either.right({ _tag: "First", version: 1 } as const)
        : Either.left(staleVersion()),
    onSome: (previous) =>
      expected_version === previous.version
        ? Either.right({ _tag: "Next", previous, version: previous.version + 1 } as const)
        : Either.left(staleVersion()),
  })

/** The 409 of a save that expected another version (the original's bare body). */
export const staleVersion = () => new Conflict({ message: "Conflict" })

/** The audit entity and action a save is recorded under. */
export const savedAudit = { entity_type: "orchestrator_state", action: "saved" } as const

/** What a save writes into its audit entry: the whole checkpoint, before and after. */
export const auditStateOf = (state: OrchestratorState): JsonObject => ({
  id: state.id,
  project_id: state.project_id,
  state_key: state.state_key,
  state_data: state.state_data,
  version: state.version,
  inserted_at: state.inserted_at,
  updated_at: state.updated_at,
})

/** One line of a key's history. */
export const StateHistoryEntry = Schema.Struct({
  version: Schema.Int,
  state_data: Schema.Record({ key: Schema.String, value: Schema.Unknown }),
  /** `<role>:<key name>` of the key that saved it. */
  saved_by: Schema.NullOr(Schema.String),
  saved_at: Timestamp,
})
export type StateHistoryEntry = typeof StateHistoryEntry.Type

const SavedState = Schema.Struct({
  version: Schema.Int,
  state_data: Schema.Record({ key: Schema.String, value: Schema.Unknown }),
})
const decodeSavedState = Schema.decodeUnknownOption(SavedState)

/**
 * A saved audit entry as a line of history, or none when the entry does not hold a saved
 * checkpoint (it was not written by a save).
 */
export const historyEntryOf = (entry: AuditEntry): Option.Option<StateHistoryEntry> =>
  Option.map(decodeSavedState(entry.new_state), ({ version, state_data }) => ({
    version,
    state_data,
    saved_by: entry.actor_label,
    saved_at: entry.inserted_at,
  }))
