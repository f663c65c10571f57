import type { EpicId } from "../../kernel/domain/ids.js"
import type { AgentStatus, ProjectStatus, VerifiedStatus } from "./status.js"

/** Filters of the project list; an absent status lists active projects only. */
export interface ProjectFilter {
  readonly status?: ProjectStatus | "any"
}

/** Filters of the paged epic list. */
export interface EpicFilter {
  readonly phase?: string
}

/** Filters of story lists. */
export interface StoryFilter {
  readonly epic_id?: EpicId
  readonly agent_status?: AgentStatus
  readonly verified_status?: VerifiedStatus
}
