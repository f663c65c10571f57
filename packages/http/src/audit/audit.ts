import { HttpApiBuilder } from "@effect/platform"
import { AuditQuery, CurrentActor, HistoryQuery, LoopctlApi, decodeQuery } from "@loopctl/api"
import { AuditTrail, StoryId } from "@loopctl/core"
import { Effect } from "effect"
import { pathId } from "../edge/path-id.js"

/** The handlers of the `audit` group: the AuditTrail use cases for the authenticated caller. */
export const AuditLive = HttpApiBuilder.group(LoopctlApi, "audit", (handlers) =>
  Effect.map(AuditTrail, (trail) =>
    handlers
      // Decoded by the use case once the caller may list: a refused role is a 403 first.
      .handle("list", ({ urlParams }) =>
        Effect.flatMap(CurrentActor, ({ caller }) => trail.list(caller, decodeQuery(AuditQuery, urlParams))),
      )
      .handle("changes", ({ urlParams }) =>
        Effect.flatMap(CurrentActor, ({ caller }) => trail.changes(caller, urlParams)),
      )
      .handle("storyHistory", ({ path, urlParams }) =>
        Effect.gen(function* () {
          const { caller } = yield* CurrentActor
          const story = yield* pathId(StoryId, path.id)
          // Decoded by the use case after the caller's scope, which answers first.
          return yield* trail.storyHistory(caller, story, decodeQuery(HistoryQuery, urlParams))
        }),
      ),
  ),
)
