import { Context, type Effect, type Option } from "effect"
import type { DuplicateKey } from "../../kernel/domain/duplicate-key.js"
import type { AgentId, ApiKeyId } from "../../kernel/domain/ids.js"
import type { PageRequest, Paged } from "../../kernel/domain/page.js"
import type { AgentFilter } from "../domain/agent-filter.js"
import type { Agent } from "../domain/agent.js"

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
