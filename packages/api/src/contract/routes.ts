import { HttpApi, type HttpApiGroup, OpenApi } from "@effect/platform"
import type { AnyPolicy } from "@loopctl/core"
import { Context, Option } from "effect"
import type { RouteEntry } from "../system/system.js"
import {
  type Access,
  CarriesSecret,
  RequiredAccess,
  RequiredPolicy,
  TenantScoped,
  describeAccess,
} from "./access.js"

/**
 * The route table of an API, read from its definition: one row per endpoint with its method,
 * path (`:param` notation), summary and access rule. `GET /api/v1/routes` and the role check
 * both use it, so neither can drift from the endpoints that exist.
 */

/** One endpoint of the table, with its access rule as a value. */
export interface RouteRule {
  readonly method: string
  readonly path: string
  readonly description: string
  readonly access: Access
  /** Whether the endpoint acts inside the caller's tenant (see {@link TenantScoped}). */
  readonly tenantScoped: boolean
  /** Whether its answers carry a secret (see {@link CarriesSecret}). */
  readonly carriesSecret: boolean
  /** The policy of the action it performs, when it declares one (see {@link RequiredPolicy}). */
  readonly policy: Option.Option<AnyPolicy>
}

/** An endpoint that breaks the declaration rules, and why. */
export class RouteDeclarationError extends Error {
  override readonly name = "RouteDeclarationError"
}

/**
 * Every endpoint of `api`. Throws a {@link RouteDeclarationError} when an endpoint lacks its
 * access rule or its summary: that is a programming error, found when the server starts.
 */
export const routeRules = <Id extends string, Groups extends HttpApiGroup.HttpApiGroup.Any, E, R>(
  api: HttpApi.HttpApi<Id, Groups, E, R>,
): ReadonlyArray<RouteRule> => {
  const rules: Array<RouteRule> = []
  HttpApi.reflect(api, {
    onGroup: () => {},
    onEndpoint: ({ endpoint, mergedAnnotations }) => {
      const where = `${endpoint.method} ${endpoint.path}`
      const access = Context.getOption(endpoint.annotations, RequiredAccess)
      if (Option.isNone(access)) throw new RouteDeclarationError(`${where} declares no access rule`)
      const description = Context.getOption(mergedAnnotations, OpenApi.Summary)
      if (Option.isNone(description)) throw new RouteDeclarationError(`${where} has no summary`)
      rules.push({
        method: endpoint.method,
        path: endpoint.path,
        description: description.value,
        access: access.value,
        tenantScoped: Option.getOrElse(Context.getOption(mergedAnnotations, TenantScoped), () => false),
        carriesSecret: Option.getOrElse(Context.getOption(mergedAnnotations, CarriesSecret), () => false),
        policy: Context.getOption(endpoint.annotations, RequiredPolicy),
      })
    },
  })
  return rules
}

/** The wire rows of `GET /api/v1/routes`. */
export const routeEntries = (rules: ReadonlyArray<RouteRule>): ReadonlyArray<RouteEntry> =>
  rules.map(({ method, path, description, access }) => ({
    method,
    path,
    description,
    role: describeAccess(access),
  }))

/** The key the server uses to find a route's rule: method and path pattern. */
export const routeKey = (method: string, path: string): string => `${method} ${path}`
