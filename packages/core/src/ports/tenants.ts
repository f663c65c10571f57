import { Context, type Effect, type Option } from "effect"
import type { TenantId } from "../domain/ids.js"
import type { Tenant } from "../domain/tenant.js"
import type { DuplicateKey } from "./storage-errors.js"

/** Tenants are global rows (not tenant-scoped): looked up by id for their status and settings. */
export class Tenants extends Context.Tag("@loopctl/core/Tenants")<
  Tenants,
  {
    readonly insert: (tenant: Tenant) => Effect.Effect<void, DuplicateKey>
    readonly findById: (id: TenantId) => Effect.Effect<Option.Option<Tenant>>
  }
>() {}
