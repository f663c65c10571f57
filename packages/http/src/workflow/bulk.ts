import { HttpApiBuilder } from "@effect/platform"
import {
  BulkClaimBody,
  BulkItemsFailed,
  BulkMarkCompleteBody,
  BulkRejectBody,
  BulkVerifyBody,
  LoopctlApi,
} from "@loopctl/api"
import { type BulkOutcome, BulkWork } from "@loopctl/core"
import { Effect } from "effect"
import { decodedBody } from "../edge/request-payload.js"
import { tenantActor } from "../edge/tenant-scope.js"

/** The core's outcome on the wire: 200 with the results, or the 422 it decided, with them too. */
const answer = <E, R>(outcome: Effect.Effect<BulkOutcome, E, R>) =>
  Effect.flatMap(outcome, ({ results, http_status }) =>
    http_status === 200
      ? Effect.succeed({ results })
      : Effect.fail(new BulkItemsFailed({ message: "No item of the request succeeded", results })),
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
