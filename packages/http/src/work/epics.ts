import { HttpApiBuilder } from "@effect/platform"
import { LoopctlApi } from "@loopctl/api"
import { EpicId, EpicPlanning, ProjectId, pageRequest } from "@loopctl/core"
import { Effect } from "effect"
import { pathId } from "../edge/path-id.js"
import { tenantActor } from "../edge/tenant-scope.js"

/** The handlers of the `epics` group: the EpicPlanning use cases on the caller's tenant. */
export const EpicsLive = HttpApiBuilder.group(LoopctlApi, "epics", (handlers) =>
  Effect.map(EpicPlanning, (epics) =>
    handlers
      .handle("create", ({ path, payload }) =>
        Effect.gen(function* () {
          const actor = yield* tenantActor
          const id = yield* pathId(ProjectId, path.id)
          return { epic: yield* epics.createEpic(actor, id, payload) }
        }),
      )
      .handle("list", ({ path, urlParams }) =>
        Effect.gen(function* () {
          const actor = yield* tenantActor
          const id = yield* pathId(ProjectId, path.id)
          const { data, meta } = yield* epics.listEpics(actor, id, urlParams, pageRequest(urlParams))
          return { data: data.map(({ epic, ...completion }) => ({ ...epic, ...completion })), meta }
        }),
      )
      .handle("show", ({ path }) =>
        Effect.gen(function* () {
          const actor = yield* tenantActor
          const id = yield* pathId(EpicId, path.id)
          const { epic, stories } = yield* epics.getEpic(actor, id)
          // The story rows keep only the fields the list shows; encoding drops the rest.
          return { epic: { ...epic, stories } }
        }),
      )
      .handle("update", ({ path, payload }) =>
        Effect.gen(function* () {
          const actor = yield* tenantActor
          const id = yield* pathId(EpicId, path.id)
          return { epic: yield* epics.updateEpic(actor, id, payload) }
        }),
      )
      .handle("delete", ({ path }) =>
        Effect.gen(function* () {
          const actor = yield* tenantActor
          const id = yield* pathId(EpicId, path.id)
          yield* epics.deleteEpic(actor, id)
        }),
      )
      .handle("progress", ({ path }) =>
        Effect.gen(function* () {
          const actor = yield* tenantActor
          const id = yield* pathId(EpicId, path.id)
          return { progress: yield* epics.epicProgress(actor, id) }
        }),
      ),
  ),
)
