import { AgentStatus, EpicId, type StatusCount, VerifiedStatus } from "@loopctl/core"
import { type Effect, Schema } from "effect"
import { decodeRows } from "../rows.js"

/** A row of the grouped story count behind progress (`Stories.countByStatus`). */
const StatusCountRow = Schema.Struct({
  epic_id: EpicId,
  agent_status: AgentStatus,
  verified_status: VerifiedStatus,
  stories: Schema.Number,
  estimated_hours: Schema.Number,
})

/** Counts and sums may come back as numeric text, depending on the driver; both are read as numbers. */
export const decodeStatusCounts: (
  rows: ReadonlyArray<Readonly<Record<string, unknown>>>,
) => Effect.Effect<ReadonlyArray<StatusCount>> = decodeRows(StatusCountRow, {
  timestamps: [],
  numbers: ["stories", "estimated_hours"],
})
