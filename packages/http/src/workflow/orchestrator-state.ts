import { HttpApiBuilder } from "@effect/platform"
import { LoopctlApi } from "@loopctl/api"
import { CheckpointActions, OrchestratorCheckpoints, ProjectId, policyUse } from "@loopctl/core"
import { Effect } from "effect"
import { pathId } from "../edge/path-id.js"

/** The handlers of the `orchestratorState` group: the OrchestratorCheckpoints use cases. */
export const OrchestratorStateLive = HttpApiBuilder.group(LoopctlApi, "orchestratorState", (handlers) =>
  Effect.map(OrchestratorCheckpoints, (checkpoints) =>
    handlers
      .handle("save", ({ path, payload }) =>
        policyUse(CheckpointActions.save)(
          Effect.gen(function* () {
            const project = yield* pathId(ProjectId, path.project_id)
            return { state: yield* checkpoints.save(project, payload) }
          }),
        ),
      )
      .handle("load", ({ path, urlParams }) =>
        policyUse(CheckpointActions.read)(
          Effect.gen(function* () {
            const project = yield* pathId(ProjectId, path.project_id)
            return { state: yield* checkpoints.load(project, urlParams) }
          }),
        ),
      )
      .handle("history", ({ path, urlParams }) =>
        policyUse(CheckpointActions.history)(
          Effect.flatMap(pathId(ProjectId, path.project_id), (project) =>
            checkpoints.history(project, urlParams),
          ),
        ),
      ),
  ),
)
