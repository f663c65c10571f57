import { Effect, HashMap, Layer, Option } from "effect"
import { DuplicateKey } from "../../kernel/domain/duplicate-key.js"
import { OrchestratorStates } from "../../workflow/ports/orchestrator-states.js"
import { MemoryStore, tableAccess } from "./store.js"

/** Orchestrator checkpoints in memory: unique per project and key, replaced by compare-and-set. */
export const OrchestratorStatesMemory = Layer.effect(
  OrchestratorStates,
  Effect.map(MemoryStore, (store) => {
    const db = tableAccess(store)
    const find = (project: string, key: string) =>
      Effect.map(
        db.rows((t) => t.orchestratorStates),
        (rows) =>
          Option.fromNullable(rows.find((row) => row.project_id === project && row.state_key === key)),
      )
    return OrchestratorStates.of({
      find,
      insert: (state) =>
        Effect.flatMap(find(state.project_id, state.state_key), (existing) =>
          Option.isSome(existing)
            ? Effect.fail(new DuplicateKey({ entity: "orchestrator_state", key: "state_key" }))
            : db.write((t) => ({
                ...t,
                orchestratorStates: HashMap.set(t.orchestratorStates, state.id, state),
              })),
        ),
      replace: (state, expected_version) =>
        Effect.flatMap(
          db.row((t) => t.orchestratorStates, state.id),
          (stored) =>
            Option.isSome(stored) && stored.value.version === expected_version
              ? Effect.as(
                  db.write((t) => ({
                    ...t,
                    orchestratorStates: HashMap.set(t.orchestratorStates, state.id, state),
                  })),
                  true,
                )
              : Effect.succeed(false),
        ),
    })
  }),
)
