import { HttpApiEndpoint, HttpApiGroup, HttpApiSchema, OpenApi } from "@effect/platform"
import {
  ContractTerms,
  JsonObject,
  ReportRequest,
  ReviewRecord,
  ReviewRequest,
  Story,
  StoryActions,
} from "@loopctl/core"
import { Schema } from "effect"
import { requireAction } from "../contract/access.js"
import { Enveloped } from "../contract/errors.js"

/** A story id in a path. Any text is routed; the handler answers 404 for one that is not a uuid. */
export const storyIdParam = HttpApiSchema.param("id", Schema.String)

/** A step the caller can take next, returned beside a story. */
export const NextActionView = Schema.Struct({
  action: Schema.String,
  method: Schema.Literal("POST"),
  path: Schema.String,
  required_body: Schema.NullOr(JsonObject),
  preconditions: Schema.Array(Schema.String),
  learn_more: Schema.String,
}).annotations({ identifier: "NextAction" })

/** `{story, next_actions}`: what a transition answers. */
export const StoryTransitionBody = Schema.Struct({
  story: Story,
  next_actions: Schema.Array(NextActionView),
}).annotations({ identifier: "StoryTransition" })

/** The body of `POST /stories/:id/contract`. */
export const ContractBody = ContractTerms.annotations({ identifier: "ContractBody" })

/** The body of `POST /stories/:id/report`. */
export const ReportBody = ReportRequest.annotations({ identifier: "ReportBody" })

/** The body of `POST /stories/:id/review-complete`. */
export const ReviewCompletionBody = ReviewRequest.annotations({ identifier: "ReviewCompletionBody" })

/** `{review_record}`. */
export const ReviewRecordBody = Schema.Struct({ review_record: ReviewRecord }).annotations({
  identifier: "ReviewRecordBody",
})

/**
 * The `lifecycle` group: the implementer's side of a story (contract, claim, start,
 * request-review, report, unclaim) and the reviewer's review-complete. Each answers the story as
 * it now is with the next actions; a refused transition is a 409 with its state and hints.
 */
export class LifecycleGroup extends HttpApiGroup.make("lifecycle")
  .add(
    HttpApiEndpoint.post("contract")`/api/v1/stories/${storyIdParam}/contract`
      .setPayload(ContractBody)
      .addSuccess(StoryTransitionBody)
      .annotate(OpenApi.Summary, "Accept a pending story's terms (its exact title and AC count)")
      .pipe(requireAction(StoryActions.contract)),
  )
  .add(
    HttpApiEndpoint.post("claim")`/api/v1/stories/${storyIdParam}/claim`
      .addSuccess(StoryTransitionBody)
      .annotate(OpenApi.Summary, "Claim a contracted story whose prerequisites are verified")
      .pipe(requireAction(StoryActions.claim)),
  )
  .add(
    HttpApiEndpoint.post("start")`/api/v1/stories/${storyIdParam}/start`
      .addSuccess(StoryTransitionBody)
      .annotate(OpenApi.Summary, "Start work on a story the caller claimed")
      .pipe(requireAction(StoryActions.start)),
  )
  .add(
    HttpApiEndpoint.post("startWork")`/api/v1/stories/${storyIdParam}/start-work`
      .addSuccess(StoryTransitionBody)
      .annotate(OpenApi.Summary, "Alias of /start")
      .pipe(requireAction(StoryActions.start)),
  )
  .add(
    HttpApiEndpoint.post("requestReview")`/api/v1/stories/${storyIdParam}/request-review`
      .addSuccess(StoryTransitionBody)
      .annotate(OpenApi.Summary, "Ask for a review of a story being implemented (changes nothing)")
      .pipe(requireAction(StoryActions.requestReview)),
  )
  .add(
    HttpApiEndpoint.post("report")`/api/v1/stories/${storyIdParam}/report`
      .setPayload(ReportBody)
      .addSuccess(StoryTransitionBody)
      .annotate(
        OpenApi.Summary,
        "Report a story done: by an agent other than its implementer (chain of custody)",
      )
      .pipe(requireAction(StoryActions.report)),
  )
  .add(
    HttpApiEndpoint.post("reportDone")`/api/v1/stories/${storyIdParam}/report-done`
      .setPayload(ReportBody)
      .addSuccess(StoryTransitionBody)
      .annotate(OpenApi.Summary, "Alias of /report")
      .pipe(requireAction(StoryActions.report)),
  )
  .add(
    HttpApiEndpoint.post("unclaim")`/api/v1/stories/${storyIdParam}/unclaim`
      .addSuccess(StoryTransitionBody)
      .annotate(OpenApi.Summary, "Give back a story the caller holds; it returns to pending")
      .pipe(requireAction(StoryActions.unclaim)),
  )
  .add(
    HttpApiEndpoint.post("reviewComplete")`/api/v1/stories/${storyIdParam}/review-complete`
      .setPayload(ReviewCompletionBody)
      .addSuccess(ReviewRecordBody, { status: 201 })
      .annotate(
        OpenApi.Summary,
        "Record a completed review of a reported story, by someone other than its implementer",
      )
      .pipe(requireAction(StoryActions.reviewComplete)),
  )
  // Refusals of the lifecycle: not the assignee (403), no agent link (400), the wrong state (409).
  .addError(Enveloped.Forbidden)
  .addError(Enveloped.AgentLinkRequired)
  .addError(Enveloped.TransitionConflict)
  .annotate(OpenApi.Description, "A story's implementation lifecycle") {}
