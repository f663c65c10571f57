import { HttpApiBuilder } from "@effect/platform"
import { LoopctlApi, PlatformAuditQuery, decodeQuery } from "@loopctl/api"
import {
  Access,
  AuditActions,
  AuditTrail,
  IdentityActions,
  TenantId,
  pageRequest,
  policyUse,
} from "@loopctl/core"
import { Effect } from "effect"
import { pathId } from "../edge/path-id.js"
import { carriesSecret } from "../edge/secret-response.js"

/** The tenant the path names (404 when it is not a uuid), answered as `{tenant:{…}}`. */
const onTenant = <A, E, R>(rawId: string, act: (id: TenantId) => Effect.Effect<A, E, R>) =>
  Effect.map(Effect.flatMap(pathId(TenantId, rawId), act), (tenant) => ({ tenant }))

/**
 * The handlers of the `admin` group: each runs its platform action's policy for the caller
 * (the middleware already admitted the superadmin role) around the use case.
 */
export const AdminLive = HttpApiBuilder.group(LoopctlApi, "admin", (handlers) =>
  Effect.map(Effect.zip(Access, AuditTrail), ([access, trail]) =>
    handlers
      .handle("createTenant", ({ payload }) =>
        Effect.zipRight(
          carriesSecret,
          access.createTenant(payload).pipe(policyUse(IdentityActions.createTenant)),
        ),
      )
      .handle("listTenants", ({ urlParams }) =>
        Effect.gen(function* () {
          const { status, search } = urlParams
          return yield* access
            .listTenants({ status, search }, pageRequest(urlParams))
            .pipe(policyUse(IdentityActions.listTenants))
        }),
      )
      .handle("showTenant", ({ path }) =>
        onTenant(path.id, (id) => access.getTenantDetail(id).pipe(policyUse(IdentityActions.inspectTenant))),
      )
      .handle("updateTenant", ({ path, payload }) =>
        onTenant(path.id, (id) =>
          access.updateTenantAsAdmin(id, payload).pipe(policyUse(IdentityActions.administerTenant)),
        ),
      )
      .handle("suspendTenant", ({ path }) =>
        onTenant(path.id, (id) => access.suspendTenant(id).pipe(policyUse(IdentityActions.suspendTenant))),
      )
      .handle("activateTenant", ({ path }) =>
        onTenant(path.id, (id) => access.activateTenant(id).pipe(policyUse(IdentityActions.activateTenant))),
      )
      // Decoded by the use case once the caller is known to be the superadmin (a 403 first).
      .handle("audit", ({ urlParams }) =>
        trail
          .listPlatform(decodeQuery(PlatformAuditQuery, urlParams))
          .pipe(policyUse(AuditActions.listPlatform)),
      )
      .handle("stats", () =>
        Effect.map(access.stats().pipe(policyUse(IdentityActions.platformStats)), (stats) => ({ stats })),
      ),
  ),
)
