import { Either } from "effect"
import { Forbidden } from "../../kernel/domain/errors.js"
import type { Role } from "../../work/domain/status.js"
import { type Caller, isPlatformActor } from "../domain/actor.js"
import { requireExactRole, requireMinRole } from "../rules/roles.js"

/**
 * Which roles an action admits: every role, a role and those above it (superadmin > user >
 * orchestrator > agent), or exactly the listed roles with no hierarchy and no superadmin bypass.
 * Each action's rule is written once, in its context's action table; the endpoint's declared
 * access is read from the same value.
 */
export type RoleRule = AnyRole | MinRole | ExactRoles

/**
 * Every role. Not the same as "min agent": `/routes` shows it as `any`, the way the spec lists
 * such endpoints.
 */
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

/** Constructors of {@link RoleRule}. */
export const RoleRule = {
  any: { _tag: "AnyRole" } satisfies AnyRole,
  min: (role: Role): MinRole => ({ _tag: "MinRole", role }),
  exact: (role: Role, ...more: Array<Role>): ExactRoles => ({ _tag: "ExactRoles", roles: [role, ...more] }),
} as const

/**
 * Whether `caller` passes `rule`, with the spec's 403 body when it does not. A superadmin outside
 * every tenant holds the highest role: it passes every minimum and fails every exact rule that
 * does not list superadmin.
 */
export const checkRole = (caller: Caller, rule: RoleRule): Either.Either<Caller, Forbidden> => {
  switch (rule._tag) {
    case "AnyRole":
      return Either.right(caller)
    case "MinRole":
      return isPlatformActor(caller) ? Either.right(caller) : requireMinRole(caller, rule.role)
    case "ExactRoles":
      if (!isPlatformActor(caller)) return requireExactRole(caller, rule.roles)
      return rule.roles.includes("superadmin")
        ? Either.right(caller)
        : Either.left(
            new Forbidden({ message: `This endpoint requires the ${rule.roles.join(" or ")} role` }),
          )
  }
}
