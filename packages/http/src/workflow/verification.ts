import { HttpApiBuilder } from "@effect/platform"
import { LoopctlApi } from "@loopctl/api"
import {
  EpicId,
  type Rules,
  StoryId,
  StoryRecords,
  Verification,
  asVerifier,
  pageRequest,
} from "@loopctl/core"
import { Effect } from "effect"
import { pathId } from "../edge/path-id.js"
import { tenantActor } from "../edge/tenant-scope.js"

/** Runs a Verification use case under the verifier policy (orchestrator role, linked agent). */
const asCaller = <A, E, R>(action: Rules.Gates.StoryAction, use: Effect.Effect<A, E, R>) =>
  Effect.flatMap(tenantActor, (actor) => asVerifier(actor, action)(use))

/** The handlers of the `verification` group. */
export const VerificationLive = HttpApiBuilder.group(LoopctlApi, "verification", (handlers) =>
  Effect.gen(function* () {
    const verification = yield* Verification
    const records = yield* StoryRecords
    return handlers
      .handle("verify", ({ path, payload }) =>
        asCaller(
          "verify",
          Effect.flatMap(pathId(StoryId, path.id), (id) => verification.verify(id, payload)),
        ),
      )
      .handle("reject", ({ path, payload }) =>
        asCaller(
          "reject",
          Effect.flatMap(pathId(StoryId, path.id), (id) => verification.reject(id, payload)),
        ),
      )
      .handle("forceUnclaim", ({ path }) =>
        asCaller("force-unclaim", Effect.flatMap(pathId(StoryId, path.id), verification.forceUnclaim)),
      )
      .handle("backfill", ({ path, payload }) =>
        asCaller(
          "backfill",
          Effect.flatMap(pathId(StoryId, path.id), (id) => verification.backfill(id, payload)),
        ),
      )
      .handle("verifyAll", ({ path, payload }) =>
        asCaller(
          "verify",
          Effect.flatMap(pathId(EpicId, path.id), (id) => verification.verifyAll(id, payload)),
        ),
      )
      .handle("verifications", ({ path, urlParams }) =>
        Effect.gen(function* () {
          const actor = yield* tenantActor
          const id = yield* pathId(StoryId, path.id)
          return yield* records.verifications(actor, id, yield* pageRequest(urlParams))
        }),
      )
  }),
)
