import { Schema } from "effect"
import { OrchestratorStateId, ProjectId, TenantId } from "../../kernel/domain/ids.js"
import { JsonObject } from "../../kernel/domain/json.js"
import { Timestamp } from "../../kernel/domain/timestamp.js"

/** The name of one checkpoint slot within a project (`main` unless the orchestrator picks another). */
export const StateKey = Schema.String.pipe(Schema.minLength(1), Schema.maxLength(255))

/**
 * An orchestrator's saved checkpoint for a project, one per `state_key`. Each save replaces
 * `state_data` whole and bumps `version` by one, so two writers cannot silently overwrite each other.
 */
export class OrchestratorState extends Schema.Class<OrchestratorState>("OrchestratorState")({
  id: OrchestratorStateId,
  tenant_id: TenantId,
  project_id: ProjectId,
  state_key: StateKey,
  state_data: JsonObject,
  version: Schema.Int.pipe(Schema.positive()),
  inserted_at: Timestamp,
  updated_at: Timestamp,
}) {}
