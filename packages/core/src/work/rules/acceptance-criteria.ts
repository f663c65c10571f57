import { Schema } from "effect"
import { type JsonObject, isJsonObject } from "../../kernel/domain/json.js"
import { Timestamp } from "../../kernel/domain/timestamp.js"
import { AcceptanceCriterion, type Story } from "../domain/story.js"

/**
 * The first-class view of a story's acceptance criteria (workflow.md §1.4), derived from the JSON
 * array the story stores — so every story has one, not only those a migration once copied.
 */

/** What an item without a machine-checkable criterion of its own is verified by. */
export const LEGACY_VERIFICATION: JsonObject = { type: "manual", description: "legacy" }

const isStatus = Schema.is(Schema.Literal("pending", "verified", "failed", "unverifiable"))
const isTimestamp = Schema.is(Timestamp)

const nonBlank = (value: unknown): string | undefined =>
  typeof value === "string" && value.trim() !== "" ? value : undefined

/**
 * One row per item, in `ac_id` order (as text; items sharing an id keep their array order).
 * `ac_id` is the item's `id`, else `AC-<position>`; the description is the item's
 * `description`, else its `criterion`, else "No description". The row `id` joins the story id
 * and the 1-based position, so it is stable while the array is.
 */
export const acceptanceCriteriaOf = (
  story: Pick<Story, "id" | "acceptance_criteria">,
): ReadonlyArray<AcceptanceCriterion> =>
  story.acceptance_criteria
    .map((item, index) => {
      const position = index + 1
      const status = item.status
      const verified_at = item.verified_at
      return new AcceptanceCriterion({
        id: `${story.id}:${position}`,
        ac_id: nonBlank(item.id) ?? `AC-${position}`,
        description: nonBlank(item.description) ?? nonBlank(item.criterion) ?? "No description",
        verification_criterion: isJsonObject(item.verification_criterion)
          ? item.verification_criterion
          : LEGACY_VERIFICATION,
        status: isStatus(status) ? status : "pending",
        verified_at: isTimestamp(verified_at) ? verified_at : null,
        evidence_path: nonBlank(item.evidence_path) ?? null,
      })
    })
    .map((row, index) => ({ row, index }))
    .sort((a, b) => (a.row.ac_id < b.row.ac_id ? -1 : a.row.ac_id > b.row.ac_id ? 1 : a.index - b.index))
    .map(({ row }) => row)
