import { Context, type Effect } from "effect"
import type { TenantId } from "../domain/ids.js"

/**
 * One use case = one transaction. Everything the work does through the repositories, the audit
 * log and the outbox commits together when it succeeds and is rolled back when it fails. Inside,
 * every repository sees only `tenant`'s rows (the Postgres adapter enforces it with RLS).
 * A nested `transact` joins the outer transaction.
 *
 * `work` may run more than once: a store that aborts a transaction because of concurrent ones
 * (a deadlock, a serialization failure) runs it again from the start, with nothing of the
 * aborted attempt kept. So `work` must hold no state of its own across runs. When the store
 * gives up, the unit of work dies with `Unavailable`.
 */
export class UnitOfWork extends Context.Tag("@loopctl/core/UnitOfWork")<
  UnitOfWork,
  {
    readonly transact: <A, E, R>(tenant: TenantId, work: Effect.Effect<A, E, R>) => Effect.Effect<A, E, R>
    /**
     * One transaction outside every tenant, for the platform's own writes: a tenant together
     * with its first key and their audit entries. Global rows (tenants, superadmin keys) are
     * written directly; a `transact(tenant, …)` inside narrows to that tenant and joins this
     * transaction. Only superadmin and bootstrap paths use it.
     */
    readonly transactPlatform: <A, E, R>(work: Effect.Effect<A, E, R>) => Effect.Effect<A, E, R>
  }
>() {}
