import { Effect } from "effect"
import type { AuditEntry } from "../../domain/audit-entry.js"
import { type AuditFilter, AuditLog } from "../../ports/audit-log.js"
import type { Epics } from "../../ports/epics.js"
import type { Ids } from "../../ports/ids.js"
import { Projects } from "../../ports/projects.js"
import type { Tenants } from "../../ports/tenants.js"
import type { UnitOfWork } from "../../ports/unit-of-work.js"
import { type ContractSuite, contractCase, expectEqual, expectTrue } from "./contract.js"
import { aProject, anApiKeyId, anAuditEntry, instant, richJson, seedBoard, within } from "./fixtures.js"

const append = (entries: ReadonlyArray<AuditEntry>) => Effect.flatMap(AuditLog, (log) => log.append(entries))
const listed = (filter: AuditFilter, page = 1, page_size = 50) =>
  Effect.flatMap(AuditLog, (log) => log.list(filter, { page, page_size }))
const ids = (entries: ReadonlyArray<AuditEntry>) => entries.map((entry) => entry.id)

/** The AuditLog port: append-only entries of the tenant, newest first, filtered and paged. */
export const auditLogContract: ContractSuite<AuditLog | Projects | Epics | Tenants | UnitOfWork | Ids> = {
  port: "AuditLog",
  cases: [
    contractCase(
      "append then list returns every field",
      Effect.gen(function* () {
        const { tenant, project } = yield* seedBoard
        const bare = yield* anAuditEntry(tenant, { inserted_at: instant(300, 1) })
        const full = yield* anAuditEntry(tenant, {
          project_id: project.id,
          entity_type: "story",
          action: "status_changed",
          actor_type: "api_key",
          actor_id: yield* anApiKeyId,
          actor_label: "agent:worker-1 — Grüße",
          old_state: { agent_status: "assigned" },
          new_state: richJson,
          metadata: { request_id: "abc", nested: { n: [1, 2] } },
          inserted_at: instant(300, 123_456),
        })
        yield* within(tenant.id, append([bare, full]))
        const page = yield* within(tenant.id, listed({}))
        yield* expectEqual(page.items, [full, bare], "entries after a round-trip")
      }),
    ),
    contractCase(
      "list is newest first by inserted_at, whatever the order of appending",
      Effect.gen(function* () {
        const { tenant } = yield* seedBoard
        const at = (second: number, micros = 0) =>
          anAuditEntry(tenant, { inserted_at: instant(second, micros) })
        const t2 = yield* at(310, 2)
        const t4 = yield* at(311)
        const t1 = yield* at(310, 1)
        const t3 = yield* at(310, 3)
        yield* within(tenant.id, append([t2]))
        yield* within(tenant.id, append([t4, t1]))
        yield* within(tenant.id, append([t3]))
        const page = yield* within(tenant.id, listed({}))
        yield* expectEqual(ids(page.items), ids([t4, t3, t2, t1]), "entries, newest first")
        yield* expectEqual(page.total_count, 4, "total_count")
      }),
    ),
    contractCase(
      "list applies every filter, alone and combined",
      Effect.gen(function* () {
        const { tenant, project } = yield* seedBoard
        const other = yield* aProject(tenant)
        yield* within(
          tenant.id,
          Effect.flatMap(Projects, (repo) => repo.insert(other)),
        )
        const x = yield* anAuditEntry(tenant)
        const y = yield* anAuditEntry(tenant)
        const e1 = yield* anAuditEntry(tenant, {
          entity_id: x.entity_id,
          project_id: project.id,
          inserted_at: instant(320, 1),
        })
        const e2 = yield* anAuditEntry(tenant, {
          entity_id: x.entity_id,
          project_id: project.id,
          action: "updated",
          inserted_at: instant(320, 2),
        })
        const e3 = yield* anAuditEntry(tenant, {
          entity_id: y.entity_id,
          project_id: project.id,
          inserted_at: instant(320, 3),
        })
        const e4 = yield* anAuditEntry(tenant, {
          entity_type: "epic",
          project_id: other.id,
          inserted_at: instant(320, 4),
        })
        const e5 = yield* anAuditEntry(tenant, {
          entity_type: "project",
          entity_id: project.id,
          inserted_at: instant(320, 5),
        })
        yield* within(tenant.id, append([e1, e2, e3, e4, e5]))
        const check = (filter: AuditFilter, expected: ReadonlyArray<AuditEntry>) =>
          Effect.gen(function* () {
            const page = yield* within(tenant.id, listed(filter))
            yield* expectEqual(ids(page.items), ids(expected), `entries matching ${JSON.stringify(filter)}`)
            yield* expectEqual(page.total_count, expected.length, `total_count of ${JSON.stringify(filter)}`)
          })
        yield* check({}, [e5, e4, e3, e2, e1])
        yield* check({ entity_type: "story" }, [e3, e2, e1])
        yield* check({ entity_id: x.entity_id }, [e2, e1])
        yield* check({ action: "created" }, [e5, e4, e3, e1])
        yield* check({ project_id: project.id }, [e3, e2, e1])
        yield* check({ project_id: other.id }, [e4])
        yield* check({ entity_type: "story", action: "created" }, [e3, e1])
        yield* check({ entity_type: "story", entity_id: y.entity_id, action: "updated" }, [])
      }),
    ),
    contractCase(
      "list pages through the entries and counts all of them",
      Effect.gen(function* () {
        const { tenant } = yield* seedBoard
        const entries = yield* Effect.forEach([1, 2, 3, 4, 5], (micros) =>
          anAuditEntry(tenant, { inserted_at: instant(330, micros) }),
        )
        yield* within(tenant.id, append(entries))
        const second = yield* within(tenant.id, listed({}, 2, 2))
        yield* expectEqual(
          second.items.map((e) => e.inserted_at),
          [instant(330, 3), instant(330, 2)],
          "page 2 of size 2",
        )
        yield* expectEqual(second.total_count, 5, "total_count of page 2")
        const beyond = yield* within(tenant.id, listed({}, 4, 2))
        yield* expectEqual(beyond.items, [], "page 4 of size 2")
        yield* expectEqual(beyond.total_count, 5, "total_count past the last page")
      }),
    ),
    contractCase(
      "exists answers whether an entry has the entity and the action",
      Effect.gen(function* () {
        const { tenant } = yield* seedBoard
        const entry = yield* anAuditEntry(tenant, { entity_type: "epic", action: "completed" })
        const other = yield* anAuditEntry(tenant, { entity_type: "story", action: "verified" })
        const exists = (entity_type: string, entity_id: string, action: string) =>
          within(
            tenant.id,
            Effect.flatMap(AuditLog, (log) => log.exists(entity_type, entity_id, action)),
          )
        yield* expectEqual(
          yield* exists("epic", entry.entity_id, "completed"),
          false,
          "exists before appending",
        )
        yield* within(tenant.id, append([entry, other]))
        yield* expectTrue(yield* exists("epic", entry.entity_id, "completed"), "exists after appending")
        yield* expectEqual(
          yield* exists("epic", entry.entity_id, "verified"),
          false,
          "exists, another action",
        )
        yield* expectEqual(
          yield* exists("story", entry.entity_id, "completed"),
          false,
          "exists, another type",
        )
        yield* expectEqual(
          yield* exists("epic", other.entity_id, "completed"),
          false,
          "exists, another entity",
        )
      }),
    ),
    contractCase(
      "another tenant's unit of work sees none of the entries",
      Effect.gen(function* () {
        const { tenant } = yield* seedBoard
        const { tenant: stranger } = yield* seedBoard
        const entry = yield* anAuditEntry(tenant, { entity_type: "epic", action: "completed" })
        yield* within(tenant.id, append([entry]))
        const page = yield* within(stranger.id, listed({}))
        yield* expectEqual(page.items, [], "entries listed to a stranger")
        yield* expectEqual(page.total_count, 0, "total_count for a stranger")
        const seen = yield* within(
          stranger.id,
          Effect.flatMap(AuditLog, (log) => log.exists("epic", entry.entity_id, "completed")),
        )
        yield* expectEqual(seen, false, "exists for a stranger")
      }),
    ),
  ],
}
