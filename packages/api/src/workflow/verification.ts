import { HttpApiEndpoint, HttpApiGroup, HttpApiSchema, OpenApi } from "@effect/platform"
import {
  BackfillRequest,
  RejectRequest,
  Story,
  StoryActions,
  StoryId,
  VerificationResult,
  VerifyRequest,
  WorkActions,
} from "@loopctl/core"
import { Schema } from "effect"
import { requireAction } from "../contract/access.js"
import { Enveloped } from "../contract/errors.js"
import { PageMeta, pageQueryFields } from "../contract/list-meta.js"
import { payloadStruct } from "../contract/payload.js"
import { StoryTransitionBody, storyIdParam } from "./lifecycle.js"

/** An epic id in a path. Any text is routed; the handler answers 404 for one that is not a uuid. */
const epicIdParam = HttpApiSchema.param("id", Schema.String)

/** The body of `POST /stories/:id/verify` and `POST /epics/:id/verify-all`. */
export const VerifyBody = VerifyRequest.annotations({ identifier: "VerifyBody" })

/** The body of `POST /stories/:id/reject`. */
export const RejectBody = RejectRequest.annotations({ identifier: "RejectBody" })

/** The body of `POST /stories/:id/backfill`. */
export const BackfillBody = BackfillRequest.annotations({ identifier: "BackfillBody" })

/** `{story}`: a reject answers the story only. */
export const StoryBody = Schema.Struct({ story: Story }).annotations({ identifier: "StoryBody" })

/** A page of a story's verification results, newest first. */
export const VerificationList = Schema.Struct({
  data: Schema.Array(VerificationResult),
  meta: PageMeta,
}).annotations({ identifier: "VerificationList" })

/** `POST /epics/:id/verify-all`: how many stories were verified, skipped (no review) or refused. */
export const VerifyAllSummary = Schema.Struct({
  verified_count: Schema.Int,
  skipped_count: Schema.Int,
  total: Schema.Int,
  total_eligible: Schema.Int,
  errors: Schema.Array(Schema.Struct({ story_id: StoryId, reason: Schema.String })),
}).annotations({ identifier: "VerifyAllSummary" })

/** The query of the verification list. */
export const VerificationListQuery = payloadStruct(pageQueryFields)

/**
 * The `verification` group: the verifier's side of a story — verify, reject, force-unclaim,
 * backfill, verify-all — and the verification results. Verifying needs an orchestrator key
 * linked to an agent other than the story's implementer.
 */
export class VerificationGroup extends HttpApiGroup.make("verification")
  .add(
    HttpApiEndpoint.post("verify")`/api/v1/stories/${storyIdParam}/verify`
      .setPayload(VerifyBody)
      .addSuccess(StoryTransitionBody)
      .annotate(
        OpenApi.Summary,
        "Verify a reported story, reviewed after its report, that the caller's agent did not implement",
      )
      .pipe(requireAction(StoryActions.verify)),
  )
  .add(
    HttpApiEndpoint.post("reject")`/api/v1/stories/${storyIdParam}/reject`
      .setPayload(RejectBody)
      .addSuccess(StoryBody)
      .annotate(
        OpenApi.Summary,
        "Reject a reported or verified story; by default it goes back to pending, unassigned",
      )
      .pipe(requireAction(StoryActions.reject)),
  )
  .add(
    HttpApiEndpoint.post("forceUnclaim")`/api/v1/stories/${storyIdParam}/force-unclaim`
      .addSuccess(StoryTransitionBody)
      .annotate(
        OpenApi.Summary,
        "Take a story back from its assignee, in any state (verified_status is kept)",
      )
      .pipe(requireAction(StoryActions.forceUnclaim)),
  )
  .add(
    HttpApiEndpoint.post("backfill")`/api/v1/stories/${storyIdParam}/backfill`
      .setPayload(BackfillBody)
      .addSuccess(StoryTransitionBody)
      .annotate(
        OpenApi.Summary,
        "Record a never-claimed pending story as verified work done before loopctl, with its provenance",
      )
      .pipe(requireAction(StoryActions.backfill)),
  )
  .add(
    HttpApiEndpoint.get("verifications")`/api/v1/stories/${storyIdParam}/verifications`
      .setUrlParams(VerificationListQuery)
      .addSuccess(VerificationList)
      .annotate(
        OpenApi.Summary,
        "A story's verification results (verify, reject, mark-complete), newest first",
      )
      .pipe(requireAction(WorkActions.readVerifications)),
  )
  .add(
    HttpApiEndpoint.post("verifyAll")`/api/v1/epics/${epicIdParam}/verify-all`
      .setPayload(VerifyBody)
      .addSuccess(VerifyAllSummary)
      .annotate(
        OpenApi.Summary,
        "Verify every reported, unverified story of an epic with one evidence; unreviewed ones are skipped",
      )
      .pipe(requireAction(StoryActions.verify)),
  )
  // Refusals of verification: the wrong role (403), no agent link (400), the wrong state or the
  // caller's own story (409).
  .addError(Enveloped.Forbidden)
  .addError(Enveloped.AgentLinkRequired)
  .addError(Enveloped.TransitionConflict)
  .annotate(OpenApi.Description, "Independent verification of stories") {}
