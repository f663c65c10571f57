import { HttpApiEndpoint, HttpApiGroup, HttpApiSchema, OpenApi } from "@effect/platform"
import { CheckpointActions, OrchestratorState, Rules, SaveRequest } from "@loopctl/core"
import { Schema } from "effect"
import { requireAction } from "../contract/access.js"
import { Enveloped } from "../contract/errors.js"
import { PageMeta, pageQueryText } from "../contract/list-meta.js"
import { payloadStruct } from "../contract/payload.js"
import { queryField, queryType } from "../contract/query-fields.js"

/** A project id in a path. Any text is routed; the handler answers 404 for one that is not a uuid. */
const projectId = HttpApiSchema.param("project_id", Schema.String)

/** The body of `PUT /api/v1/orchestrator/state/:project_id`. */
export const StateSave = SaveRequest.annotations({ identifier: "StateSave" })

/** `{state:{…}}`. */
export const StateBody = Schema.Struct({ state: OrchestratorState }).annotations({ identifier: "StateBody" })

const stateKey = queryField('The checkpoint slot (default "main")', queryType.text)

/** The query of `GET /api/v1/orchestrator/state/:project_id`. */
export const StateQuery = payloadStruct({ state_key: stateKey })

/** The query of the history: the key and the page (25 entries by default, at most 100). */
export const StateHistoryQuery = payloadStruct({
  state_key: stateKey,
  page: pageQueryText.page,
  page_size: queryField("Entries per page (default 25; more than 100 is served as 100)", queryType.count(1)),
  limit: pageQueryText.limit,
})

/** A key's saves, newest first. */
export const StateHistory = Schema.Struct({
  data: Schema.Array(
    Rules.OrchestratorState.StateHistoryEntry.annotations({ identifier: "StateHistoryEntry" }),
  ),
  meta: PageMeta,
}).annotations({ identifier: "StateHistory" })

/** The `orchestratorState` group: an orchestrator's checkpoints per project, versioned. */
export class OrchestratorStateGroup extends HttpApiGroup.make("orchestratorState")
  .add(
    HttpApiEndpoint.put("save")`/api/v1/orchestrator/state/${projectId}`
      .setPayload(StateSave)
      .addSuccess(StateBody)
      .addError(Enveloped.Conflict)
      .annotate(OpenApi.Summary, "Save a checkpoint as the next version (optimistic: a stale version is 409)")
      .pipe(requireAction(CheckpointActions.save)),
  )
  .add(
    HttpApiEndpoint.get("load")`/api/v1/orchestrator/state/${projectId}`
      .setUrlParams(StateQuery)
      .addSuccess(StateBody)
      .annotate(OpenApi.Summary, "The saved checkpoint of a state key (404 when none)")
      .pipe(requireAction(CheckpointActions.read)),
  )
  .add(
    HttpApiEndpoint.get("history")`/api/v1/orchestrator/state/${projectId}/history`
      .setUrlParams(StateHistoryQuery)
      .addSuccess(StateHistory)
      .annotate(OpenApi.Summary, "Every save of a state key, newest first, from the audit trail")
      .pipe(requireAction(CheckpointActions.history)),
  )
  .annotate(OpenApi.Description, "Orchestrator state checkpointing") {}
