import { SqlPorts } from "@loopctl/adapters-pg"
import { LoopctlServices } from "@loopctl/core"
import { Layer, type Option, type Redacted } from "effect"
import { AuthenticatorLive } from "./authenticator.js"
import { superadminBootstrap } from "./superadmin-bootstrap.js"

/**
 * Everything the server needs on top of a database: the core's use cases on the SQL ports, API
 * keys resolved by the core's `Access`, and the superadmin bootstrap (D8), which runs before the
 * server listens. The ports (`RateLimits`, `DatabaseAccess`, …) stay available to the server.
 */
export const applicationLayer = (superadminKey: Option.Option<Redacted.Redacted<string>>) =>
  Layer.merge(AuthenticatorLive, superadminBootstrap(superadminKey)).pipe(
    Layer.provideMerge(LoopctlServices),
    Layer.provideMerge(SqlPorts),
  )
