import { HttpApiBuilder } from "@effect/platform"
import { LoopctlApi, UiTestFindingBody } from "@loopctl/api"
import {
  type FindingRequest,
  ProjectId,
  type RunCompletionRequest,
  type RunStartRequest,
  UiTestActions,
  type UiTestRun,
  UiTestRunId,
  UiTesting,
  type ValidationFailed,
  policyUse,
} from "@loopctl/core"
import { Effect, type Either, Option } from "effect"
import { pathId } from "../edge/path-id.js"
import { bodyAsRead } from "../edge/request-payload.js"

/** A run under both names clients read it by. */
const runBody = (run: UiTestRun) => ({ ui_test_run: run, data: run })

/** The run a path names; on an alias path, the project it must belong to. */
const target = (rawRun: string, rawProject?: string) =>
  Effect.gen(function* () {
    const project =
      rawProject === undefined ? Option.none() : Option.some(yield* pathId(ProjectId, rawProject))
    const run = yield* pathId(UiTestRunId, rawRun)
    return { run, project }
  })

/**
 * The handlers of the `uiTestRuns` group: the UiTesting use cases under their action's policy,
 * at the README's paths and the original's.
 */
export const UiTestRunsLive = HttpApiBuilder.group(LoopctlApi, "uiTestRuns", (handlers) =>
  Effect.map(UiTesting, (testing) => {
    const start = (rawProject: string, payload: RunStartRequest) =>
      policyUse(UiTestActions.start)(
        Effect.flatMap(pathId(ProjectId, rawProject), (project) =>
          Effect.map(testing.start(project, payload), runBody),
        ),
      )
    const list = (rawProject: string, query: Parameters<typeof testing.list>[1]) =>
      policyUse(UiTestActions.list)(
        Effect.flatMap(pathId(ProjectId, rawProject), (project) => testing.list(project, query)),
      )
    const show = (rawRun: string, rawProject?: string) =>
      policyUse(UiTestActions.read)(
        Effect.flatMap(target(rawRun, rawProject), ({ run, project }) =>
          Effect.map(testing.show(run, project), runBody),
        ),
      )
    const addFinding = (
      payload: Either.Either<FindingRequest, ValidationFailed>,
      rawRun: string,
      rawProject?: string,
    ) =>
      policyUse(UiTestActions.addFinding)(
        Effect.flatMap(target(rawRun, rawProject), ({ run, project }) =>
          Effect.map(testing.addFinding(run, payload, project), runBody),
        ),
      )
    const complete = (payload: RunCompletionRequest, rawRun: string, rawProject?: string) =>
      policyUse(UiTestActions.complete)(
        Effect.flatMap(target(rawRun, rawProject), ({ run, project }) =>
          Effect.map(testing.complete(run, payload, project), runBody),
        ),
      )
    return (
      handlers
        .handle("start", ({ path, payload }) => start(path.id, payload))
        .handle("list", ({ path, urlParams }) => list(path.id, urlParams))
        .handle("show", ({ path }) => show(path.id))
        // The finding is read in the handler: a finished run refuses it before its body is judged.
        .handleRaw("addFinding", ({ path, request }) =>
          Effect.flatMap(bodyAsRead(UiTestFindingBody, request), (finding) => addFinding(finding, path.id)),
        )
        .handle("complete", ({ path, payload }) => complete(payload, path.id))
        .handle("startAlias", ({ path, payload }) => start(path.id, payload))
        .handle("listAlias", ({ path, urlParams }) => list(path.id, urlParams))
        .handle("showAlias", ({ path }) => show(path.run_id, path.id))
        .handleRaw("addFindingAlias", ({ path, request }) =>
          Effect.flatMap(bodyAsRead(UiTestFindingBody, request), (finding) =>
            addFinding(finding, path.run_id, path.id),
          ),
        )
        .handle("completeAlias", ({ path, payload }) => complete(payload, path.run_id, path.id))
    )
  }),
)
