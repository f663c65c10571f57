import {
  Access,
  type Authenticated,
  type Forbidden,
  type NotFound,
  type Unauthorized,
  type Unavailable,
} from "@loopctl/core"
import { Context, Effect, Layer } from "effect"

/**
 * How the API key middleware resolves a key: a raw bearer key, the `X-Impersonate-Tenant` and
 * `X-Effective-Role` headers (undefined when absent or ignored) → the caller and its tenant.
 * It fails with 401 for an unknown, revoked or expired key, 403 for an inactive tenant, 404 for
 * an unknown impersonation target, 503 when the store is unavailable.
 */
export class Authenticator extends Context.Tag("@loopctl/http/Authenticator")<
  Authenticator,
  {
    readonly authenticate: (
      rawKey: string,
      impersonateTenant: string | undefined,
      effectiveRole: string | undefined,
    ) => Effect.Effect<Authenticated, Unauthorized | Forbidden | NotFound | Unavailable>
  }
>() {}

/** The {@link Authenticator} of the real server: the core's `Access.authenticate`. */
export const AuthenticatorLive: Layer.Layer<Authenticator, never, Access> = Layer.effect(
  Authenticator,
  Effect.map(Access, (access) =>
    Authenticator.of({
      authenticate: (rawKey, impersonateTenant, effectiveRole) =>
        access.authenticate(rawKey, impersonateTenant, effectiveRole),
    }),
  ),
)
