import { HttpApiBuilder } from "@effect/platform"
import { LoopctlApi } from "@loopctl/api"
import { Access, IdentityActions, policyUse } from "@loopctl/core"
import { Effect } from "effect"

/** The handlers of the `tenants` group: the caller's tenant through the Access use case. */
export const TenantsLive = HttpApiBuilder.group(LoopctlApi, "tenants", (handlers) =>
  Effect.map(Access, (access) =>
    handlers
      .handle("me", () =>
        Effect.map(access.getTenant().pipe(policyUse(IdentityActions.showTenant)), (tenant) => ({ tenant })),
      )
      .handle("updateMe", ({ payload }) =>
        Effect.map(access.updateTenant(payload).pipe(policyUse(IdentityActions.updateTenant)), (tenant) => ({
          tenant,
        })),
      ),
  ),
)
