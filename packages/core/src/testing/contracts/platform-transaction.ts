import { Data, Effect } from "effect"
import { AuditLog } from "../../audit/ports/audit-log.js"
import { ApiKeys } from "../../identity/ports/api-keys.js"
import { Tenants } from "../../identity/ports/tenants.js"
import type { Ids } from "../../kernel/ports/ids.js"
import { UnitOfWork } from "../../kernel/ports/unit-of-work.js"
import { anApiKey } from "./access-fixtures.js"
import {
  type ContractSuite,
  contractCase,
  expectEqual,
  expectFailure,
  expectNone,
  expectSome,
} from "./contract.js"
import { aTenant, anAuditEntry, within } from "./fixtures.js"

class Abandoned extends Data.TaggedError("Abandoned")<{}> {}

/** A new tenant with its first key and an audit entry, written as one platform transaction. */
const provisioning = Effect.gen(function* () {
  const tenant = yield* aTenant()
  const key = yield* anApiKey(tenant)
  const audit = yield* anAuditEntry(tenant, {
    entity_type: "tenant",
    entity_id: tenant.id,
    action: "tenant_created",
  })
  const write = Effect.gen(function* () {
    yield* (yield* Tenants).insert(tenant)
    yield* within(
      tenant.id,
      Effect.gen(function* () {
        yield* (yield* ApiKeys).insert(key)
        yield* (yield* AuditLog).append([audit])
      }),
    )
  })
  const platform = <A, E, R>(work: Effect.Effect<A, E, R>) =>
    Effect.flatMap(UnitOfWork, (uow) => uow.transactPlatform(work))
  const stored = Effect.gen(function* () {
    const found = yield* (yield* Tenants).findById(tenant.id)
    const inside = yield* within(
      tenant.id,
      Effect.all([
        Effect.flatMap(ApiKeys, (repo) => repo.findById(key.id)),
        Effect.flatMap(AuditLog, (log) => log.exists("tenant", tenant.id, "tenant_created")),
      ]),
    )
    return { tenant: found, key: inside[0], audited: inside[1] }
  })
  return { tenant, key, write, platform, stored }
})

/** The UnitOfWork port's platform transaction: a tenant and its first rows commit or vanish together. */
export const platformTransactionContract: ContractSuite<UnitOfWork | Tenants | ApiKeys | AuditLog | Ids> = {
  port: "UnitOfWork.transactPlatform",
  cases: [
    contractCase(
      "a tenant, its key and its audit entry commit together",
      Effect.gen(function* () {
        const p = yield* provisioning
        yield* p.platform(p.write)
        const after = yield* p.stored
        yield* expectEqual(yield* expectSome(after.tenant, "the tenant"), p.tenant, "tenant")
        yield* expectEqual(yield* expectSome(after.key, "the key"), p.key, "key")
        yield* expectEqual(after.audited, true, "the audit entry is there")
      }),
    ),
    contractCase(
      "a failure after the writes rolls every one of them back",
      Effect.gen(function* () {
        const p = yield* provisioning
        yield* expectFailure(
          p.platform(Effect.zipRight(p.write, Effect.fail(new Abandoned()))),
          "Abandoned",
          "a platform transaction that fails",
        )
        const after = yield* p.stored
        yield* expectNone(after.tenant, "the tenant of a rolled-back platform transaction")
        yield* expectNone(after.key, "the key of a rolled-back platform transaction")
        yield* expectEqual(after.audited, false, "the audit entry of a rolled-back platform transaction")
      }),
    ),
  ],
}
