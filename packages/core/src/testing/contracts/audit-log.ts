import { Effect, Schema } from "effect"
import type { AuditEntry } from "../../audit/domain/audit-entry.js"
import type { AuditFilter, ChangeFilter } from "../../audit/domain/audit-filter.js"
import { AuditLog } from "../../audit/ports/audit-log.js"
import type { Tenants } from "../../identity/ports/tenants.js"
import type { Timestamp } from "../../kernel/domain/timestamp.js"
import { type Ids, freshId } from "../../kernel/ports/ids.js"
import { UnitOfWork } from "../../kernel/ports/unit-of-work.js"
import type { Epics } from "../../work/ports/epics.js"
import { Projects } from "../../work/ports/projects.js"
import { type ContractSuite, contractCase, expectEqual, expectTrue } from "./contract.js"
import { aProject, anApiKeyId, anAuditEntry, instant, richJson, seedBoard, within } from "./fixtures.js"

const append = (entries: ReadonlyArray<AuditEntry>) => Effect.flatMap(AuditLog, (log) => log.append(entries))
const listed = (filter: AuditFilter, page = 1, page_size = 50) =>
  Effect.flatMap(AuditLog, (log) => log.list(filter, { page, page_size }))
const ids = (entries: ReadonlyArray<AuditEntry>) => entries.map((entry) => entry.id)
const changes = (since: Timestamp, filter: ChangeFilter, limit: number) =>
  Effect.flatMap(AuditLog, (log) => log.changes(since, filter, limit))
const history = (story: string, page = 1, page_size = 50) =>
  Effect.flatMap(AuditLog, (log) => log.storyHistory(story, { page, page_size }))
const mentions = (entity: string) => Effect.flatMap(AuditLog, (log) => log.mentions(entity))

/** Oldest first by (inserted_at, id), as the change feed and a story's history order entries. */
const chronological = (entries: ReadonlyArray<AuditEntry>) =>
  [...entries].sort(
    (a, b) => a.inserted_at.localeCompare(b.inserted_at) || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0),
  )

/**
 * The AuditLog port: append-only entries of the tenant, newest first, filtered and paged; the
 * change feed after a cursor that never splits one instant's entries; a story's history.
 */
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
      "list filters by actor and by an inclusive time range",
      Effect.gen(function* () {
        const { tenant } = yield* seedBoard
        const key = yield* anApiKeyId
        const e1 = yield* anAuditEntry(tenant, { inserted_at: instant(340, 1) })
        const e2 = yield* anAuditEntry(tenant, {
          actor_type: "api_key",
          actor_id: key,
          inserted_at: instant(340, 2),
        })
        const e3 = yield* anAuditEntry(tenant, {
          actor_type: "superadmin",
          actor_id: key,
          inserted_at: instant(340, 3),
        })
        const e4 = yield* anAuditEntry(tenant, { inserted_at: instant(341) })
        yield* within(tenant.id, append([e1, e2, e3, e4]))
        const check = (filter: AuditFilter, expected: ReadonlyArray<AuditEntry>) =>
          Effect.gen(function* () {
            const page = yield* within(tenant.id, listed(filter))
            yield* expectEqual(ids(page.items), ids(expected), `entries matching ${JSON.stringify(filter)}`)
            yield* expectEqual(page.total_count, expected.length, `total_count of ${JSON.stringify(filter)}`)
          })
        yield* check({ actor_type: "api_key" }, [e2])
        yield* check({ actor_type: "system" }, [e4, e1])
        yield* check({ actor_id: key }, [e3, e2])
        yield* check({ actor_id: key, actor_type: "superadmin" }, [e3])
        yield* check({ from: instant(340, 2) }, [e4, e3, e2])
        yield* check({ to: instant(340, 2) }, [e2, e1])
        yield* check({ from: instant(340, 2), to: instant(340, 3) }, [e3, e2])
        yield* check({ from: instant(340, 3), to: instant(340, 3) }, [e3])
        yield* check({ from: instant(341, 1) }, [])
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
      "changes returns the entries strictly after the cursor, oldest first by (inserted_at, id)",
      Effect.gen(function* () {
        const { tenant } = yield* seedBoard
        const at = (second: number, micros = 0) =>
          anAuditEntry(tenant, { inserted_at: instant(second, micros) })
        const before = yield* at(350)
        const onCursor = yield* at(350, 10)
        const tied = yield* Effect.forEach([1, 2, 3], () => at(350, 20))
        const last = yield* at(351)
        yield* within(tenant.id, append([last, ...tied, before]))
        yield* within(tenant.id, append([onCursor]))
        const batch = yield* within(tenant.id, changes(instant(350, 10), {}, 100))
        yield* expectEqual(
          ids(batch.entries),
          ids(chronological([...tied, last])),
          "entries after the cursor",
        )
        yield* expectEqual(batch.has_more, false, "has_more when everything fits")
        const all = yield* within(tenant.id, changes(instant(349), {}, 100))
        yield* expectEqual(
          all.entries,
          chronological([before, onCursor, ...tied, last]),
          "entries round-trip",
        )
        const none = yield* within(tenant.id, changes(instant(351), {}, 100))
        yield* expectEqual(none, { entries: [], has_more: false }, "nothing after the last entry")
      }),
    ),
    contractCase(
      "changes stops at the limit, but never inside one instant's group",
      Effect.gen(function* () {
        const { tenant } = yield* seedBoard
        const at = (second: number, micros = 0) =>
          anAuditEntry(tenant, { inserted_at: instant(second, micros) })
        const a = yield* at(360, 1)
        const b = yield* at(360, 2)
        const group = yield* Effect.forEach([1, 2, 3, 4], () => at(360, 3))
        const c = yield* at(360, 4)
        const d = yield* at(360, 5)
        yield* within(tenant.id, append([d, ...group, c, b, a]))
        const since = instant(360)
        const read = (limit: number) => within(tenant.id, changes(since, {}, limit))
        const two = yield* read(2)
        yield* expectEqual(ids(two.entries), ids([a, b]), "a limit at a boundary")
        yield* expectEqual(two.has_more, true, "has_more at a boundary")
        const three = yield* read(3)
        yield* expectEqual(
          ids(three.entries),
          ids([a, b, ...chronological(group)]),
          "a limit inside the group",
        )
        yield* expectEqual(three.has_more, true, "has_more after a completed group")
        const five = yield* read(5)
        yield* expectEqual(
          ids(five.entries),
          ids([a, b, ...chronological(group)]),
          "a limit on the group's end",
        )
        yield* expectEqual(five.has_more, true, "has_more after the group's end")
        const seven = yield* read(7)
        yield* expectEqual(ids(seven.entries), ids([a, b, ...chronological(group), c]), "a limit one short")
        yield* expectEqual(seven.has_more, true, "has_more one short")
        const eight = yield* read(8)
        yield* expectEqual(eight.entries.length, 8, "a limit of exactly all")
        yield* expectEqual(eight.has_more, false, "has_more with exactly all")
        const lastGroup = yield* Effect.forEach([1, 2, 3], () => at(361))
        yield* within(tenant.id, append(lastGroup))
        const tail = yield* within(tenant.id, changes(instant(360, 5), {}, 1))
        yield* expectEqual(
          ids(tail.entries),
          ids(chronological(lastGroup)),
          "a final group wider than the limit",
        )
        yield* expectEqual(tail.has_more, false, "has_more after the final group")
      }),
    ),
    contractCase(
      "following the change feed's cursor yields every entry once",
      Effect.gen(function* () {
        const { tenant } = yield* seedBoard
        const micros = [1, 1, 2, 3, 3, 3, 4, 5, 5, 6, 7, 7, 7, 7, 8]
        const entries = yield* Effect.forEach(micros, (m) =>
          anAuditEntry(tenant, { inserted_at: instant(370, m) }),
        )
        yield* within(tenant.id, append(entries))
        for (const limit of [1, 2, 3, 4, 20]) {
          const seen: Array<AuditEntry> = []
          let since = instant(370)
          let more = true
          while (more) {
            const batch = yield* within(tenant.id, changes(since, {}, limit))
            seen.push(...batch.entries)
            const last = batch.entries[batch.entries.length - 1]
            more = batch.has_more && last !== undefined
            if (last !== undefined) since = last.inserted_at
          }
          yield* expectEqual(ids(seen), ids(chronological(entries)), `entries read with limit ${limit}`)
        }
      }),
    ),
    contractCase(
      "changes applies its filters before the limit",
      Effect.gen(function* () {
        const { tenant, project } = yield* seedBoard
        const e1 = yield* anAuditEntry(tenant, { inserted_at: instant(380, 1) })
        const e2 = yield* anAuditEntry(tenant, {
          entity_type: "epic",
          project_id: project.id,
          inserted_at: instant(380, 2),
        })
        const e3 = yield* anAuditEntry(tenant, { action: "updated", inserted_at: instant(380, 3) })
        const e4 = yield* anAuditEntry(tenant, {
          entity_type: "epic",
          action: "updated",
          project_id: project.id,
          inserted_at: instant(380, 4),
        })
        yield* within(tenant.id, append([e1, e2, e3, e4]))
        const check = (
          filter: ChangeFilter,
          limit: number,
          expected: ReadonlyArray<AuditEntry>,
          more: boolean,
        ) =>
          Effect.gen(function* () {
            const batch = yield* within(tenant.id, changes(instant(380), filter, limit))
            const what = `changes matching ${JSON.stringify(filter)} with limit ${limit}`
            yield* expectEqual(ids(batch.entries), ids(expected), what)
            yield* expectEqual(batch.has_more, more, `has_more of ${what}`)
          })
        yield* check({ entity_type: "epic" }, 10, [e2, e4], false)
        yield* check({ entity_type: "epic" }, 1, [e2], true)
        yield* check({ action: "updated" }, 10, [e3, e4], false)
        yield* check({ project_id: project.id }, 10, [e2, e4], false)
        yield* check({ project_id: project.id, action: "updated" }, 1, [e4], false)
        yield* check({ entity_type: "agent" }, 10, [], false)
        // A role's scope (D24) is a filter like the others: counted before the limit.
        yield* check({ entity_types: ["epic"] }, 10, [e2, e4], false)
        yield* check({ entity_types: ["epic"] }, 1, [e2], true)
        yield* check({ entity_types: ["story", "epic"], action: "updated" }, 10, [e3, e4], false)
        yield* check({ entity_types: ["epic"], entity_type: "story" }, 10, [], false)
        yield* check({ entity_types: [] }, 10, [], false)
      }),
    ),
    contractCase(
      "a story's history holds its entries and its token usage reports, oldest first",
      Effect.gen(function* () {
        const { tenant } = yield* seedBoard
        const story = yield* freshId(Schema.UUID)
        const other = yield* freshId(Schema.UUID)
        const own = (micros: number, overrides: Partial<AuditEntry> = {}) =>
          anAuditEntry(tenant, { entity_id: story, inserted_at: instant(390, micros), ...overrides })
        const created = yield* own(1)
        const usage = yield* anAuditEntry(tenant, {
          entity_type: "token_usage_report",
          metadata: { story_id: story, input_tokens: 10 },
          inserted_at: instant(390, 2),
        })
        const claimed = yield* own(3, { action: "status_changed" })
        const tiedA = yield* own(4, { action: "updated" })
        const tiedB = yield* own(4, { action: "verified" })
        const noise = [
          yield* anAuditEntry(tenant, { entity_id: other, inserted_at: instant(390, 2) }),
          yield* anAuditEntry(tenant, {
            entity_type: "token_usage_report",
            metadata: { story_id: other },
            inserted_at: instant(390, 3),
          }),
          yield* own(5, { entity_type: "artifact_report" }),
          yield* anAuditEntry(tenant, {
            entity_type: "epic",
            metadata: { story_id: story },
            inserted_at: instant(390, 6),
          }),
        ]
        yield* within(tenant.id, append([tiedB, claimed, ...noise, usage, tiedA, created]))
        const expected = [created, usage, claimed, ...chronological([tiedA, tiedB])]
        const all = yield* within(tenant.id, history(story))
        yield* expectEqual(all.items, expected, "the story's history")
        yield* expectEqual(all.total_count, 5, "total_count of the history")
        const second = yield* within(tenant.id, history(story, 2, 2))
        yield* expectEqual(ids(second.items), ids(expected.slice(2, 4)), "page 2 of size 2")
        yield* expectEqual(second.total_count, 5, "total_count of page 2")
        const beyond = yield* within(tenant.id, history(story, 4, 2))
        yield* expectEqual(beyond, { items: [], total_count: 5 }, "a page past the end")
        const unknown = yield* within(tenant.id, history(yield* freshId(Schema.UUID)))
        yield* expectEqual(unknown, { items: [], total_count: 0 }, "history of an unknown id")
      }),
    ),
    contractCase(
      "mentions answers whether any entry, of any type, names the entity",
      Effect.gen(function* () {
        const { tenant } = yield* seedBoard
        const entry = yield* anAuditEntry(tenant, { entity_type: "artifact_report" })
        const story = yield* freshId(Schema.UUID)
        const usage = yield* anAuditEntry(tenant, {
          entity_type: "token_usage_report",
          metadata: { story_id: story },
        })
        yield* expectEqual(yield* within(tenant.id, mentions(entry.entity_id)), false, "before appending")
        yield* within(tenant.id, append([entry, usage]))
        yield* expectTrue(yield* within(tenant.id, mentions(entry.entity_id)), "after appending")
        yield* expectTrue(yield* within(tenant.id, mentions(usage.entity_id)), "a usage entry's own id")
        yield* expectEqual(yield* within(tenant.id, mentions(story)), false, "an id named only in metadata")
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
        const story = yield* anAuditEntry(tenant, { inserted_at: instant(400) })
        yield* within(tenant.id, append([story]))
        const feed = yield* within(stranger.id, changes(instant(0), {}, 1000))
        yield* expectEqual(feed, { entries: [], has_more: false }, "changes for a stranger")
        const told = yield* within(stranger.id, history(story.entity_id))
        yield* expectEqual(told, { items: [], total_count: 0 }, "a story's history for a stranger")
        yield* expectEqual(
          yield* within(stranger.id, mentions(story.entity_id)),
          false,
          "mentions for a stranger",
        )
      }),
    ),
    contractCase(
      "a platform transaction lists every tenant's entries, and filters by tenant",
      Effect.gen(function* () {
        const { tenant } = yield* seedBoard
        const { tenant: other } = yield* seedBoard
        const shared = yield* freshId(Schema.UUID)
        const mine = yield* anAuditEntry(tenant, { entity_id: shared, inserted_at: instant(500) })
        const theirs = yield* anAuditEntry(other, { entity_id: shared, inserted_at: instant(501) })
        yield* within(tenant.id, append([mine]))
        yield* within(other.id, append([theirs]))
        const platform = <A, E, R>(work: Effect.Effect<A, E, R>) =>
          Effect.flatMap(UnitOfWork, (uow) => uow.transactPlatform(work))
        const everyone = yield* platform(listed({ entity_id: shared }))
        yield* expectEqual(ids(everyone.items), ids([theirs, mine]), "both tenants' entries, newest first")
        yield* expectEqual(everyone.total_count, 2, "total_count across tenants")
        const one = yield* platform(listed({ entity_id: shared, tenant_id: tenant.id }))
        yield* expectEqual(one.items, [mine], "the tenant filter")
        const scoped = yield* within(tenant.id, listed({ entity_id: shared }))
        yield* expectEqual(scoped.items, [mine], "a tenant's unit of work still sees its own only")
      }),
    ),
  ],
}
