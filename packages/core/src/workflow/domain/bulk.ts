import { Either, JSONSchema, ParseResult, Schema } from "effect"
import { refusingType } from "../../kernel/domain/fields.js"
import { StoryId } from "../../kernel/domain/ids.js"
import { optionalOrNull } from "../../kernel/domain/optional-fields.js"
import { RefusalSummaryId, fieldErrorsOf, refusalSummaryOf } from "../../kernel/domain/refusal.js"
import { Text } from "../../kernel/domain/text-fields.js"
import { CompletionRequest, RejectRequest, VerifyRequest } from "./evidence.js"

/**
 * The bulk requests: up to 50 stories, each item standing alone. An item that does not read is
 * refused on its own (D26) — its refusal is decoded with the request — and the others go on.
 */

/** The most stories one bulk request may name. */
export const maxBatchSize = 50

/** An item refused as it was read: the story it names (as sent) and why. */
export const RefusedItem = Schema.TaggedStruct("RefusedItem", {
  story_id: Schema.String,
  reason: Schema.String,
})
export type RefusedItem = typeof RefusedItem.Type

const decodeStoryId = Schema.decodeUnknownOption(StoryId)

/** The story id an item names (`story_id` in an object, or the item itself), if it is a UUID. */
export const itemStoryId = (item: unknown): { readonly raw: string; readonly id: StoryId | undefined } => {
  const raw = typeof item === "object" && item !== null ? Reflect.get(item, "story_id") : item
  const text = typeof raw === "string" ? raw : String(raw)
  const id = decodeStoryId(text)
  return { raw: text, id: id._tag === "Some" ? id.value : undefined }
}

/**
 * What an item that `item` does not read decodes to: "Story not found" when it names no story
 * id, else the item Schema's refusal summary ("Validation failed" without one).
 */
const refusedAs = <A, I>(item: Schema.Schema<A, I>) =>
  Schema.transformOrFail(Schema.Unknown, RefusedItem, {
    strict: true,
    decode: (input, _, ast) => {
      const { raw, id } = itemStoryId(input)
      const refused = (reason: string) => ParseResult.succeed(RefusedItem.make({ story_id: raw, reason }))
      if (id === undefined) return refused("Story not found")
      return Either.match(Schema.decodeUnknownEither(item, { errors: "all" })(input), {
        onRight: () => ParseResult.fail(new ParseResult.Type(ast, input, "the item reads")),
        onLeft: (error) => {
          const details = fieldErrorsOf(ParseResult.ArrayFormatter.formatErrorSync(error))
          return refused(refusalSummaryOf(item.ast)?.(details) ?? "Validation failed")
        },
      })
    },
    encode: (refused, _, ast) =>
      ParseResult.fail(new ParseResult.Forbidden(ast, refused, "a refused item is not sent")),
  })

/** An item as `item` reads it, or its refusal. */
export const bulkItem = <A, I>(item: Schema.Schema<A, I>) => {
  // Documented as the item it should be; the refusal is what the server makes of anything else.
  const { $schema: _, ...declared } = JSONSchema.make(item)
  return Schema.Union(item, refusedAs(item)).annotations({ jsonSchema: declared })
}

/** The items of a bulk request under `key`: a list of 1..50. */
const batchOf = <A, I>(key: string, item: Schema.Schema<A, I>) =>
  Schema.propertySignature(
    refusingType(Schema.Array(bulkItem(item)), `${key} is required and must be an array`).pipe(
      Schema.minItems(1, { message: () => `${key} must not be empty` }),
      Schema.maxItems(maxBatchSize, {
        message: () => `Maximum batch size is ${maxBatchSize} stories`,
        jsonSchema: { type: "array", description: `${key}: 1..${maxBatchSize} items` },
      }),
    ),
  ).annotations({ missingMessage: () => `${key} is required and must be an array` })

/** A bulk request's refusal says what is wrong with its list. */
const batchSummary = (key: string) => (details: Readonly<Record<string, ReadonlyArray<string>>>) =>
  details[key]?.[0]

/** A story id as a bulk item names it. */
const storyIdField = Text.annotations({ description: "The story" })

/** `{story_ids:[…]}`: the stories to claim. */
export const BulkClaimRequest = Schema.Struct({
  story_ids: batchOf("story_ids", Schema.String.annotations({ description: "A story id" })),
}).annotations({ [RefusalSummaryId]: batchSummary("story_ids") })
export type BulkClaimRequest = typeof BulkClaimRequest.Type

/** A bulk verify item: a single verify's evidence, which may be left out (the bulk defaults). */
export const BulkVerifyItem = Schema.Struct({
  story_id: storyIdField,
  summary: optionalOrNull(Text.annotations({ description: "Default: Verified via bulk operation" })),
  review_type: optionalOrNull(Text.annotations({ description: "Default bulk_verify" })),
  result: VerifyRequest.fields.result,
  findings: VerifyRequest.fields.findings,
}).annotations({ parseOptions: { errors: "all" } })
export type BulkVerifyItem = typeof BulkVerifyItem.Type

/** `{stories:[{story_id, summary?, findings?, review_type?, result?}]}`. */
export const BulkVerifyRequest = Schema.Struct({ stories: batchOf("stories", BulkVerifyItem) }).annotations({
  [RefusalSummaryId]: batchSummary("stories"),
})
export type BulkVerifyRequest = typeof BulkVerifyRequest.Type

/** A bulk reject item: a single reject's reason, findings and review type. */
export const BulkRejectItem = Schema.Struct({
  story_id: storyIdField,
  ...RejectRequest.fields,
}).annotations({ parseOptions: { errors: "all" }, [RefusalSummaryId]: refusalSummaryOf(RejectRequest.ast) })
export type BulkRejectItem = typeof BulkRejectItem.Type

/** `{stories:[{story_id, reason, findings?, review_type?}]}`. */
export const BulkRejectRequest = Schema.Struct({ stories: batchOf("stories", BulkRejectItem) }).annotations({
  [RefusalSummaryId]: batchSummary("stories"),
})
export type BulkRejectRequest = typeof BulkRejectRequest.Type

/** A bulk mark-complete item: the story and, optionally, what was done. */
export const BulkCompletionItem = Schema.Struct({
  story_id: storyIdField,
  ...CompletionRequest.fields,
}).annotations({
  parseOptions: { errors: "all" },
  [RefusalSummaryId]: refusalSummaryOf(CompletionRequest.ast),
})
export type BulkCompletionItem = typeof BulkCompletionItem.Type

/** `{stories:[{story_id, summary?, review_type?}]}`. */
export const BulkCompletionRequest = Schema.Struct({
  stories: batchOf("stories", BulkCompletionItem),
}).annotations({ [RefusalSummaryId]: batchSummary("stories") })
export type BulkCompletionRequest = typeof BulkCompletionRequest.Type
