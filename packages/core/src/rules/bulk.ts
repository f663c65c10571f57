import { Either, Schema } from "effect"
import { ValidationFailed } from "../domain/errors.js"
import { StoryId } from "../domain/ids.js"

/** The most stories one bulk request may name. */
export const maxBatchSize = 50

/** A batch that passed the size rules; the brand makes callers validate before acting. */
export type Batch<A> = ReadonlyArray<A> & { readonly __batch: unique symbol }

const isBatch = <A>(items: ReadonlyArray<A>): items is Batch<A> =>
  items.length > 0 && items.length <= maxBatchSize

/**
 * Checks the list under `key` (`story_ids` or `stories`): present and an array, then 1..50
 * items. Runs before any other check of a bulk endpoint, the agent-link check included.
 */
export const parseBatch = (
  body: unknown,
  key: "story_ids" | "stories",
): Either.Either<Batch<unknown>, ValidationFailed> => {
  const list =
    typeof body === "object" && body !== null && !Array.isArray(body) ? Reflect.get(body, key) : undefined
  const fail = (message: string) =>
    Either.left(new ValidationFailed({ message, details: { [key]: [message] } }))
  if (!Array.isArray(list)) return fail(`${key} is required and must be an array`)
  const items: ReadonlyArray<unknown> = list
  if (items.length === 0) return fail(`${key} must not be empty`)
  if (!isBatch(items)) return fail(`Maximum batch size is ${maxBatchSize} stories`)
  return Either.right(items)
}

/** The outcome of one item of a bulk request. */
export type BulkItemResult =
  | { readonly story_id: string; readonly status: "success" }
  | { readonly story_id: string; readonly status: "error"; readonly reason: string }

/** Results are listed by story id (as the original does), whatever the input order. */
export const sortBulkResults = (results: ReadonlyArray<BulkItemResult>): ReadonlyArray<BulkItemResult> =>
  [...results].sort((a, b) => (a.story_id < b.story_id ? -1 : a.story_id > b.story_id ? 1 : 0))

/** 200 when at least one item succeeded, 422 when all failed. */
export const bulkHttpStatus = (results: ReadonlyArray<BulkItemResult>): 200 | 422 =>
  results.some((r) => r.status === "success") ? 200 : 422

const decodeStoryId = Schema.decodeUnknownOption(StoryId)

/** The story id an item names (`story_id` in an object, or the item itself), if it is a UUID. */
export const itemStoryId = (item: unknown): { readonly raw: string; readonly id: StoryId | undefined } => {
  const raw = typeof item === "object" && item !== null ? Reflect.get(item, "story_id") : item
  const text = typeof raw === "string" ? raw : String(raw)
  const id = decodeStoryId(text)
  return { raw: text, id: id._tag === "Some" ? id.value : undefined }
}
