import { Effect } from "effect"
import type { Actor } from "../../identity/domain/actor.js"
import type {
  BulkClaimRequest,
  BulkCompletionRequest,
  BulkRejectRequest,
  BulkVerifyRequest,
} from "../domain/bulk.js"
import { asImplementer, asVerifier } from "../policy/grants.js"
import { type StoryAction, authorizeRole } from "../rules/gates.js"
import { StoryLifecycle } from "./story-lifecycle.js"
import { Verification } from "./verification.js"

/**
 * The bulk requests as decoded (a list of 1..50 items, so a malformed list is a 422 even for a key
 * that is not linked to an agent): the caller's role is checked first, then the policy grants the
 * capability and each item runs as its single-story counterpart.
 */
export class BulkWork extends Effect.Service<BulkWork>()("@loopctl/core/BulkWork", {
  effect: Effect.gen(function* () {
    const lifecycle = yield* StoryLifecycle
    const verification = yield* Verification

    const read = <A>(actor: Actor, action: StoryAction, batch: A) =>
      Effect.as(authorizeRole(action, actor), batch)

    return {
      /** `{story_ids:[…]}`: claims each contracted story whose prerequisites are verified. */
      claim: (actor: Actor, request: BulkClaimRequest) =>
        Effect.flatMap(read(actor, "claim", request.story_ids), (batch) =>
          asImplementer(actor, "claim")(lifecycle.claimBatch(batch)),
        ),
      /** `{stories:[{story_id, summary?, findings?, review_type?}]}`: verifies each, as single verify does. */
      verify: (actor: Actor, request: BulkVerifyRequest) =>
        Effect.flatMap(read(actor, "verify", request.stories), (batch) =>
          asVerifier(actor, "verify")(verification.verifyBatch(batch)),
        ),
      /** `{stories:[{story_id, reason, findings?, review_type?}]}`: rejects each, as single reject does. */
      reject: (actor: Actor, request: BulkRejectRequest) =>
        Effect.flatMap(read(actor, "reject", request.stories), (batch) =>
          asVerifier(actor, "reject")(verification.rejectBatch(batch)),
        ),
      /** `{stories:[{story_id, summary?, review_type?}]}`: records pre-existing work as verified. */
      markComplete: (actor: Actor, request: BulkCompletionRequest) =>
        Effect.flatMap(read(actor, "mark-complete", request.stories), (batch) =>
          asVerifier(actor, "mark-complete")(verification.markComplete(batch)),
        ),
    }
  }),
  dependencies: [StoryLifecycle.Default, Verification.Default],
}) {}
