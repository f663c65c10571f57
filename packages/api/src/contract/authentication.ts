import { HttpApiMiddleware, HttpApiSecurity, OpenApi } from "@effect/platform"
import type { Caller } from "@loopctl/core"
import { Context, Schema } from "effect"
import { Enveloped } from "./errors.js"

/**
 * The caller of an authenticated endpoint, as the API key middleware resolved it: a tenant's
 * actor (an impersonating superadmin included) or a superadmin outside every tenant. Tenant-scoped
 * handlers narrow it with the core's `Rules.Access.requireTenantScope`.
 */
export class CurrentActor extends Context.Tag("@loopctl/http/CurrentActor")<CurrentActor, Caller>() {}

/**
 * The API key scheme: `Authorization: Bearer lc_…` (the only form the seed README uses). A
 * superadmin may add `X-Impersonate-Tenant: <tenant id>` to act inside one tenant, and
 * `X-Effective-Role: user|orchestrator|agent` to act in that role there.
 */
export const BearerAuth = HttpApiSecurity.bearer.pipe(
  HttpApiSecurity.annotate(
    OpenApi.Description,
    "An API key: `Authorization: Bearer lc_…`. Superadmin keys may add `X-Impersonate-Tenant: <tenant id>` " +
      "(and `X-Effective-Role: user|orchestrator|agent`) to act inside a tenant; admin endpoints ignore both.",
  ),
)

/**
 * The API key middleware. It resolves the key to the caller, counts the request against the
 * key's and the tenant's rate limits, then checks the endpoint's declared access. It answers 401
 * (no key, unknown key), 403 (inactive tenant, wrong role), 404 (unknown impersonation target),
 * 429 (rate limit) or 503 (the key store is unreachable). The server provides its implementation.
 */
export class Authentication extends HttpApiMiddleware.Tag<Authentication>()("@loopctl/http/Authentication", {
  failure: Schema.Union(
    Enveloped.Unauthorized,
    Enveloped.Forbidden,
    Enveloped.NotFound,
    Enveloped.RateLimited,
    Enveloped.Unavailable,
  ),
  provides: CurrentActor,
  security: { BearerAuth },
}) {}
