import { HttpApiMiddleware, HttpApiSecurity, OpenApi } from "@effect/platform"
import type { Actor } from "@loopctl/core"
import { Context, Schema } from "effect"
import { Enveloped } from "./errors.js"

/** The caller of an authenticated endpoint, as the API key middleware resolved it. */
export class CurrentActor extends Context.Tag("@loopctl/http/CurrentActor")<CurrentActor, Actor>() {}

/**
 * The API key scheme: `Authorization: Bearer lc_…` (the only form the seed README uses). A
 * superadmin may add `X-Impersonate-Tenant: <tenant id>` to act inside one tenant.
 */
export const BearerAuth = HttpApiSecurity.bearer.pipe(
  HttpApiSecurity.annotate(
    OpenApi.Description,
    "An API key: `Authorization: Bearer lc_…`. Superadmin keys may add `X-Impersonate-Tenant: <tenant id>`.",
  ),
)

/**
 * The API key middleware. It resolves the key to an {@link Actor}, then checks the endpoint's
 * declared access; it answers 401 (no key, unknown key), 403 (inactive tenant, wrong role) or
 * 404 (unknown impersonation target), or 503 when the key store is unreachable. The server
 * provides its implementation.
 */
export class Authentication extends HttpApiMiddleware.Tag<Authentication>()("@loopctl/http/Authentication", {
  failure: Schema.Union(
    Enveloped.Unauthorized,
    Enveloped.Forbidden,
    Enveloped.NotFound,
    Enveloped.Unavailable,
  ),
  provides: CurrentActor,
  security: { BearerAuth },
}) {}
