import { HttpApiBuilder } from "@effect/platform"
import { LoopctlApi } from "@loopctl/api"
import { AuditActions, AuditTrail, Rules, StoryId, policyUse } from "@loopctl/core"
import { Effect } from "effect"
import { pathId } from "../edge/path-id.js"

/** The handlers of the `audit` group: the AuditTrail use cases under each action's policy. */
export const AuditLive = HttpApiBuilder.group(LoopctlApi, "audit", (handlers) =>
  Effect.map(AuditTrail, (trail) =>
    handlers
      .handle("list", ({ urlParams }) => trail.list(urlParams).pipe(policyUse(AuditActions.list)))
      .handle("changes", ({ urlParams }) =>
        // `since` first, then the policy (the tenant scope included): see the endpoint.
        Effect.flatMap(Rules.AuditQuery.parseChangesQuery(urlParams), (query) =>
          trail.changes(query).pipe(policyUse(AuditActions.changes)),
        ),
      )
      .handle("storyHistory", ({ path, urlParams }) =>
        Effect.gen(function* () {
          const story = yield* pathId(StoryId, path.id)
          return yield* trail.storyHistory(story, urlParams).pipe(policyUse(AuditActions.storyHistory))
        }),
      ),
  ),
)
