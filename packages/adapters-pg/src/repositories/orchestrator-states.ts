import { SqlClient } from "@effect/sql"
import { OrchestratorState, OrchestratorStates } from "@loopctl/core"
import { Effect, Layer } from "effect"
import { decodeRows, duplicateAs, encodeRow, optional } from "../rows.js"
import { duplicate } from "./shapes.js"

const decode = decodeRows(OrchestratorState, { timestamps: ["inserted_at", "updated_at"] })
const encode = encodeRow(OrchestratorState, ["state_data"])

/**
 * Orchestrator checkpoints on SQL. A save after the first is a compare-and-set: the UPDATE
 * names the version the writer read, so when two writers race the second one's statement waits
 * for the first to commit, then matches no row.
 */
export const OrchestratorStatesSql = Layer.effect(
  OrchestratorStates,
  Effect.map(SqlClient.SqlClient, (sql) =>
    OrchestratorStates.of({
      find: (project, state_key) =>
        optional(
          Effect.flatMap(
            Effect.orDie(
              sql`SELECT * FROM orchestrator_states WHERE project_id = ${project} AND state_key = ${state_key}`,
            ),
            decode,
          ),
        ),
      insert: (state) =>
        duplicateAs(duplicate("orchestrator_state", "state_key"))(
          sql`INSERT INTO orchestrator_states ${sql.insert(encode(state))}`,
        ),
      replace: (state, expected_version) =>
        Effect.orDie(
          Effect.map(
            sql`UPDATE orchestrator_states SET ${sql.update(encode(state), ["id", "tenant_id"])}
                WHERE id = ${state.id} AND version = ${expected_version}
                RETURNING id`,
            (rows) => rows.length > 0,
          ),
        ),
    }),
  ),
)
