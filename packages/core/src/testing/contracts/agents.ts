import { Effect } from "effect"
import type { AgentFilter } from "../../identity/domain/agent-filter.js"
import type { Agent } from "../../identity/domain/agent.js"
import { Agents } from "../../identity/ports/agents.js"
import type { ApiKeys } from "../../identity/ports/api-keys.js"
import type { Tenants } from "../../identity/ports/tenants.js"
import { AgentId } from "../../kernel/domain/ids.js"
import { type Ids, freshId } from "../../kernel/ports/ids.js"
import type { UnitOfWork } from "../../kernel/ports/unit-of-work.js"
import { anAgent, anApiKey, storeAgents, storeKeys } from "./access-fixtures.js"
import {
  type ContractSuite,
  contractCase,
  expectEqual,
  expectFailure,
  expectNone,
  expectSome,
} from "./contract.js"
import { freshTenant, instant, richJson, within } from "./fixtures.js"

type TenantRef = { readonly id: Parameters<typeof within>[0] }

const agentsOf = <A, E>(tenant: TenantRef, f: (repo: typeof Agents.Service) => Effect.Effect<A, E>) =>
  within(tenant.id, Effect.flatMap(Agents, f))

const names = (agents: ReadonlyArray<Agent>) => agents.map((agent) => agent.name)

const page = { page: 1, page_size: 50 }

/** The Agents port: per-tenant names, lookups by id, name and key, filtered and ordered pages. */
export const agentsContract: ContractSuite<Agents | ApiKeys | Tenants | UnitOfWork | Ids> = {
  port: "Agents",
  cases: [
    contractCase(
      "insert then findById and findByName return every field",
      Effect.gen(function* () {
        const tenant = yield* freshTenant()
        const agent = yield* anAgent(tenant, {
          name: "Wörker ✓",
          agent_type: "orchestrator",
          status: "idle",
          last_seen_at: instant(3, 300_003),
          metadata: richJson,
          inserted_at: instant(1, 1),
          updated_at: instant(2, 2),
        })
        yield* storeAgents(tenant, [agent])
        const byId = yield* agentsOf(tenant, (repo) => repo.findById(agent.id))
        yield* expectEqual(yield* expectSome(byId, "the agent by id"), agent, "agent by id")
        const byName = yield* agentsOf(tenant, (repo) => repo.findByName(agent.name))
        yield* expectEqual(yield* expectSome(byName, "the agent by name"), agent, "agent by name")
        const unknown = yield* freshId(AgentId)
        yield* expectNone(yield* agentsOf(tenant, (repo) => repo.findById(unknown)), "an unknown agent")
        yield* expectNone(yield* agentsOf(tenant, (repo) => repo.findByName("nobody")), "an unknown name")
      }),
    ),
    contractCase(
      "names are unique per tenant: DuplicateKey name, while another tenant may reuse one",
      Effect.gen(function* () {
        const a = yield* freshTenant()
        const b = yield* freshTenant()
        const first = yield* anAgent(a, { name: "w1" })
        yield* storeAgents(a, [first])
        const twin = yield* anAgent(a, { name: "w1" })
        const refused = yield* expectFailure(
          storeAgents(a, [twin]),
          "DuplicateKey",
          "a second w1 in tenant A",
        )
        yield* expectEqual(refused.key, "name", "the refused key")
        yield* expectNone(yield* agentsOf(a, (repo) => repo.findById(twin.id)), "the refused agent")
        yield* storeAgents(b, [yield* anAgent(b, { name: "w1" })])
      }),
    ),
    contractCase(
      "another tenant's agent is never found, by id, name, key or list",
      Effect.gen(function* () {
        const a = yield* freshTenant()
        const b = yield* freshTenant()
        const agent = yield* anAgent(a, { name: "private" })
        yield* storeAgents(a, [agent])
        const key = yield* anApiKey(a, { role: "agent", agent_id: agent.id })
        yield* storeKeys(a, [key])
        yield* expectNone(yield* agentsOf(b, (repo) => repo.findById(agent.id)), "by id")
        yield* expectNone(yield* agentsOf(b, (repo) => repo.findByName("private")), "by name")
        yield* expectNone(yield* agentsOf(b, (repo) => repo.findByApiKey(key.id)), "by key")
        const listed = yield* agentsOf(b, (repo) => repo.list({ sort_by: "name" }, page))
        yield* expectEqual(listed.total_count, 0, "tenant B's agent count")
      }),
    ),
    contractCase(
      "findByApiKey finds the agent a key is linked to, and none for an unlinked key",
      Effect.gen(function* () {
        const tenant = yield* freshTenant()
        const agent = yield* anAgent(tenant)
        yield* storeAgents(tenant, [agent])
        const linked = yield* anApiKey(tenant, { role: "orchestrator", agent_id: agent.id })
        const unlinked = yield* anApiKey(tenant, { role: "agent" })
        yield* storeKeys(tenant, [linked, unlinked])
        const found = yield* agentsOf(tenant, (repo) => repo.findByApiKey(linked.id))
        yield* expectEqual(yield* expectSome(found, "the linked agent"), agent, "agent of the key")
        yield* expectNone(yield* agentsOf(tenant, (repo) => repo.findByApiKey(unlinked.id)), "unlinked key")
      }),
    ),
    contractCase(
      "list filters by type and status, orders by the field asked (nulls last) then id, and pages",
      Effect.gen(function* () {
        const tenant = yield* freshTenant()
        const agents = [
          yield* anAgent(tenant, { name: "delta", agent_type: "implementer", last_seen_at: instant(4) }),
          yield* anAgent(tenant, { name: "alpha", agent_type: "orchestrator", last_seen_at: null }),
          yield* anAgent(tenant, { name: "charlie", agent_type: "implementer", status: "idle" }),
          yield* anAgent(tenant, { name: "bravo", agent_type: "implementer", last_seen_at: instant(2) }),
        ]
        yield* storeAgents(tenant, agents)
        const list = (filter: AgentFilter, request = page) =>
          agentsOf(tenant, (repo) => repo.list(filter, request))
        const all = yield* list({ sort_by: "name" })
        yield* expectEqual(names(all.items), ["alpha", "bravo", "charlie", "delta"], "by name")
        yield* expectEqual(all.total_count, 4, "total")
        const seen = yield* list({ sort_by: "last_seen_at" })
        yield* expectEqual(names(seen.items).slice(0, 2), ["bravo", "delta"], "by last_seen_at")
        const implementers = yield* list({ sort_by: "name", agent_type: "implementer" })
        yield* expectEqual(names(implementers.items), ["bravo", "charlie", "delta"], "implementers")
        const idle = yield* list({ sort_by: "name", status: "idle" })
        yield* expectEqual(names(idle.items), ["charlie"], "idle agents")
        const second = yield* list({ sort_by: "name", agent_type: "implementer" }, { page: 2, page_size: 1 })
        yield* expectEqual(names(second.items), ["charlie"], "page 2 of size 1")
        yield* expectEqual(second.total_count, 3, "total of the filtered list")
        const past = yield* list({ sort_by: "name" }, { page: 9, page_size: 10 })
        yield* expectEqual([past.items.length, past.total_count], [0, 4], "a page past the end")
      }),
    ),
  ],
}
