import { HttpApiBuilder } from "@effect/platform"
import { LoopctlApi } from "@loopctl/api"
import { EpicId, ProjectId, WorkBreakdown, pageRequest } from "@loopctl/core"
import { Effect } from "effect"
import { pathId } from "../edge/path-id.js"
import { tenantActor } from "../edge/tenant-scope.js"

/** The handlers of the `epics` group: the WorkBreakdown use cases on the caller's tenant. */
export const EpicsLive = HttpApiBuilder.group(LoopctlApi, "epics", (handlers) =>
  Effect.map(WorkBreakdown, (work) =>
    handlers
      .handle("create", ({ path, payload }) =>
        Effect.gen(function* () {
          const actor = yield* tenantActor
          const id = yield* pathId(ProjectId, path.id)
          return { epic: yield* work.createEpic(actor, id, payload) }
        }),
      )
      .handle("list", ({ path, urlParams }) =>
        Effect.gen(function* () {
          const actor = yield* tenantActor
          const id = yield* pathId(ProjectId, path.id)
          const { data, meta } = yield* work.listEpics(actor, id, urlParams, yield* pageRequest(urlParams))
          return { data: data.map(({ epic, ...completion }) => ({ ...epic, ...completion })), meta }
        }),
      )
      .handle("show", ({ path }) =>
        Effect.gen(function* () {
          const actor = yield* tenantActor
          const id = yield* pathId(EpicId, path.id)
          const { epic, stories } = yield* work.getEpic(actor, id)
          // The story rows keep only the fields the list shows; encoding drops the rest.
          return { epic: { ...epic, stories } }
        }),
      )
      .handle("update", ({ path, payload }) =>
        Effect.gen(function* () {
          const actor = yield* tenantActor
          const id = yield* pathId(EpicId, path.id)
          return { epic: yield* work.updateEpic(actor, id, payload) }
        }),
      )
      .handle("delete", ({ path }) =>
        Effect.gen(function* () {
          const actor = yield* tenantActor
          const id = yield* pathId(EpicId, path.id)
          yield* work.deleteEpic(actor, id)
        }),
      )
      .handle("progress", ({ path }) =>
        Effect.gen(function* () {
          const actor = yield* tenantActor
          const id = yield* pathId(EpicId, path.id)
          return { progress: yield* work.epicProgress(actor, id) }
        }),
      ),
  ),
)
