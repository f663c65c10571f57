import { HttpApiBuilder } from "@effect/platform"
import { LoopctlApi } from "@loopctl/api"
import {
  StoryActions,
  StoryId,
  StoryLifecycle,
  StoryRecords,
  WorkActions,
  pageRequest,
  policyUse,
} from "@loopctl/core"
import { Effect } from "effect"
import { pathId } from "../edge/path-id.js"

/** The handlers of the `artifacts` group. */
export const ArtifactsLive = HttpApiBuilder.group(LoopctlApi, "artifacts", (handlers) =>
  Effect.gen(function* () {
    const lifecycle = yield* StoryLifecycle
    const records = yield* StoryRecords
    return handlers
      .handle("report", ({ path, payload }) =>
        policyUse(StoryActions.reportArtifact)(
          Effect.flatMap(pathId(StoryId, path.id), (id) =>
            Effect.map(lifecycle.reportArtifact(id, payload), (artifact_report) => ({ artifact_report })),
          ),
        ),
      )
      .handle("list", ({ path, urlParams }) =>
        Effect.gen(function* () {
          const id = yield* pathId(StoryId, path.id)
          return yield* records.artifacts(id, pageRequest(urlParams))
        }).pipe(policyUse(WorkActions.readArtifacts)),
      )
  }),
)
