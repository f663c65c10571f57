import { HttpApiBuilder } from "@effect/platform"
import {
  BulkClaimBody,
  BulkItemsFailed,
  BulkMarkCompleteBody,
  BulkRejectBody,
  BulkVerifyBody,
  LoopctlApi,
} from "@loopctl/api"
import { BulkOutcome, BulkWork } from "@loopctl/core"
import { Effect } from "effect"
import { decodedBody } from "../edge/request-payload.js"
import { tenantActor } from "../edge/tenant-scope.js"
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

/** The handlers of the `bulk` group: BulkWork for the authenticated caller. */
export const BulkLive = HttpApiBuilder.group(LoopctlApi, "bulk", (handlers) =>
  Effect.map(BulkWork, (bulk) => {
    return handlers
      .handleRaw("claim", ({ request }) =>
        Effect.flatMap(decodedBody(BulkClaimBody, request), (batch) =>
          answer(Effect.flatMap(tenantActor, (actor) => bulk.claim(actor, batch))),
        ),
      )
      .handleRaw("verify", ({ request }) =>
        Effect.flatMap(decodedBody(BulkVerifyBody, request), (batch) =>
          answer(Effect.flatMap(tenantActor, (actor) => bulk.verify(actor, batch))),
        ),
      )
      .handleRaw("reject", ({ request }) =>
        Effect.flatMap(decodedBody(BulkRejectBody, request), (batch) =>
          answer(Effect.flatMap(tenantActor, (actor) => bulk.reject(actor, batch))),
        ),
      )
      .handleRaw("markComplete", ({ request }) =>
        Effect.flatMap(decodedBody(BulkMarkCompleteBody, request), (batch) =>
          answer(Effect.flatMap(tenantActor, (actor) => bulk.markComplete(actor, batch))),
        ),
      )
  }),
)
