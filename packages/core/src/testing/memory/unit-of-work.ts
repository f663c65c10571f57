import { Effect, Exit, FiberRef, Layer, Option, Ref } from "effect"
import { UnitOfWork } from "../../kernel/ports/unit-of-work.js"
import { MemoryStore } from "./store.js"

/**
 * Transactions over the memory store: one at a time, each scoped to its tenant, rolled back to
 * the snapshot taken at its start when it fails (or is interrupted). A nested `transact` joins
 * the outer one, as a savepoint-free nested transaction does in the SQL adapters. A platform
 * transaction holds the same lock with no tenant; a tenant's work inside it joins it.
 */
export const UnitOfWorkMemory = Layer.effect(
  UnitOfWork,
  Effect.map(MemoryStore, (store) => {
    /** Runs `work` holding the lock, restoring the tables if it does not succeed. */
    const atomically = <A, E, R>(work: Effect.Effect<A, E, R>) =>
      store.lock.withPermits(1)(
        Effect.flatMap(Ref.get(store.tables), (snapshot) =>
          Effect.onExit(work, (exit) =>
            Exit.isSuccess(exit) ? Effect.void : Ref.set(store.tables, snapshot),
          ),
        ),
      )
    return UnitOfWork.of({
      transact: (tenant, work) =>
        Effect.flatMap(
          Effect.zip(FiberRef.get(store.tenant), FiberRef.get(store.platform)),
          ([current, platform]) => {
            if (Option.isSome(current)) {
              return current.value === tenant
                ? work
                : Effect.dieMessage("memory store: nested unit of work for another tenant")
            }
            const scoped = Effect.locally(work, store.tenant, Option.some(tenant))
            return platform ? scoped : atomically(scoped)
          },
        ),
      transactPlatform: (work) =>
        Effect.flatMap(
          Effect.zip(FiberRef.get(store.tenant), FiberRef.get(store.platform)),
          ([current, platform]) => {
            if (Option.isSome(current))
              return Effect.dieMessage("memory store: a platform transaction cannot run inside a tenant's")
            return platform ? work : atomically(Effect.locally(work, store.platform, true))
          },
        ),
    })
  }),
)
