import { Data } from "effect"

/** The outcome of one item of a bulk request; a refusal says why, and its code when it has one. */
export type BulkItemResult =
  | { readonly story_id: string; readonly status: "success" }
  | {
      readonly story_id: string
      readonly status: "error"
      readonly reason: string
      readonly code?: string
    }

/**
 * What a bulk request comes to: applied when at least one item succeeded, refused as a whole
 * when every item failed. Both list each item's outcome.
 */
export type BulkOutcome = Data.TaggedEnum<{
  Applied: { readonly results: ReadonlyArray<BulkItemResult> }
  AllRefused: { readonly results: ReadonlyArray<BulkItemResult> }
}>

export const BulkOutcome = Data.taggedEnum<BulkOutcome>()
