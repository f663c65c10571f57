import type { RefusedItem } from "../domain/bulk.js"

/**
 * The items of a bulk request as decoded (1..50 of them, see domain/bulk.ts): each one read, or
 * refused as it was read.
 */
export type Batch<A> = ReadonlyArray<A | RefusedItem>

/** Whether an item was refused as it was read. */
export const isRefused = <A>(item: A | RefusedItem): item is RefusedItem =>
  typeof item === "object" && item !== null && "_tag" in item && item._tag === "RefusedItem"

/** The outcome of one item of a bulk request; a refusal says why, and its code when it has one. */
export type BulkItemResult =
  | { readonly story_id: string; readonly status: "success" }
  | {
      readonly story_id: string
      readonly status: "error"
      readonly reason: string
      readonly code?: string
    }

/** Results are listed by story id (as the original does), whatever the input order. */
export const sortBulkResults = (results: ReadonlyArray<BulkItemResult>): ReadonlyArray<BulkItemResult> =>
  [...results].sort((a, b) => (a.story_id < b.story_id ? -1 : a.story_id > b.story_id ? 1 : 0))

/** 200 when at least one item succeeded, 422 when all failed. */
export const bulkHttpStatus = (results: ReadonlyArray<BulkItemResult>): 200 | 422 =>
  results.some((r) => r.status === "success") ? 200 : 422

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

/** Defaults of a bulk verify item, which may leave its evidence out (or blank). */
export const bulkVerifyDefaults = { summary: "Verified via bulk operation", review_type: "bulk_verify" }

/** Defaults of a bulk reject item. */
export const bulkRejectDefaults = { review_type: "bulk_reject" }

/** `text`, or `fallback` when it is missing or blank. */
export const orDefault = (text: string | null | undefined, fallback: string): string =>
  text === undefined || text === null || text.trim() === "" ? fallback : text
