import { HttpApiMiddleware, HttpApiSecurity, OpenApi } from "@effect/platform"
import { CurrentActor } from "@loopctl/core"
import { Schema } from "effect"
import { Enveloped } from "./errors.js"

/**
 * The caller of an authenticated endpoint, as the API key middleware resolved it (the core's
 * `CurrentActor`: a tenant's actor or a superadmin outside every tenant, with the role gate the
 * middleware already passed). Tenant-scoped handlers narrow it with `Rules.Access.requireTenantScope`.
 */
export { CurrentActor }

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
