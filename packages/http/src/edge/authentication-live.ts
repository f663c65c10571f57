import { type HttpApi, type HttpApiGroup, HttpRouter, HttpServerRequest } from "@effect/platform"
import { Authentication, type RouteRule, checkAccess, routeKey, routeRules } from "@loopctl/api"
import { type RateLimits, Rules, Unauthorized, acting, admitRole } from "@loopctl/core"
import { Effect, Layer, Option } from "effect"
import { AuthFailureLimit, countAuthFailure } from "./auth-failure-limit.js"
import { Authenticator } from "./authenticator.js"
import { ClientAddressPolicy, clientAddress } from "./client-address.js"
import { limitRequest } from "./rate-limiting.js"
import { RequestContext } from "./request-context.js"
import { carriesSecret } from "./secret-response.js"

const bearerScheme = "Bearer"

/** The admin endpoints act on the platform: `X-Impersonate-Tenant` is ignored there (§4.3). */
const adminPrefix = "/api/v1/admin/"

/** A header's value, trimmed; blank counts as absent. */
const headerValue = (value: string | undefined): string | undefined => {
  const trimmed = value?.trim()
  return trimmed === "" ? undefined : trimmed
}

/**
 * The implementation of the {@link Authentication} middleware for `api`, in the spec's order
 * (§4.1):
 * 1. `Authorization` must be `Bearer <key>` (exact, case-sensitive prefix) → else 401 "Unauthorized";
 * 2. the {@link Authenticator} resolves the key, with `X-Impersonate-Tenant` and `X-Effective-Role`
 *    except on admin endpoints (401 "Invalid API key", 403 "Access denied", 404 "Tenant not found");
 *    a refused key counts against the client address, and is 429 once it has too many refusals;
 * 3. the request is counted against its rate limits (429; superadmin requests are exempt);
 * 4. the endpoint's declared access is checked against the caller's role → 403 with the spec's message;
 * 5. on a tenant-scoped endpoint, a superadmin impersonating no tenant → 403 naming `X-Impersonate-Tenant`.
 *
 * The platform's bearer decoding takes any header suffix as the token, so the header is read
 * here again to enforce the exact prefix.
 */
export const AuthenticationLive = <Id extends string, Groups extends HttpApiGroup.HttpApiGroup.Any, E, R>(
  api: HttpApi.HttpApi<Id, Groups, E, R>,
): Layer.Layer<Authentication, never, Authenticator | RateLimits> =>
  Layer.effect(
    Authentication,
    Effect.gen(function* () {
      const authenticator = yield* Authenticator
      const limits = yield* Effect.context<RateLimits>()
      const proxies = yield* ClientAddressPolicy
      const failures = yield* AuthFailureLimit
      const ruleByRoute = new Map<string, RouteRule>(
        routeRules(api).map((rule) => [routeKey(rule.method, rule.path), rule]),
      )
      return Authentication.of({
        BearerAuth: () =>
          Effect.gen(function* () {
            const request = yield* HttpServerRequest.HttpServerRequest
            const header = request.headers.authorization
            // "Bearer" alone is a bearer header whose empty token lost its space to header trimming.
            if (header === undefined || (header !== bearerScheme && !header.startsWith(`${bearerScheme} `)))
              return yield* new Unauthorized({ message: "Unauthorized" })
            const rawKey = header.slice(bearerScheme.length).trim()
            if (rawKey === "") return yield* new Unauthorized({ message: "Invalid API key" })
            const { route } = yield* HttpRouter.RouteContext
            const rule = ruleByRoute.get(routeKey(route.method, route.path))
            if (rule === undefined)
              return yield* Effect.dieMessage(`no access rule for ${route.method} ${route.path}`)
            if (rule.carriesSecret) yield* carriesSecret
            const onPlatform = route.path.startsWith(adminPrefix)
            const authenticated = yield* authenticator
              .authenticate(
                rawKey,
                onPlatform ? undefined : headerValue(request.headers["x-impersonate-tenant"]),
                onPlatform ? undefined : headerValue(request.headers["x-effective-role"]),
              )
              .pipe(
                Effect.tapErrorTag("Unauthorized", () =>
                  Effect.provide(
                    countAuthFailure(clientAddress(request, proxies), failures.perMinute),
                    limits,
                  ),
                ),
              )
            const context = yield* Effect.serviceOption(RequestContext)
            if (Option.isSome(context)) context.value.setActor(authenticated.caller)
            yield* Effect.provide(limitRequest(authenticated), limits)
            // The role gate runs here, before the body is decoded, so a caller without the role hears
            // 403 whatever it sent. With an action policy it is that policy's role gate, recorded so
            // the handler's policyUse does not check it again.
            if (Option.isSome(rule.policy)) return yield* admitRole(rule.policy.value, authenticated.caller)
            const caller = yield* checkAccess(authenticated.caller, rule.access)
            // Before the body is decoded: a superadmin outside every tenant hears that first.
            if (rule.tenantScoped) yield* Rules.Access.requireTenantScope(caller)
            return acting(caller)
          }),
      })
    }),
  )
