import { Context, type Effect, type Option } from "effect"
import type { DuplicateKey } from "../../kernel/domain/duplicate-key.js"
import type { ProjectId } from "../../kernel/domain/ids.js"
import type { OrchestratorState } from "../domain/orchestrator-state.js"

/** The current tenant's orchestrator checkpoints, one row per project and state key. */
export class OrchestratorStates extends Context.Tag("@loopctl/core/OrchestratorStates")<
  OrchestratorStates,
  {
    readonly find: (project: ProjectId, state_key: string) => Effect.Effect<Option.Option<OrchestratorState>>
    /** Stores a first save. Fails with DuplicateKey `state_key` when the key is already saved. */
    readonly insert: (state: OrchestratorState) => Effect.Effect<void, DuplicateKey>
    /**
     * Compare-and-set: replaces the stored row with `state` only if its version is still
     * `expected_version`, in one statement, so of two writers holding the same version exactly
     * one wins. Answers whether the row was replaced.
     */
    readonly replace: (state: OrchestratorState, expected_version: number) => Effect.Effect<boolean>
  }
>() {}
