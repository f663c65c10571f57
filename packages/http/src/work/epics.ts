import { HttpApiBuilder } from "@effect/platform"
import { LoopctlApi } from "@loopctl/api"
import { EpicId, EpicPlanning, ProjectId, WorkActions, pageRequest, policyUse } from "@loopctl/core"
import { Effect } from "effect"
import { pathId } from "../edge/path-id.js"

/** The handlers of the `epics` group: the EpicPlanning use cases, each under its action's policy. */
export const EpicsLive = HttpApiBuilder.group(LoopctlApi, "epics", (handlers) =>
  Effect.map(EpicPlanning, (epics) =>
    handlers
      .handle("create", ({ path, payload }) =>
        Effect.gen(function* () {
          const id = yield* pathId(ProjectId, path.id)
          return { epic: yield* epics.createEpic(id, payload) }
        }).pipe(policyUse(WorkActions.createEpic)),
      )
      .handle("list", ({ path, urlParams }) =>
        Effect.gen(function* () {
          const id = yield* pathId(ProjectId, path.id)
          const { data, meta } = yield* epics.listEpics(id, urlParams, pageRequest(urlParams))
          return { data: data.map(({ epic, ...completion }) => ({ ...epic, ...completion })), meta }
        }).pipe(policyUse(WorkActions.listEpics)),
      )
      .handle("show", ({ path }) =>
        Effect.gen(function* () {
          const id = yield* pathId(EpicId, path.id)
          const { epic, stories } = yield* epics.getEpic(id)
          // The story rows keep only the fields the list shows; encoding drops the rest.
          return { epic: { ...epic, stories } }
        }).pipe(policyUse(WorkActions.readEpic)),
      )
      .handle("update", ({ path, payload }) =>
        Effect.gen(function* () {
          const id = yield* pathId(EpicId, path.id)
          return { epic: yield* epics.updateEpic(id, payload) }
        }).pipe(policyUse(WorkActions.updateEpic)),
      )
      .handle("delete", ({ path }) =>
        Effect.flatMap(pathId(EpicId, path.id), epics.deleteEpic).pipe(policyUse(WorkActions.deleteEpic)),
      )
      .handle("progress", ({ path }) =>
        Effect.gen(function* () {
          const id = yield* pathId(EpicId, path.id)
          return { progress: yield* epics.epicProgress(id) }
        }).pipe(policyUse(WorkActions.readEpic)),
      ),
  ),
)
