import { CurrentActor } from "@loopctl/api"
import { type Actor, type Forbidden, Rules } from "@loopctl/core"
import { Effect } from "effect"

/**
 * The caller of a tenant-scoped endpoint as a tenant actor. A superadmin that impersonates no
 * tenant gets the core's 403 naming `X-Impersonate-Tenant` (D21).
 */
export const tenantActor: Effect.Effect<Actor, Forbidden, CurrentActor> = Effect.flatMap(
  CurrentActor,
  ({ caller }) => Rules.Access.requireTenantScope(caller),
)
