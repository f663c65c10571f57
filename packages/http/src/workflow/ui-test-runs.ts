import { HttpApiBuilder } from "@effect/platform"
import { LoopctlApi } from "@loopctl/api"
import {
  type Actor,
  type FindingRequest,
  ProjectId,
  type RunCompletionRequest,
  type RunStartRequest,
  type UiTestRun,
  UiTestRunId,
  UiTesting,
} from "@loopctl/core"
import { Effect, Option } from "effect"
import { pathId } from "../edge/path-id.js"
import { tenantActor } from "../edge/tenant-scope.js"

/** A run under both names clients read it by. */
const runBody = (run: UiTestRun) => ({ ui_test_run: run, data: run })

/** The caller and the run a path names; on an alias path, the project it must belong to. */
const target = (rawRun: string, rawProject?: string) =>
  Effect.gen(function* () {
    const actor: Actor = yield* tenantActor
    const project =
      rawProject === undefined ? Option.none() : Option.some(yield* pathId(ProjectId, rawProject))
    const run = yield* pathId(UiTestRunId, rawRun)
    return { actor, run, project }
  })

/** The handlers of the `uiTestRuns` group: the UiTesting use cases, under the README's paths and the original's. */
export const UiTestRunsLive = HttpApiBuilder.group(LoopctlApi, "uiTestRuns", (handlers) =>
  Effect.map(UiTesting, (testing) => {
    const start = (rawProject: string, payload: RunStartRequest) =>
      Effect.gen(function* () {
        const actor = yield* tenantActor
        const project = yield* pathId(ProjectId, rawProject)
        return runBody(yield* testing.start(actor, project, payload))
      })
    const list = (rawProject: string, query: Parameters<typeof testing.list>[2]) =>
      Effect.gen(function* () {
        const actor = yield* tenantActor
        const project = yield* pathId(ProjectId, rawProject)
        return yield* testing.list(actor, project, query)
      })
    const show = (rawRun: string, rawProject?: string) =>
      Effect.flatMap(target(rawRun, rawProject), ({ actor, run, project }) =>
        Effect.map(testing.show(actor, run, project), runBody),
      )
    const addFinding = (payload: FindingRequest, rawRun: string, rawProject?: string) =>
      Effect.flatMap(target(rawRun, rawProject), ({ actor, run, project }) =>
        Effect.map(testing.addFinding(actor, run, payload, project), runBody),
      )
    const complete = (payload: RunCompletionRequest, rawRun: string, rawProject?: string) =>
      Effect.flatMap(target(rawRun, rawProject), ({ actor, run, project }) =>
        Effect.map(testing.complete(actor, run, payload, project), runBody),
      )
    return handlers
      .handle("start", ({ path, payload }) => start(path.id, payload))
      .handle("list", ({ path, urlParams }) => list(path.id, urlParams))
      .handle("show", ({ path }) => show(path.id))
      .handle("addFinding", ({ path, payload }) => addFinding(payload, path.id))
      .handle("complete", ({ path, payload }) => complete(payload, path.id))
      .handle("startAlias", ({ path, payload }) => start(path.id, payload))
      .handle("listAlias", ({ path, urlParams }) => list(path.id, urlParams))
      .handle("showAlias", ({ path }) => show(path.run_id, path.id))
      .handle("addFindingAlias", ({ path, payload }) => addFinding(payload, path.run_id, path.id))
      .handle("completeAlias", ({ path, payload }) => complete(payload, path.run_id, path.id))
  }),
)
