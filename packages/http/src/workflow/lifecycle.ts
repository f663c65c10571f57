import { HttpApiBuilder } from "@effect/platform"
import { LoopctlApi } from "@loopctl/api"
import { type Policy, StoryActions, StoryId, StoryLifecycle, policyUse } from "@loopctl/core"
import { Effect } from "effect"
import { pathId } from "../edge/path-id.js"
import { type TransitionAnswer, transitionView } from "./story-action-routes.js"

/**
 * Runs a StoryLifecycle use case under its action's policy for the caller (the middleware passed
 * its role already; the agent link is checked here), then the path id is read (a malformed one is
 * a 404 like an unknown one).
 */
const asCaller = <Action extends string, GateError, A, E, R>(
  p: Policy<Action, GateError>,
  rawId: string,
  use: (id: StoryId) => Effect.Effect<A, E, R>,
) => policyUse(p)(Effect.flatMap(pathId(StoryId, rawId), use))

/** A transition's answer with its suggested actions routed. */
const routed = <E, R>(transition: Effect.Effect<TransitionAnswer, E, R>) =>
  Effect.map(transition, transitionView)

/** The handlers of the `lifecycle` group: StoryLifecycle for the authenticated caller. */
export const LifecycleLive = HttpApiBuilder.group(LoopctlApi, "lifecycle", (handlers) =>
  Effect.map(StoryLifecycle, (lifecycle) =>
    handlers
      .handle("contract", ({ path, payload }) =>
        routed(asCaller(StoryActions.contract, path.id, (id) => lifecycle.contract(id, payload))),
      )
      .handle("claim", ({ path }) => routed(asCaller(StoryActions.claim, path.id, lifecycle.claim)))
      .handle("start", ({ path }) => routed(asCaller(StoryActions.start, path.id, lifecycle.start)))
      .handle("startWork", ({ path }) => routed(asCaller(StoryActions.start, path.id, lifecycle.start)))
      .handle("requestReview", ({ path }) =>
        routed(asCaller(StoryActions.requestReview, path.id, lifecycle.requestReview)),
      )
      .handle("report", ({ path, payload }) =>
        routed(asCaller(StoryActions.report, path.id, (id) => lifecycle.report(id, payload))),
      )
      .handle("reportDone", ({ path, payload }) =>
        routed(asCaller(StoryActions.report, path.id, (id) => lifecycle.report(id, payload))),
      )
      .handle("unclaim", ({ path }) => routed(asCaller(StoryActions.unclaim, path.id, lifecycle.unclaim)))
      .handle("reviewComplete", ({ path, payload }) =>
        asCaller(StoryActions.reviewComplete, path.id, (id) => lifecycle.reviewComplete(id, payload)),
      ),
  ),
)
