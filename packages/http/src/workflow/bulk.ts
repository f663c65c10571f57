import { HttpApiBuilder } from "@effect/platform"
import {
  BulkClaimBody,
  BulkItemsFailed,
  BulkMarkCompleteBody,
  BulkRejectBody,
  BulkVerifyBody,
  LoopctlApi,
} from "@loopctl/api"
import { BulkOutcome, BulkWork, StoryActions, policyUse } from "@loopctl/core"
import { Effect } from "effect"
import { decodedBody } from "../edge/request-payload.js"
import { routedBulkResult } from "./story-action-routes.js"

/**
 * The core's outcome on the wire: 200 with the results when applied, 422 with them when all were
 * refused; a refused item's reason names its route as the single-story refusal does.
 */
const answer = <E, R>(outcome: Effect.Effect<BulkOutcome, E, R>) =>
  Effect.flatMap(
    outcome,
    BulkOutcome.$match({
      Applied: ({ results }) => Effect.succeed({ results: results.map(routedBulkResult) }),
      AllRefused: ({ results }) =>
        Effect.fail(
          new BulkItemsFailed({
            message: "No item of the request succeeded",
            results: results.map(routedBulkResult),
          }),
        ),
    }),
  )

/**
 * The handlers of the `bulk` group: BulkWork under the policy of each item's single action. The
 * middleware checked its role before the body; the list is read next (422), then the policy's
 * agent link (400 / 422) — the order the original answers in.
 */
export const BulkLive = HttpApiBuilder.group(LoopctlApi, "bulk", (handlers) =>
  Effect.map(BulkWork, (bulk) => {
    return handlers
      .handleRaw("claim", ({ request }) =>
        Effect.flatMap(decodedBody(BulkClaimBody, request), (batch) =>
          answer(policyUse(StoryActions.claim)(bulk.claim(batch))),
        ),
      )
      .handleRaw("verify", ({ request }) =>
        Effect.flatMap(decodedBody(BulkVerifyBody, request), (batch) =>
          answer(policyUse(StoryActions.verify)(bulk.verify(batch))),
        ),
      )
      .handleRaw("reject", ({ request }) =>
        Effect.flatMap(decodedBody(BulkRejectBody, request), (batch) =>
          answer(policyUse(StoryActions.reject)(bulk.reject(batch))),
        ),
      )
      .handleRaw("markComplete", ({ request }) =>
        Effect.flatMap(decodedBody(BulkMarkCompleteBody, request), (batch) =>
          answer(policyUse(StoryActions.markComplete)(bulk.markComplete(batch))),
        ),
      )
  }),
)
