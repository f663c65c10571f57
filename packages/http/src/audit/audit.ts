import { HttpApiBuilder } from "@effect/platform"
import { CurrentActor, LoopctlApi } from "@loopctl/api"
import { AuditTrail, StoryId } from "@loopctl/core"
import { Effect } from "effect"
import { pathId } from "../edge/path-id.js"

/** The handlers of the `audit` group: the AuditTrail use cases for the authenticated caller. */
export const AuditLive = HttpApiBuilder.group(LoopctlApi, "audit", (handlers) =>
  Effect.map(AuditTrail, (trail) =>
    handlers
      .handle("list", ({ urlParams }) =>
        Effect.flatMap(CurrentActor, ({ caller }) => trail.list(caller, urlParams)),
      )
      .handle("changes", ({ urlParams }) =>
        Effect.flatMap(CurrentActor, ({ caller }) => trail.changes(caller, urlParams)),
      )
      .handle("storyHistory", ({ path, urlParams }) =>
        Effect.gen(function* () {
          const { caller } = yield* CurrentActor
          const story = yield* pathId(StoryId, path.id)
          return yield* trail.storyHistory(caller, story, urlParams)
        }),
      ),
  ),
)
