import { HttpApiEndpoint, HttpApiGroup, HttpApiSchema, OpenApi } from "@effect/platform"
import {
  BulkClaimRequest,
  BulkCompletionRequest,
  BulkRejectRequest,
  BulkVerifyRequest,
  StoryActions,
} from "@loopctl/core"
import { Schema } from "effect"
import { requireAction } from "../contract/access.js"
import { Enveloped } from "../contract/errors.js"

/** The outcome of one item: success, or an error with its reason (and code when it has one). */
export const BulkItemView = Schema.Union(
  Schema.Struct({ story_id: Schema.String, status: Schema.Literal("success") }),
  Schema.Struct({
    story_id: Schema.String,
    status: Schema.Literal("error"),
    reason: Schema.String,
    code: Schema.optional(Schema.String),
  }),
).annotations({ identifier: "BulkItemResult" })

/** 200 of a bulk request in which at least one item succeeded: every item's outcome, by story id. */
export const BulkResults = Schema.Struct({ results: Schema.Array(BulkItemView) }).annotations({
  identifier: "BulkResults",
})

/** A bulk request in which no item succeeded (422), with every item's outcome. */
export class BulkItemsFailed extends Schema.TaggedError<BulkItemsFailed>()("BulkItemsFailed", {
  message: Schema.String,
  results: Schema.Array(BulkItemView),
}) {
  static readonly status = 422
}

/**
 * The 422 body of a bulk request: the item outcomes under `results`, as the original answers,
 * beside the error envelope every other 4xx carries.
 */
export const BulkItemsFailedBody = Schema.transform(
  Schema.Struct({
    error: Schema.Struct({ status: Schema.Literal(422), message: Schema.String }),
    results: Schema.Array(BulkItemView),
  }),
  BulkItemsFailed,
  {
    strict: false,
    decode: ({ error, results }) => ({ _tag: "BulkItemsFailed" as const, message: error.message, results }),
    encode: ({ message, results }) => ({ error: { status: 422 as const, message }, results }),
  },
).annotations({
  ...HttpApiSchema.annotations({ status: 422 }),
  identifier: "BulkItemsFailed",
  description: "No item succeeded",
})

/** `{story_ids:[…]}`. */
export const BulkClaimBody = BulkClaimRequest.annotations({ identifier: "BulkClaimBody" })

/** `{stories:[{story_id, summary?, findings?, review_type?, result?}]}`. */
export const BulkVerifyBody = BulkVerifyRequest.annotations({ identifier: "BulkVerifyBody" })

/** `{stories:[{story_id, reason, findings?, review_type?}]}`. */
export const BulkRejectBody = BulkRejectRequest.annotations({ identifier: "BulkRejectBody" })

/** `{stories:[{story_id, summary?, review_type?}]}`. */
export const BulkMarkCompleteBody = BulkCompletionRequest.annotations({ identifier: "BulkMarkCompleteBody" })

const bulk = <Name extends string>(name: Name, path: string) =>
  HttpApiEndpoint.post(name, `/api/v1/stories/bulk/${path}`)
    .addSuccess(BulkResults)
    .addError(BulkItemsFailedBody)

/**
 * The `bulk` group: up to 50 stories per request, each item handled as its single-story
 * counterpart in one transaction; a refused item changes nothing and does not stop the others.
 * 200 when at least one item succeeded, 422 when none did.
 */
export class BulkGroup extends HttpApiGroup.make("bulk")
  .add(
    bulk("claim", "claim")
      .setPayload(BulkClaimBody)
      .annotate(OpenApi.Summary, "Claim several contracted stories")
      .pipe(requireAction(StoryActions.claim)),
  )
  .add(
    bulk("verify", "verify")
      .setPayload(BulkVerifyBody)
      .annotate(OpenApi.Summary, "Verify several reported stories, each as a single verify")
      .pipe(requireAction(StoryActions.verify)),
  )
  .add(
    bulk("reject", "reject")
      .setPayload(BulkRejectBody)
      .annotate(OpenApi.Summary, "Reject several stories, each as a single reject")
      .pipe(requireAction(StoryActions.reject)),
  )
  .add(
    bulk("markComplete", "mark-complete")
      .setPayload(BulkMarkCompleteBody)
      .annotate(OpenApi.Summary, "Record several stories as verified pre-existing work")
      .pipe(requireAction(StoryActions.markComplete)),
  )
  .addError(Enveloped.Forbidden)
  .addError(Enveloped.AgentLinkRequired)
  .annotate(OpenApi.Description, "Bulk operations on stories") {}
