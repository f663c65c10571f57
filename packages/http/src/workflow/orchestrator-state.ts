import { HttpApiBuilder } from "@effect/platform"
import { LoopctlApi } from "@loopctl/api"
import { OrchestratorCheckpoints, ProjectId } from "@loopctl/core"
import { Effect } from "effect"
import { pathId } from "../edge/path-id.js"
import { tenantActor } from "../edge/tenant-scope.js"

/** The handlers of the `orchestratorState` group: the OrchestratorCheckpoints use cases. */
export const OrchestratorStateLive = HttpApiBuilder.group(LoopctlApi, "orchestratorState", (handlers) =>
  Effect.map(OrchestratorCheckpoints, (checkpoints) =>
    handlers
      .handle("save", ({ path, payload }) =>
        Effect.gen(function* () {
          const actor = yield* tenantActor
          const project = yield* pathId(ProjectId, path.project_id)
          return { state: yield* checkpoints.save(actor, project, payload) }
        }),
      )
      .handle("load", ({ path, urlParams }) =>
        Effect.gen(function* () {
          const actor = yield* tenantActor
          const project = yield* pathId(ProjectId, path.project_id)
          return { state: yield* checkpoints.load(actor, project, urlParams) }
        }),
      )
      .handle("history", ({ path, urlParams }) =>
        Effect.gen(function* () {
          const actor = yield* tenantActor
          const project = yield* pathId(ProjectId, path.project_id)
          return yield* checkpoints.history(actor, project, urlParams)
        }),
      ),
  ),
)
