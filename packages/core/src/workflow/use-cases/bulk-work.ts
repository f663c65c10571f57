import { Effect } from "effect"
import type {
  BulkClaimRequest,
  BulkCompletionRequest,
  BulkRejectRequest,
  BulkVerifyRequest,
} from "../domain/bulk.js"
import { StoryLifecycle } from "./story-lifecycle.js"
import { Verification } from "./verification.js"

/**
 * The bulk requests as decoded (a list of 1..50 items): each item runs as its single-story
 * counterpart, so each request requires the grant of that single action (`Story.claim`,
 * `Story.verify`, `Story.reject`, `Story.markComplete`). The HTTP edge checks the action's role
 * before the list is read and its agent link after, so a malformed list is a 422 even for a key
 * that is not linked to an agent.
 */
export class BulkWork extends Effect.Service<BulkWork>()("@loopctl/core/BulkWork", {
  effect: Effect.gen(function* () {
    const lifecycle = yield* StoryLifecycle
    const verification = yield* Verification

    return {
      /** `{story_ids:[…]}`: claims each contracted story whose prerequisites are verified. */
      claim: (request: BulkClaimRequest) => lifecycle.claimBatch(request.story_ids),
      /** `{stories:[{story_id, summary?, findings?, review_type?}]}`: verifies each, as single verify does. */
      verify: (request: BulkVerifyRequest) => verification.verifyBatch(request.stories),
      /** `{stories:[{story_id, reason, findings?, review_type?}]}`: rejects each, as single reject does. */
      reject: (request: BulkRejectRequest) => verification.rejectBatch(request.stories),
      /** `{stories:[{story_id, summary?, review_type?}]}`: records pre-existing work as verified. */
      markComplete: (request: BulkCompletionRequest) => verification.markComplete(request.stories),
    }
  }),
  dependencies: [StoryLifecycle.Default, Verification.Default],
}) {}
