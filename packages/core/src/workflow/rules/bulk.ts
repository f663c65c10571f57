import { Either, Schema } from "effect"
import { ValidationFailed } from "../../kernel/domain/errors.js"
import { StoryId } from "../../kernel/domain/ids.js"
import { type BulkItemResult, BulkOutcome } from "../domain/bulk-outcome.js"

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

/** Results are listed by story id (as the original does), whatever the input order. */
export const sortBulkResults = (results: ReadonlyArray<BulkItemResult>): ReadonlyArray<BulkItemResult> =>
  [...results].sort((a, b) => (a.story_id < b.story_id ? -1 : a.story_id > b.story_id ? 1 : 0))

/** The outcome of a bulk request from its items' results. */
export const bulkOutcome = (results: ReadonlyArray<BulkItemResult>): BulkOutcome =>
  results.some((r) => r.status === "success")
    ? BulkOutcome.Applied({ results })
    : BulkOutcome.AllRefused({ results })

const decodeStoryId = Schema.decodeUnknownOption(StoryId)

/** The story id an item names (`story_id` in an object, or the item itself), if it is a UUID. */
export const itemStoryId = (item: unknown): { readonly raw: string; readonly id: StoryId | undefined } => {
  const raw = typeof item === "object" && item !== null ? Reflect.get(item, "story_id") : item
  const text = typeof raw === "string" ? raw : String(raw)
  const id = decodeStoryId(text)
  return { raw: text, id: id._tag === "Some" ? id.value : undefined }
}

/** The state each bulk action needs, named in an item's refusal. */
const requiredStatus: Readonly<Record<string, string>> = {
  claim: "contracted",
  verify: "reported_done",
  reject: "reported_done",
}

/** A refusal of one item as the original words it, whatever single-story error it came from. */
export const itemRefusal = (
  story_id: string,
  error: {
    readonly _tag: string
    readonly message: string
    readonly code?: string | undefined
    readonly current_state?: string
    readonly attempted_action?: string
    readonly hints?: ReadonlyArray<string>
  },
): BulkItemResult => {
  const refused = (reason: string, code?: string): BulkItemResult =>
    code === undefined ? { story_id, status: "error", reason } : { story_id, status: "error", reason, code }
  if (error._tag === "NotFound") return refused("Story not found")
  const required = requiredStatus[error.attempted_action ?? ""]
  if (
    required !== undefined &&
    (error.code === "invalid_transition" || error.code === "must_contract_first")
  ) {
    return refused(`Story is not in ${required} status (current: ${error.current_state})`, error.code)
  }
  if (error.code === "dependencies_not_met" && error.hints !== undefined && error.hints.length > 0) {
    return refused(error.hints.join("; "), error.code)
  }
  return refused(error.message, error.code)
}

/** Defaults of a bulk verify item, which may leave its evidence out. */
export const bulkVerifyDefaults = { summary: "Verified via bulk operation", review_type: "bulk_verify" }

/** Defaults of a bulk reject item. */
export const bulkRejectDefaults = { review_type: "bulk_reject" }

const blank = (value: unknown) => typeof value !== "string" || value.trim() === ""

/** A bulk item with its missing (or blank) fields filled from `defaults`. */
export const withDefaults = (
  item: unknown,
  defaults: Readonly<Record<string, string>>,
): Readonly<Record<string, unknown>> => {
  const input: Record<string, unknown> =
    typeof item === "object" && item !== null && !Array.isArray(item) ? { ...item } : {}
  for (const [key, value] of Object.entries(defaults)) if (blank(input[key])) input[key] = value
  return input
}
