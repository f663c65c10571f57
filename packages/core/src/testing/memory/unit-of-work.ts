import { Effect, Exit, FiberRef, Layer, Option, Ref } from "effect"
import { UnitOfWork } from "../../ports/unit-of-work.js"
import { MemoryStore } from "./store.js"

/**
 * Transactions over the memory store: one at a time, each scoped to its tenant, rolled back to
 * the snapshot taken at its start when it fails (or is interrupted). A nested `transact` joins
 * the outer one, as a savepoint-free nested transaction does in the SQL adapters.
 */
export const UnitOfWorkMemory = Layer.effect(
  UnitOfWork,
  Effect.map(MemoryStore, (store) =>
    UnitOfWork.of({
      transact: (tenant, work) =>
        Effect.flatMap(FiberRef.get(store.tenant), (current) => {
          if (Option.isSome(current)) {
            return current.value === tenant
              ? work
              : Effect.dieMessage("memory store: nested unit of work for another tenant")
          }
          return store.lock.withPermits(1)(
            Effect.flatMap(Ref.get(store.tables), (snapshot) =>
              Effect.onExit(Effect.locally(work, store.tenant, Option.some(tenant)), (exit) =>
                Exit.isSuccess(exit) ? Effect.void : Ref.set(store.tables, snapshot),
              ),
            ),
          )
        }),
    }),
  ),
)
