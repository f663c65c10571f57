import { type HttpApi, type HttpApiGroup, HttpRouter, HttpServerRequest } from "@effect/platform"
import { type Actor, type Forbidden, type NotFound, Unauthorized, type Unavailable } from "@loopctl/core"
import { Effect, Layer, Option } from "effect"
import { type Access, checkAccess } from "./api/access.js"
import { Authentication } from "./api/authentication.js"
import { routeKey, routeRules } from "./api/routes.js"
import { RequestContext } from "./request-context.js"

/**
 * Resolves a raw API key (and the `X-Impersonate-Tenant` header, when sent) to the caller. It
 * fails with 401 for an unknown, revoked or expired key, 403 for an inactive tenant, 404 for an
 * unknown impersonation target, 503 when the store is unavailable.
 */
export type Authenticate = (
  rawKey: string,
  impersonate: string | undefined,
) => Effect.Effect<Actor, Unauthorized | Forbidden | NotFound | Unavailable>

const bearerScheme = "Bearer"

/**
 * The implementation of the {@link Authentication} middleware for `api`:
 * 1. `Authorization` must be `Bearer <key>` (exact, case-sensitive prefix) → else 401 "Unauthorized";
 * 2. `authenticate` resolves the key (an empty key is 401 "Invalid API key" without a lookup);
 * 3. the endpoint's declared access is checked against the actor's role → 403 with the spec's message.
 *
 * The platform's bearer decoding takes any header suffix as the token, so the header is read
 * here again to enforce the exact prefix.
 */
export const AuthenticationLive = <Id extends string, Groups extends HttpApiGroup.HttpApiGroup.Any, E, R>(
  api: HttpApi.HttpApi<Id, Groups, E, R>,
  authenticate: Authenticate,
): Layer.Layer<Authentication> =>
  Layer.sync(Authentication, () => {
    const accessByRoute = new Map<string, Access>(
      routeRules(api).map((rule) => [routeKey(rule.method, rule.path), rule.access]),
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
          const impersonate = request.headers["x-impersonate-tenant"]?.trim()
          const actor = yield* authenticate(rawKey, impersonate === "" ? undefined : impersonate)
          const context = yield* Effect.serviceOption(RequestContext)
          if (Option.isSome(context)) context.value.setActor(actor)
          const { route } = yield* HttpRouter.RouteContext
          const access = accessByRoute.get(routeKey(route.method, route.path))
          if (access === undefined)
            return yield* Effect.dieMessage(`no access rule for ${route.method} ${route.path}`)
          return yield* checkAccess(actor, access)
        }),
    })
  })
