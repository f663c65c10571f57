import { Schema } from "effect"
import type { EpicId } from "../../kernel/domain/ids.js"
import type { AgentStatus, VerifiedStatus } from "./status.js"

/**
 * How far a project or an epic has come, counted from its stories' two statuses. The counts
 * come from the store already grouped (never by loading the stories); `rules/progress` turns
 * them into these views.
 */

/** How many stories of one epic share one pair of statuses, and the hours they were estimated at. */
export interface StatusCount {
  readonly epic_id: EpicId
  readonly agent_status: AgentStatus
  readonly verified_status: VerifiedStatus
  readonly stories: number
  /** The sum of `estimated_hours` over these stories; a story without an estimate adds 0. */
  readonly estimated_hours: number
}

const Count = Schema.Int.pipe(Schema.nonNegative())

/** Stories per `agent_status`, every status present. */
export const StoriesByAgentStatus = Schema.Struct({
  pending: Count,
  contracted: Count,
  assigned: Count,
  implementing: Count,
  reported_done: Count,
}).annotations({ identifier: "StoriesByAgentStatus" })
export type StoriesByAgentStatus = typeof StoriesByAgentStatus.Type

/** Stories per `verified_status`, every status present. */
export const StoriesByVerifiedStatus = Schema.Struct({
  unverified: Count,
  verified: Count,
  rejected: Count,
}).annotations({ identifier: "StoriesByVerifiedStatus" })
export type StoriesByVerifiedStatus = typeof StoriesByVerifiedStatus.Type

/** `GET /projects/:id/progress`. */
export const ProjectProgress = Schema.Struct({
  total_stories: Count,
  stories_by_agent_status: StoriesByAgentStatus,
  stories_by_verified_status: StoriesByVerifiedStatus,
  total_epics: Count,
  epics_completed: Count.annotations({
    description: "Epics with at least one story and every story verified",
  }),
  verification_percentage: Schema.Number.annotations({
    description: "Verified stories out of all, in percent with one decimal (0 when there are none)",
  }),
  estimated_hours_total: Schema.Number,
  estimated_hours_completed: Schema.Number.annotations({ description: "Over verified stories only" }),
}).annotations({ identifier: "ProjectProgress" })
export type ProjectProgress = typeof ProjectProgress.Type

/** `GET /epics/:id/progress`: the two breakdowns and nothing else. */
export const EpicProgress = Schema.Struct({
  stories_by_agent_status: StoriesByAgentStatus,
  stories_by_verified_status: StoriesByVerifiedStatus,
}).annotations({ identifier: "EpicProgress" })
export type EpicProgress = typeof EpicProgress.Type

/** What the epic list adds to each epic. */
export interface EpicCompletion {
  readonly story_count: number
  /** Verified stories out of all, in percent with one decimal (0 when the epic is empty). */
  readonly completion_percentage: number
}
