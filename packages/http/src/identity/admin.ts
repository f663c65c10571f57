import { HttpApiBuilder } from "@effect/platform"
import { CurrentActor, LoopctlApi, PlatformAuditQuery, decodeQuery } from "@loopctl/api"
import { Access, AuditTrail, type Caller, TenantId, pageRequest } from "@loopctl/core"
import { Effect } from "effect"
import { pathId } from "../edge/path-id.js"
import { carriesSecret } from "../edge/secret-response.js"

/** Runs an admin action on the tenant the path names; answers `{tenant:{…}}`. */
const onTenant = <A, E, R>(rawId: string, act: (caller: Caller, id: TenantId) => Effect.Effect<A, E, R>) =>
  Effect.gen(function* () {
    const { caller } = yield* CurrentActor
    const id = yield* pathId(TenantId, rawId)
    return { tenant: yield* act(caller, id) }
  })

/** The handlers of the `admin` group: each hands the caller to the Access use case, which decides. */
export const AdminLive = HttpApiBuilder.group(LoopctlApi, "admin", (handlers) =>
  Effect.map(Effect.zip(Access, AuditTrail), ([access, trail]) =>
    handlers
      .handle("createTenant", ({ payload }) =>
        Effect.zipRight(
          carriesSecret,
          Effect.flatMap(CurrentActor, ({ caller }) => access.createTenant(caller, payload)),
        ),
      )
      .handle("listTenants", ({ urlParams }) =>
        Effect.gen(function* () {
          const { caller } = yield* CurrentActor
          const { status, search } = urlParams
          return yield* access.listTenants(caller, { status, search }, pageRequest(urlParams))
        }),
      )
      .handle("showTenant", ({ path }) => onTenant(path.id, access.getTenantDetail))
      .handle("updateTenant", ({ path, payload }) =>
        onTenant(path.id, (caller, id) => access.updateTenantAsAdmin(caller, id, payload)),
      )
      .handle("suspendTenant", ({ path }) => onTenant(path.id, access.suspendTenant))
      .handle("activateTenant", ({ path }) => onTenant(path.id, access.activateTenant))
      // Decoded by the use case once the caller is known to be the superadmin (a 403 first).
      .handle("audit", ({ urlParams }) =>
        Effect.flatMap(CurrentActor, ({ caller }) =>
          trail.listPlatform(caller, decodeQuery(PlatformAuditQuery, urlParams)),
        ),
      )
      .handle("stats", () =>
        Effect.map(
          Effect.flatMap(CurrentActor, ({ caller }) => access.stats(caller)),
          (stats) => ({ stats }),
        ),
      ),
  ),
)
