import { Context, type Effect, type Option } from "effect"
import type { AgentId, ApiKeyId } from "../../kernel/domain/ids.js"
import type { PageRequest, Paged } from "../../kernel/domain/page.js"
import type { DuplicateKey } from "../../kernel/ports/storage-errors.js"
import type { Agent, AgentActivity, AgentType } from "../domain/agent.js"

/** The orders the agent list offers; ties are broken by id. Null `last_seen_at` sorts last. */
export const AgentSortFields = ["name", "agent_type", "status", "last_seen_at", "inserted_at"] as const
export type AgentSort = (typeof AgentSortFields)[number]

/** Filters and order of the agent list. */
export interface AgentFilter {
  readonly agent_type?: AgentType
  readonly status?: AgentActivity
  readonly sort_by: AgentSort
}

/** The current tenant's registered agents. */
export class Agents extends Context.Tag("@loopctl/core/Agents")<
  Agents,
  {
    /** Fails with DuplicateKey `name` when the tenant already has an agent of that name. */
    readonly insert: (agent: Agent) => Effect.Effect<void, DuplicateKey>
    readonly findById: (id: AgentId) => Effect.Effect<Option.Option<Agent>>
    readonly findByName: (name: string) => Effect.Effect<Option.Option<Agent>>
    /** The agent a key of the current tenant is linked to. */
    readonly findByApiKey: (key: ApiKeyId) => Effect.Effect<Option.Option<Agent>>
    /** Ascending by `filter.sort_by`, then id. */
    readonly list: (filter: AgentFilter, page: PageRequest) => Effect.Effect<Paged<Agent>>
  }
>() {}
