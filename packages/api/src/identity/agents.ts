import { HttpApiEndpoint, HttpApiGroup, HttpApiSchema, OpenApi } from "@effect/platform"
import * as Commands from "@loopctl/core"
import { Agent, AgentActivity, AgentSortFields, AgentType, IdentityActions } from "@loopctl/core"
import { Schema } from "effect"
import { requireAction } from "../contract/access.js"
import { Enveloped } from "../contract/errors.js"
import { PageMeta, pageQueryFields } from "../contract/list-meta.js"
import { payloadStruct } from "../contract/payload.js"
import { choiceQuery } from "../contract/query-fields.js"

/** An agent id in a path. Any text is routed; the handler answers 404 for one that is not a uuid. */
const agentId = HttpApiSchema.param("id", Schema.String)

/** The body of `POST /api/v1/agents/register`. */
export const AgentRegistration = Commands.AgentRegistration.annotations({ identifier: "AgentRegistration" })

/** `{agent:{…}}`. */
export const AgentBody = Schema.Struct({ agent: Agent }).annotations({ identifier: "AgentBody" })

/** A page of agents: the original's `agents, total, page, page_size` beside `data` and `meta` (D13). */
export const AgentList = Schema.Struct({
  agents: Schema.Array(Agent),
  total: Schema.Int,
  page: Schema.Int,
  page_size: Schema.Int,
  data: Schema.Array(Agent),
  meta: PageMeta,
}).annotations({ identifier: "AgentList" })

/** The agent list query. */
export const AgentListQuery = payloadStruct({
  agent_type: choiceQuery("orchestrator or implementer", AgentType.literals),
  status: choiceQuery("active, idle or deactivated", AgentActivity.literals),
  sort_by: choiceQuery(
    "name (default), agent_type, status, last_seen_at or inserted_at; always ascending",
    AgentSortFields,
  ),
  ...pageQueryFields,
})

/** The `agents` group: the tenant's registered agents. */
export class AgentsGroup extends HttpApiGroup.make("agents")
  .add(
    HttpApiEndpoint.post("register", "/api/v1/agents/register")
      .setPayload(AgentRegistration)
      .addSuccess(AgentBody, { status: 201 })
      .addError(Enveloped.Conflict)
      .annotate(OpenApi.Summary, "Register the agent the calling agent key acts as (one agent per key)")
      .pipe(requireAction(IdentityActions.registerAgent)),
  )
  .add(
    HttpApiEndpoint.get("list", "/api/v1/agents")
      .setUrlParams(AgentListQuery)
      .addSuccess(AgentList)
      .annotate(OpenApi.Summary, "The tenant's agents; filter by type and status")
      .pipe(requireAction(IdentityActions.listAgents)),
  )
  .add(
    HttpApiEndpoint.get("show")`/api/v1/agents/${agentId}`
      .addSuccess(AgentBody)
      .annotate(OpenApi.Summary, "One agent")
      .pipe(requireAction(IdentityActions.showAgent)),
  )
  .annotate(OpenApi.Description, "Registered agents of the caller's tenant") {}
