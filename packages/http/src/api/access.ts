import type { HttpApiEndpoint, HttpMethod } from "@effect/platform"
import { type Actor, type Forbidden, type Role, Rules } from "@loopctl/core"
import { Context, Either } from "effect"
import { Authentication } from "./authentication.js"

/**
 * Who may call an endpoint. Every endpoint of the API declares exactly one of these; the
 * declaration drives the authentication middleware, the role check and `GET /api/v1/routes`.
 *
 * - `Public`: no key needed.
 * - `AnyRole`: any valid key.
 * - `MinRole`: the role or a higher one (superadmin > user > orchestrator > agent).
 * - `ExactRoles`: only the listed roles, compared strictly (no hierarchy, no superadmin bypass).
 */
export type Access = Public | Authenticated

/** No key needed. */
export interface Public {
  readonly _tag: "Public"
}

/** The rules that need a key: any role, a minimum role, or an exact set of roles. */
export type Authenticated = AnyRole | MinRole | ExactRoles

/** Any valid key. */
export interface AnyRole {
  readonly _tag: "AnyRole"
}

/** The role or a higher one. */
export interface MinRole {
  readonly _tag: "MinRole"
  readonly role: Role
}

/** Only the listed roles, compared strictly. */
export interface ExactRoles {
  readonly _tag: "ExactRoles"
  readonly roles: readonly [Role, ...Array<Role>]
}

/** Constructors of {@link Access}. */
export const Access = {
  public: { _tag: "Public" } satisfies Public,
  anyRole: { _tag: "AnyRole" } satisfies AnyRole,
  min: (role: Role): MinRole => ({ _tag: "MinRole", role }),
  exact: (role: Role, ...more: Array<Role>): ExactRoles => ({ _tag: "ExactRoles", roles: [role, ...more] }),
} as const

/** The endpoint annotation that holds its {@link Access}. */
export class RequiredAccess extends Context.Tag("@loopctl/http/RequiredAccess")<RequiredAccess, Access>() {}

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

/** Whether `actor` passes `access`, with the spec's 403 body when it does not. */
export const checkAccess = (actor: Actor, access: Access): Either.Either<Actor, Forbidden> => {
  switch (access._tag) {
    case "Public":
    case "AnyRole":
      return Either.right(actor)
    case "MinRole":
      return Rules.Roles.requireMinRole(actor, access.role)
    case "ExactRoles":
      return Rules.Roles.requireExactRole(actor, access.roles)
  }
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
