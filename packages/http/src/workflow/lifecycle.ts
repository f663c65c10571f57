import { HttpApiBuilder } from "@effect/platform"
import { LoopctlApi } from "@loopctl/api"
import { type Rules, StoryId, StoryLifecycle, asImplementer } from "@loopctl/core"
import { Effect } from "effect"
import { pathId } from "../edge/path-id.js"
import { tenantActor } from "../edge/tenant-scope.js"
import { type TransitionAnswer, transitionView } from "./story-action-routes.js"

/**
 * Runs a StoryLifecycle use case for the caller: the implementer policy grants the capability
 * (role and agent link), then the path id is read (a malformed one is a 404 like an unknown one).
 */
const asCaller = <A, E, R>(
  action: Rules.Gates.StoryAction,
  rawId: string,
  use: (id: StoryId) => Effect.Effect<A, E, R>,
) =>
  Effect.flatMap(tenantActor, (actor) =>
    asImplementer(actor, action)(Effect.flatMap(pathId(StoryId, rawId), use)),
  )

/** A transition's answer with its suggested actions routed. */
const routed = <E, R>(transition: Effect.Effect<TransitionAnswer, E, R>) =>
  Effect.map(transition, transitionView)

/** The handlers of the `lifecycle` group: StoryLifecycle for the authenticated caller. */
export const LifecycleLive = HttpApiBuilder.group(LoopctlApi, "lifecycle", (handlers) =>
  Effect.map(StoryLifecycle, (lifecycle) =>
    handlers
      .handle("contract", ({ path, payload }) =>
        routed(asCaller("contract", path.id, (id) => lifecycle.contract(id, payload))),
      )
      .handle("claim", ({ path }) => routed(asCaller("claim", path.id, lifecycle.claim)))
      .handle("start", ({ path }) => routed(asCaller("start", path.id, lifecycle.start)))
      .handle("startWork", ({ path }) => routed(asCaller("start", path.id, lifecycle.start)))
      .handle("requestReview", ({ path }) =>
        routed(asCaller("request-review", path.id, lifecycle.requestReview)),
      )
      .handle("report", ({ path, payload }) =>
        routed(asCaller("report", path.id, (id) => lifecycle.report(id, payload))),
      )
      .handle("reportDone", ({ path, payload }) =>
        routed(asCaller("report", path.id, (id) => lifecycle.report(id, payload))),
      )
      .handle("unclaim", ({ path }) => routed(asCaller("unclaim", path.id, lifecycle.unclaim)))
      .handle("reviewComplete", ({ path, payload }) =>
        asCaller("review-complete", path.id, (id) => lifecycle.reviewComplete(id, payload)),
      ),
  ),
)
