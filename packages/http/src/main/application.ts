import { SqlPorts } from "@loopctl/adapters-pg"
import {
  LoopctlServices,
  PlatformLimits,
  type TenantSettingMaxima,
  defaultTenantSettingMaxima,
} from "@loopctl/core"
import { Layer, type Option, type Redacted } from "effect"
import { AuthenticatorLive } from "../edge/authenticator.js"
import { superadminBootstrap } from "./superadmin-bootstrap.js"

/**
 * Everything the server needs on top of a database: the core's use cases on the SQL ports, API
 * keys resolved by the core's `Access`, and the superadmin bootstrap (D8), which runs before the
 * server listens. `tenantMaxima` caps what a tenant may set for itself (default: the core's). The ports (`RateLimits`, `DatabaseAccess`, …) stay available to the server.
 */
export const applicationLayer = (
  superadminKey: Option.Option<Redacted.Redacted<string>>,
  tenantMaxima: TenantSettingMaxima = defaultTenantSettingMaxima,
) =>
  Layer.merge(AuthenticatorLive, superadminBootstrap(superadminKey)).pipe(
    Layer.provideMerge(LoopctlServices),
    Layer.provideMerge(SqlPorts),
    Layer.provide(Layer.succeed(PlatformLimits, tenantMaxima)),
  )
