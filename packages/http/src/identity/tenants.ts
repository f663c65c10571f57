import { HttpApiBuilder } from "@effect/platform"
import { LoopctlApi } from "@loopctl/api"
import { Access } from "@loopctl/core"
import { Effect } from "effect"
import { tenantActor } from "../edge/tenant-scope.js"

/** The handlers of the `tenants` group: the caller's tenant through the Access use case. */
export const TenantsLive = HttpApiBuilder.group(LoopctlApi, "tenants", (handlers) =>
  Effect.map(Access, (access) =>
    handlers
      .handle("me", () => Effect.map(Effect.flatMap(tenantActor, access.getTenant), (tenant) => ({ tenant })))
      .handle("updateMe", ({ payload }) =>
        Effect.map(
          Effect.flatMap(tenantActor, (actor) => access.updateTenant(actor, payload)),
          (tenant) => ({ tenant }),
        ),
      ),
  ),
)
