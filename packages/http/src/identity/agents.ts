import { HttpApiBuilder } from "@effect/platform"
import { LoopctlApi } from "@loopctl/api"
import { Access, AgentId, pageRequest } from "@loopctl/core"
import { Effect } from "effect"
import { pathId } from "../edge/path-id.js"
import { tenantActor } from "../edge/tenant-scope.js"

/** The handlers of the `agents` group: the Access use case on the caller's tenant. */
export const AgentsLive = HttpApiBuilder.group(LoopctlApi, "agents", (handlers) =>
  Effect.map(Access, (access) =>
    handlers
      .handle("register", ({ payload }) =>
        Effect.map(
          Effect.flatMap(tenantActor, (actor) => access.registerAgent(actor, payload)),
          (agent) => ({ agent }),
        ),
      )
      .handle("list", ({ urlParams }) =>
        Effect.gen(function* () {
          const actor = yield* tenantActor
          const { data, meta } = yield* access.listAgents(actor, urlParams, pageRequest(urlParams))
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
          const actor = yield* tenantActor
          const id = yield* pathId(AgentId, path.id)
          return { agent: yield* access.getAgent(actor, id) }
        }),
      ),
  ),
)
