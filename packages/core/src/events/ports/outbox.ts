import { Context, type Effect, Schema } from "effect"
import { ProjectId, TenantId } from "../../kernel/domain/ids.js"
import { Timestamp } from "../../kernel/domain/timestamp.js"
import { DomainEvent } from "../domain/events.js"

/** An event waiting for delivery, written in the transaction of the change that caused it. */
export class OutboxEntry extends Schema.Class<OutboxEntry>("OutboxEntry")({
  id: Schema.UUID,
  tenant_id: TenantId,
  project_id: Schema.NullOr(ProjectId),
  event: DomainEvent,
  occurred_at: Timestamp,
}) {}

/** The transactional outbox the worker drains into webhook deliveries. */
export class Outbox extends Context.Tag("@loopctl/core/Outbox")<
  Outbox,
  {
    readonly enqueue: (entries: ReadonlyArray<OutboxEntry>) => Effect.Effect<void>
    /** The current tenant's entries, oldest first (for tests and the change feed). */
    readonly list: (limit: number) => Effect.Effect<ReadonlyArray<OutboxEntry>>
  }
>() {}
