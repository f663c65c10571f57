import { Effect } from "effect"
import { TenantId } from "../../domain/ids.js"
import { type Ids, freshId } from "../../ports/ids.js"
import { Tenants } from "../../ports/tenants.js"
import type { UnitOfWork } from "../../ports/unit-of-work.js"
import {
  type ContractSuite,
  contractCase,
  expectEqual,
  expectFailure,
  expectNone,
  expectSome,
} from "./contract.js"
import { aTenant, freshTenant, instant, richJson, within } from "./fixtures.js"

/** The Tenants port: global rows, found by id, with globally unique slugs. */
export const tenantsContract: ContractSuite<Tenants | UnitOfWork | Ids> = {
  port: "Tenants",
  cases: [
    contractCase(
      "insert then findById returns every field",
      Effect.gen(function* () {
        const tenants = yield* Tenants
        const tenant = yield* aTenant({
          name: "Grüße & Co",
          email: "owner@example.org",
          settings: richJson,
          status: "pending_enrollment",
          default_story_budget_millicents: 125_000,
          token_data_retention_days: 90,
          inserted_at: instant(1, 123_456),
          updated_at: instant(2, 1),
        })
        yield* tenants.insert(tenant)
        const found = yield* expectSome(yield* tenants.findById(tenant.id), "the inserted tenant")
        yield* expectEqual(found, tenant, "tenant after a round-trip")
      }),
    ),
    contractCase(
      "null fields and empty settings round-trip",
      Effect.gen(function* () {
        const tenant = yield* freshTenant({ inserted_at: instant(3, 120_000) })
        const found = yield* expectSome(yield* (yield* Tenants).findById(tenant.id), "the inserted tenant")
        yield* expectEqual(found, tenant, "tenant after a round-trip")
      }),
    ),
    contractCase(
      "findById of an unknown id is none",
      Effect.gen(function* () {
        yield* expectNone(yield* (yield* Tenants).findById(yield* freshId(TenantId)), "an unknown tenant")
      }),
    ),
    contractCase(
      "a tenant is found inside its own unit of work",
      Effect.gen(function* () {
        const tenant = yield* freshTenant()
        const found = yield* within(
          tenant.id,
          Effect.flatMap(Tenants, (tenants) => tenants.findById(tenant.id)),
        )
        yield* expectEqual(yield* expectSome(found, "the tenant in its unit of work"), tenant, "tenant")
      }),
    ),
    contractCase(
      "insert fails with DuplicateKey when another tenant has the slug",
      Effect.gen(function* () {
        const tenants = yield* Tenants
        const first = yield* freshTenant()
        const second = yield* aTenant({ slug: first.slug, name: "Impostor" })
        yield* expectFailure(tenants.insert(second), "DuplicateKey", "a second tenant with a taken slug")
        yield* expectNone(yield* tenants.findById(second.id), "the refused tenant")
        const kept = yield* expectSome(yield* tenants.findById(first.id), "the first tenant")
        yield* expectEqual(kept, first, "the first tenant, untouched")
      }),
    ),
  ],
}
