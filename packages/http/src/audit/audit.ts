import { HttpApiBuilder } from "@effect/platform"
import { AuditQuery, HistoryQuery, LoopctlApi, decodeQuery } from "@loopctl/api"
import { AuditActions, AuditTrail, StoryId, policyUse } from "@loopctl/core"
import { Effect } from "effect"
import { pathId } from "../edge/path-id.js"

/** The handlers of the `audit` group: the AuditTrail use cases under each action's policy. */
export const AuditLive = HttpApiBuilder.group(LoopctlApi, "audit", (handlers) =>
  Effect.map(AuditTrail, (trail) =>
    handlers
      // Decoded by the use case once the caller may list: a refused role is a 403 first.
      .handle("list", ({ urlParams }) =>
        trail.list(decodeQuery(AuditQuery, urlParams)).pipe(policyUse(AuditActions.list)),
      )
      // `since` is decoded by the contract, before the policy (the tenant scope included).
      .handle("changes", ({ urlParams }) => trail.changes(urlParams).pipe(policyUse(AuditActions.changes)))
      .handle("storyHistory", ({ path, urlParams }) =>
        Effect.gen(function* () {
          const story = yield* pathId(StoryId, path.id)
          // Decoded by the use case after the caller's scope, which answers first.
          return yield* trail
            .storyHistory(story, decodeQuery(HistoryQuery, urlParams))
            .pipe(policyUse(AuditActions.storyHistory))
        }),
      ),
  ),
)
