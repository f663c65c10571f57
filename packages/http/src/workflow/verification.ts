import { HttpApiBuilder } from "@effect/platform"
import { LoopctlApi, RejectBody, VerifyBody } from "@loopctl/api"
import {
  EpicId,
  StoryActions,
  StoryId,
  StoryRecords,
  Verification,
  WorkActions,
  pageRequest,
  policyUse,
} from "@loopctl/core"
import { Effect } from "effect"
import { pathId } from "../edge/path-id.js"
import { decodedBody } from "../edge/request-payload.js"
import { transitionView } from "./story-action-routes.js"

/** The handlers of the `verification` group. */
export const VerificationLive = HttpApiBuilder.group(LoopctlApi, "verification", (handlers) =>
  Effect.gen(function* () {
    const verification = yield* Verification
    const records = yield* StoryRecords
    return handlers
      .handleRaw("verify", ({ path, request }) =>
        Effect.flatMap(decodedBody(VerifyBody, request), (evidence) =>
          policyUse(StoryActions.verify)(
            Effect.flatMap(pathId(StoryId, path.id), (id) =>
              Effect.map(verification.verify(id, evidence), transitionView),
            ),
          ),
        ),
      )
      .handleRaw("reject", ({ path, request }) =>
        Effect.flatMap(decodedBody(RejectBody, request), (rejection) =>
          policyUse(StoryActions.reject)(
            Effect.flatMap(pathId(StoryId, path.id), (id) => verification.reject(id, rejection)),
          ),
        ),
      )
      .handle("forceUnclaim", ({ path }) =>
        policyUse(StoryActions.forceUnclaim)(
          Effect.flatMap(pathId(StoryId, path.id), (id) =>
            Effect.map(verification.forceUnclaim(id), transitionView),
          ),
        ),
      )
      .handle("backfill", ({ path, payload }) =>
        policyUse(StoryActions.backfill)(
          Effect.flatMap(pathId(StoryId, path.id), (id) =>
            Effect.map(verification.backfill(id, payload), transitionView),
          ),
        ),
      )
      .handleRaw("verifyAll", ({ path, request }) =>
        Effect.flatMap(decodedBody(VerifyBody, request), (evidence) =>
          policyUse(StoryActions.verify)(
            Effect.flatMap(pathId(EpicId, path.id), (id) => verification.verifyAll(id, evidence)),
          ),
        ),
      )
      .handle("verifications", ({ path, urlParams }) =>
        Effect.gen(function* () {
          const id = yield* pathId(StoryId, path.id)
          return yield* records.verifications(id, pageRequest(urlParams))
        }).pipe(policyUse(WorkActions.readVerifications)),
      )
  }),
)
