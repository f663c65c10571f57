import type { HttpApiEndpoint, HttpMethod } from "@effect/platform"
import { type AnyPolicy, type Caller, type Forbidden, RoleRule, checkRole } from "@loopctl/core"
import { Context, Either } from "effect"
import { Authentication } from "./authentication.js"

/**
 * Who may call an endpoint. Every endpoint of the API declares exactly one of these; the
 * declaration drives the authentication middleware, the role check and `GET /api/v1/routes`.
 *
 * - `Public`: no key needed.
 * - `AnyRole`: every valid key.
 * - `MinRole`: the role or a higher one (superadmin > user > orchestrator > agent).
 * - `ExactRoles`: only the listed roles, compared strictly (no hierarchy, no superadmin bypass).
 */
export type Access = Public | Authenticated

/** No key needed. */
export interface Public {
  readonly _tag: "Public"
}

/** The rules that need a key: a role rule of the core (every role, a minimum role, or exact roles). */
export type Authenticated = RoleRule

/** Constructors of {@link Access}. */
export const Access = {
  public: { _tag: "Public" } satisfies Public,
  anyRole: RoleRule.any,
  min: RoleRule.min,
  exact: RoleRule.exact,
} as const

/** The endpoint annotation that holds its {@link Access}. */
export class RequiredAccess extends Context.Tag("@loopctl/http/RequiredAccess")<RequiredAccess, Access>() {}

/**
 * The endpoint annotation that holds the policy of the one action it performs. The middleware
 * checks that policy's role gate before the body is decoded and records it, so the handler's
 * `policyUse` of the same policy does not check the role again.
 */
export class RequiredPolicy extends Context.Tag("@loopctl/api/RequiredPolicy")<RequiredPolicy, AnyPolicy>() {}

/**
 * The group annotation of endpoints that act inside one tenant. Their callers are refused (403)
 * before the body is decoded when they are a superadmin impersonating no tenant (D21), so such a
 * caller learns that first, whatever it sent.
 */
export class TenantScoped extends Context.Tag("@loopctl/api/TenantScoped")<TenantScoped, boolean>() {}

/**
 * The annotation of endpoints whose answer carries a secret (a raw API key). Every answer of such
 * an endpoint, a refusal of its body included, is marked `Cache-Control: no-store` (D29), so the
 * mark is set before the body is decoded.
 */
export class CarriesSecret extends Context.Tag("@loopctl/api/CarriesSecret")<CarriesSecret, boolean>() {}

/** How `/routes` writes an access rule: `public`, `any`, `min:user`, `exact:agent`, `exact:agent|orchestrator`. */
export const describeAccess = (access: Access): string => {
  switch (access._tag) {
    case "Public":
      return "public"
    case "AnyRole":
      return "any"
    case "MinRole":
      return `min:${access.role}`
    case "ExactRoles":
      return `exact:${access.roles.join("|")}`
  }
}

/**
 * Whether `caller` passes `access`, with the spec's 403 body when it does not. A superadmin
 * outside every tenant holds the highest role: it passes every minimum and fails every exact
 * rule that does not list superadmin.
 */
export const checkAccess = (caller: Caller, access: Access): Either.Either<Caller, Forbidden> => {
  return access._tag === "Public" ? Either.right(caller) : checkRole(caller, access)
}

/** Marks an endpoint as public: no key, no role. */
export const publicEndpoint = <
  Name extends string,
  Method extends HttpMethod.HttpMethod,
  Path,
  UrlParams,
  Payload,
  Headers,
  Success,
  Error,
  R,
  RE,
>(
  endpoint: HttpApiEndpoint.HttpApiEndpoint<
    Name,
    Method,
    Path,
    UrlParams,
    Payload,
    Headers,
    Success,
    Error,
    R,
    RE
  >,
) => endpoint.annotate(RequiredAccess, Access.public)

/**
 * Puts an endpoint behind the API key middleware and declares the role(s) it accepts, in one
 * step, so an endpoint cannot be authenticated without saying who may call it.
 */
export const requireRole =
  (access: Authenticated) =>
  <
    Name extends string,
    Method extends HttpMethod.HttpMethod,
    Path,
    UrlParams,
    Payload,
    Headers,
    Success,
    Error,
    R,
    RE,
  >(
    endpoint: HttpApiEndpoint.HttpApiEndpoint<
      Name,
      Method,
      Path,
      UrlParams,
      Payload,
      Headers,
      Success,
      Error,
      R,
      RE
    >,
  ) =>
    endpoint.middleware(Authentication).annotate(RequiredAccess, access)

/**
 * Puts an endpoint behind the API key middleware for the one action it performs: its declared
 * access is the action policy's role rule, so each role list is written once, in the core's
 * action table.
 */
export const requireAction =
  (p: AnyPolicy) =>
  <
    Name extends string,
    Method extends HttpMethod.HttpMethod,
    Path,
    UrlParams,
    Payload,
    Headers,
    Success,
    Error,
    R,
    RE,
  >(
    endpoint: HttpApiEndpoint.HttpApiEndpoint<
      Name,
      Method,
      Path,
      UrlParams,
      Payload,
      Headers,
      Success,
      Error,
      R,
      RE
    >,
  ) =>
    requireRole(p.role)(endpoint).annotate(RequiredPolicy, p)
