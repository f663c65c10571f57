import { Either, Option, Schema } from "effect"
import { Conflict, Forbidden, NotFound, Unauthorized, ValidationFailed } from "../../kernel/domain/errors.js"
import { type AgentId, TenantId } from "../../kernel/domain/ids.js"
import type { JsonObject } from "../../kernel/domain/json.js"
import { type Timestamp, timestampFromNanos } from "../../kernel/domain/timestamp.js"
import { FieldProblems } from "../../kernel/rules/field-problems.js"
import type { Role } from "../../work/domain/status.js"
import { type Actor, type Caller, PlatformActor, isPlatformActor } from "../domain/actor.js"
import type { AgentRegistration as AgentRegistrationCommand } from "../domain/agent-commands.js"
import type { AgentFilter, AgentListQuery } from "../domain/agent-filter.js"
import type { AgentType } from "../domain/agent.js"
import {
  type ApiKeyCreation,
  type ApiKeyRotation,
  type CreatableRole,
  defaultGraceHours,
} from "../domain/api-key-commands.js"
import { ApiKey } from "../domain/api-key.js"
import type { Tenant } from "../domain/tenant.js"

/**
 * The access rules of platform.md §3–§5: which keys authenticate, what an inactive tenant gets,
 * how a superadmin impersonates, which API keys may be created, rotated or used to register an
 * agent. Pure decisions; the Access service feeds them what it loaded.
 */

// --- time -----------------------------------------------------------------------------------

const nanosOf = (at: Timestamp): bigint =>
  BigInt(Date.parse(`${at.slice(0, 19)}Z`)) * 1_000_000n + BigInt(at.slice(20, 26)) * 1_000n

/** The instant `seconds` (whole seconds, possibly negative) after `at`, keeping its microseconds. */
export const secondsAfter = (at: Timestamp, seconds: number): Timestamp =>
  timestampFromNanos(nanosOf(at) + BigInt(Math.trunc(seconds)) * 1_000_000_000n)

// --- authentication (§3.1, §4.1, §1.4) --------------------------------------------------------

/** No bearer key at all (401 "Unauthorized"). */
export const missingKey = () => new Unauthorized({ message: "Unauthorized" })

/** A key that is unknown, revoked or expired — one message for all three (401). */
export const invalidKey = () => new Unauthorized({ message: "Invalid API key" })

/** Whether a stored key may authenticate at `at`: not revoked, and not expired (`expires_at ≤ at`). */
export const isKeyUsable = (key: ApiKey, at: Timestamp): boolean =>
  key.revoked_at === null && (key.expires_at === null || key.expires_at > at)

/** The key-resolution rule: a key that is found, not revoked and not expired, else 401. */
export const resolveKey = (
  found: Option.Option<ApiKey>,
  at: Timestamp,
): Either.Either<ApiKey, Unauthorized> =>
  Option.match(found, {
    onNone: () => Either.left(invalidKey()),
    onSome: (key) => (isKeyUsable(key, at) ? Either.right(key) : Either.left(invalidKey())),
  })

/** What an inactive tenant's keys get on every authenticated route (403). */
export const accessDenied = () => new Forbidden({ message: "Access denied" })

/** Only an active tenant's keys get through; suspended, deactivated and pending ones get 403. */
export const checkTenantAccess = (tenant: Option.Option<Tenant>): Either.Either<Tenant, Forbidden> =>
  Option.match(tenant, {
    onNone: () => Either.left(accessDenied()),
    onSome: (found) => (found.status === "active" ? Either.right(found) : Either.left(accessDenied())),
  })

// --- impersonation (§4.3, D21) ----------------------------------------------------------------

/** A bad impersonation target: not a uuid, or no such tenant (404). */
export const tenantNotFound = () => new NotFound({ message: "Tenant not found" })

const isUuid = Schema.is(Schema.UUID)

/**
 * Which tenant a request impersonates. The header counts only for superadmin keys (others are
 * silently ignored) and only when not blank; a value that is not a uuid is a 404.
 */
export const impersonationTarget = (
  role: Role,
  header: string | undefined,
): Either.Either<Option.Option<TenantId>, NotFound> => {
  const value = header?.trim() ?? ""
  if (role !== "superadmin" || value === "") return Either.right(Option.none())
  return isUuid(value)
    ? Either.right(Option.some(TenantId.make(value.toLowerCase())))
    : Either.left(tenantNotFound())
}

const tenantRoles: ReadonlyArray<Role> = ["user", "orchestrator", "agent"]

/** `X-Effective-Role`: a tenant role (user, orchestrator, agent) or nothing; anything else is ignored. */
export const effectiveRole = (header: string | undefined): Role | null => {
  const value = header?.trim() ?? ""
  return tenantRoles.find((role) => role === value) ?? null
}

/** D21: a tenant-scoped endpoint reached by a superadmin that impersonates nobody. */
export const impersonationRequired = () =>
  new Forbidden({ message: "Superadmin must use X-Impersonate-Tenant header" })

/** The actor of a tenant-scoped endpoint: every caller but a superadmin outside all tenants (403). */
export const requireTenantScope = (caller: Caller): Either.Either<Actor, Forbidden> =>
  isPlatformActor(caller) ? Either.left(impersonationRequired()) : Either.right(caller)

/**
 * The caller of an admin endpoint: a superadmin key. Impersonation is ignored there, so an
 * impersonating superadmin is taken back to its platform self; every other role gets 403.
 */
export const requireSuperadmin = (caller: Caller): Either.Either<PlatformActor, Forbidden> => {
  if (isPlatformActor(caller)) return Either.right(caller)
  return caller.impersonation === null
    ? Either.left(new Forbidden({ message: "This endpoint requires the superadmin role" }))
    : Either.right(new PlatformActor({ api_key_id: caller.api_key_id, key_name: caller.key_name }))
}

// --- API key creation (§3.3) --------------------------------------------------------------------

/** A valid request for a new key. */
export interface ApiKeyRequest {
  readonly name: string
  readonly role: CreatableRole
  readonly agent_id: AgentId | null
  readonly expires_at: Timestamp | null
}

/** What the store says about the tenant's keys when a key is asked for. */
export interface KeyAllowance {
  /** Keys neither revoked nor expired. */
  readonly active_keys: number
  /** The tenant's `max_api_keys` setting (default 100). */
  readonly max_api_keys: number
}

/**
 * The create rules in the spec's order, on a command whose fields have their shape already: a
 * superadmin role is 403 "Forbidden"; a tenant at its key limit gets 422; then what needs more
 * than the field itself (`agent_id` only on orchestrator and agent keys; `expires_at` after
 * `at`), every such problem at once. Whether the agent exists is the service's next question.
 */
export const checkApiKeyCreation = (
  command: ApiKeyCreation,
  allowance: KeyAllowance,
  at: Timestamp,
): Either.Either<ApiKeyRequest, Forbidden | ValidationFailed> => {
  const { role } = command
  if (role === "superadmin") return Either.left(new Forbidden({ message: "Forbidden" }))
  if (allowance.active_keys >= allowance.max_api_keys)
    return Either.left(
      new ValidationFailed({ message: `API key limit reached (max: ${allowance.max_api_keys})` }),
    )
  const problems = new FieldProblems()
  const agent_id = command.agent_id ?? null
  if (agent_id !== null && role === "user")
    problems.add("agent_id", "can only be set on orchestrator and agent keys")
  const expires_at = command.expires_at ?? null
  if (expires_at !== null && expires_at <= at) problems.add("expires_at", "must be in the future")
  return problems.result(() => ({ name: command.name, role, agent_id, expires_at }))
}

/** `agent_id` names no agent of the caller's tenant. */
export const agentDoesNotExist = () => ValidationFailed.ofFields({ agent_id: ["does not exist"] })

/** The agent already has an active key of this role (the one-active-key rule; keyed as in the original). */
export const agentRoleTaken = () =>
  ValidationFailed.ofFields({ tenant_id: ["agent already has an active key with this role"] })

// --- rotation (§3.4) --------------------------------------------------------------------------

/** The grace period a rotation asked for, in hours: 24 unless it says otherwise. */
export const graceHours = (command: ApiKeyRotation): number => command.grace_period_hours ?? defaultGraceHours

/**
 * Which keys may be rotated: not a revoked one (422), and not one that was rotated already
 * (422): its successor is the key to rotate. Rotating a key twice is how one key used to become
 * any number of live keys, each predecessor alive for its grace period.
 */
export const checkRotatable = (key: ApiKey): Either.Either<ApiKey, ValidationFailed> => {
  if (key.revoked_at !== null)
    return Either.left(new ValidationFailed({ message: "Cannot rotate a revoked key" }))
  if (key.rotated_at !== null)
    return Either.left(
      new ValidationFailed({ message: "Cannot rotate a key that was already rotated; rotate its successor" }),
    )
  return Either.right(key)
}

/**
 * When the rotated key stops working: `grace` hours from `at`, but never later than an expiry
 * it already had (rotation must not lengthen a key's life).
 */
export const rotatedExpiry = (key: ApiKey, at: Timestamp, grace: number): Timestamp => {
  const end = secondsAfter(at, grace * 3600)
  return key.expires_at !== null && key.expires_at < end ? key.expires_at : end
}

/** The key after its rotation at `at`: in its grace period of `grace` hours, marked rotated. */
export const rotatedKey = (key: ApiKey, at: Timestamp, grace: number): ApiKey =>
  new ApiKey({ ...key, expires_at: rotatedExpiry(key, at, grace), rotated_at: at, updated_at: at })

/**
 * The successor minted by a rotation names the key it replaces, so that rotating the successor
 * in turn can find the predecessor whose grace it ends.
 */
export const successorOf = (minted: ApiKey, rotated: ApiKey): ApiKey =>
  new ApiKey({ ...minted, rotated_from: rotated.id })

/**
 * At most one predecessor in grace: when a key that came from a rotation is rotated itself, the
 * key it replaced stops working now, if it still works. None when there is nothing to end.
 */
export const endedGrace = (predecessor: ApiKey, at: Timestamp): Option.Option<ApiKey> =>
  isKeyUsable(predecessor, at)
    ? Option.some(new ApiKey({ ...predecessor, expires_at: at, updated_at: at }))
    : Option.none()

// --- agents (§5) ---------------------------------------------------------------------------------

/**
 * Who may register an agent, past its role rule (exact agent, in the action table): a key of its
 * own (an impersonating superadmin has no key to bind, 422) that is not bound to an agent yet
 * (409, naming the agent).
 */
export const checkAgentRegistration = (actor: Actor): Either.Either<Actor, ValidationFailed | Conflict> => {
  if (actor.impersonation !== null)
    return Either.left(new ValidationFailed({ message: "Impersonated request has no agent identity" }))
  return actor.agent_id === null ? Either.right(actor) : Either.left(alreadyBound(actor.agent_id))
}

/** A second registration with a key that is bound already. */
export const alreadyBound = (agent: AgentId) =>
  new Conflict({
    message: `This API key is already bound to agent ${agent}. Create a new agent-role key to register another agent.`,
    agent_id: agent,
  })

/** A registration as stored: no metadata means an empty object. */
export const agentRegistration = (
  command: AgentRegistrationCommand,
): { readonly name: string; readonly agent_type: AgentType; readonly metadata: JsonObject } => ({
  name: command.name,
  agent_type: command.agent_type,
  metadata: command.metadata ?? {},
})

/** Another agent of the tenant has the name (the field key is the original's artefact). */
export const agentNameTaken = () =>
  ValidationFailed.ofFields({ tenant_id: ["has already been taken for this tenant"] })

/** The agent list's filter for a decoded query: only the filters it names, by name by default. */
export const agentListFilter = (query: AgentListQuery): AgentFilter => ({
  ...(query.agent_type === undefined ? {} : { agent_type: query.agent_type }),
  ...(query.status === undefined ? {} : { status: query.status }),
  sort_by: query.sort_by ?? "name",
})
