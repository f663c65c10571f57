import type { AgentActivity, AgentType } from "./agent.js"

/** The orders the agent list offers; ties are broken by id. Null `last_seen_at` sorts last. */
export const AgentSortFields = ["name", "agent_type", "status", "last_seen_at", "inserted_at"] as const
export type AgentSort = (typeof AgentSortFields)[number]

/** Filters and order of the agent list. */
export interface AgentFilter {
  readonly agent_type?: AgentType
  readonly status?: AgentActivity
  readonly sort_by: AgentSort
}

/** The agent list's query as the contract decodes it: each filter and the order, when given. */
export interface AgentListQuery {
  readonly agent_type?: AgentType | undefined
  readonly status?: AgentActivity | undefined
  readonly sort_by?: AgentSort | undefined
}
