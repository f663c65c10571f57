import { HttpApiBuilder } from "@effect/platform"
import { LoopctlApi } from "@loopctl/api"
import { Access, AgentId, IdentityActions, pageRequest, policyUse } from "@loopctl/core"
import { Effect } from "effect"
import { pathId } from "../edge/path-id.js"

/** The handlers of the `agents` group: the Access use case on the caller's tenant, under each action's policy. */
export const AgentsLive = HttpApiBuilder.group(LoopctlApi, "agents", (handlers) =>
  Effect.map(Access, (access) =>
    handlers
      .handle("register", ({ payload }) =>
        Effect.map(access.registerAgent(payload).pipe(policyUse(IdentityActions.registerAgent)), (agent) => ({
          agent,
        })),
      )
      .handle("list", ({ urlParams }) =>
        Effect.gen(function* () {
          const { data, meta } = yield* access
            .listAgents(urlParams, pageRequest(urlParams))
            .pipe(policyUse(IdentityActions.listAgents))
          // The original's keys beside D13's data/meta.
          return {
            agents: data,
            total: meta.total_count,
            page: meta.page,
            page_size: meta.page_size,
            data,
            meta,
          }
        }),
      )
      .handle("show", ({ path }) =>
        Effect.gen(function* () {
          const id = yield* pathId(AgentId, path.id)
          return { agent: yield* access.getAgent(id).pipe(policyUse(IdentityActions.showAgent)) }
        }),
      ),
  ),
)
