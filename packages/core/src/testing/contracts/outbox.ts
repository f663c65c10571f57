import { Effect } from "effect"
import { Outbox, type OutboxEntry } from "../../events/ports/outbox.js"
import type { Tenants } from "../../identity/ports/tenants.js"
import { EpicId, StoryId } from "../../kernel/domain/ids.js"
import { type Ids, freshId } from "../../kernel/ports/ids.js"
import type { UnitOfWork } from "../../kernel/ports/unit-of-work.js"
import type { Epics } from "../../work/ports/epics.js"
import type { Projects } from "../../work/ports/projects.js"
import { type ContractSuite, contractCase, expectEqual } from "./contract.js"
import { anAgentId, anOutboxEntry, instant, seedBoard, within } from "./fixtures.js"

const enqueue = (entries: ReadonlyArray<OutboxEntry>) =>
  Effect.flatMap(Outbox, (outbox) => outbox.enqueue(entries))
const listed = (limit: number) => Effect.flatMap(Outbox, (outbox) => outbox.list(limit))
const ids = (entries: ReadonlyArray<OutboxEntry>) => entries.map((entry) => entry.id)

/** The Outbox port: the tenant's pending events, oldest first. */
export const outboxContract: ContractSuite<Outbox | Projects | Epics | Tenants | UnitOfWork | Ids> = {
  port: "Outbox",
  cases: [
    contractCase(
      "enqueue then list returns every field, optional event fields included",
      Effect.gen(function* () {
        const { tenant, project, epic } = yield* seedBoard
        const story_id = yield* freshId(StoryId)
        const ping = yield* anOutboxEntry(tenant, { occurred_at: instant(400, 1) })
        const first = yield* anOutboxEntry(tenant, {
          project_id: project.id,
          event: {
            event: "story.status_changed",
            story_id,
            project_id: project.id,
            epic_id: epic.id,
            new_status: "contracted",
            agent_id: null,
          },
          occurred_at: instant(400, 123_456),
        })
        const second = yield* anOutboxEntry(tenant, {
          project_id: project.id,
          event: {
            event: "story.status_changed",
            story_id,
            project_id: project.id,
            epic_id: yield* freshId(EpicId),
            old_status: "contracted",
            new_status: "assigned",
            agent_id: yield* anAgentId,
          },
          occurred_at: instant(401),
        })
        yield* within(tenant.id, enqueue([ping, first]))
        yield* within(tenant.id, enqueue([second]))
        const entries = yield* within(tenant.id, listed(10))
        yield* expectEqual(entries, [ping, first, second], "entries after a round-trip")
      }),
    ),
    contractCase(
      "list is oldest first and returns at most limit entries",
      Effect.gen(function* () {
        const { tenant } = yield* seedBoard
        const entries = yield* Effect.forEach([1, 2, 3, 4], (micros) =>
          anOutboxEntry(tenant, { occurred_at: instant(410, micros) }),
        )
        yield* within(tenant.id, enqueue(entries.slice(0, 2)))
        yield* within(tenant.id, enqueue(entries.slice(2)))
        yield* expectEqual(ids(yield* within(tenant.id, listed(2))), ids(entries.slice(0, 2)), "list(2)")
        yield* expectEqual(ids(yield* within(tenant.id, listed(10))), ids(entries), "list(10)")
      }),
    ),
    contractCase(
      "another tenant's unit of work sees none of the entries",
      Effect.gen(function* () {
        const { tenant } = yield* seedBoard
        const { tenant: stranger } = yield* seedBoard
        yield* within(
          tenant.id,
          Effect.flatMap(anOutboxEntry(tenant), (entry) => enqueue([entry])),
        )
        yield* expectEqual(yield* within(stranger.id, listed(10)), [], "entries listed to a stranger")
      }),
    ),
  ],
}
