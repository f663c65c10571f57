import { Either, Option, Schema } from "effect"
import {
  type BadRequest,
  Conflict,
  Forbidden,
  NotFound,
  Unauthorized,
  ValidationFailed,
} from "../../kernel/domain/errors.js"
import { AgentId, TenantId } from "../../kernel/domain/ids.js"
import { type JsonObject, isJsonObject } from "../../kernel/domain/json.js"
import { BoundedMetadata } from "../../kernel/domain/metadata.js"
import { type PageQuery, type PageRequest, readPageRequest } from "../../kernel/domain/page.js"
import { QueryProblems, choiceParameter, flagParameter } from "../../kernel/domain/query-parameters.js"
import { type Timestamp, parseTimestamp, timestampFromNanos } from "../../kernel/domain/timestamp.js"
import { FieldProblems } from "../../kernel/rules/field-problems.js"
import type { Role } from "../../work/domain/status.js"
import { type Actor, type Caller, PlatformActor, isPlatformActor } from "../domain/actor.js"
import { type AgentFilter, type AgentSort, AgentSortFields } from "../domain/agent-filter.js"
import type { AgentActivity, AgentType } from "../domain/agent.js"
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

/**
 * The problem of a field that must name one of `choices`: "can't be blank" when it names nothing
 * (the original's changeset message), else the allowed values (D26).
 */
const choiceProblem = (value: unknown, choices: ReadonlyArray<string>): string =>
  value === undefined || value === null || (typeof value === "string" && value.trim() === "")
    ? "can't be blank"
    : `must be one of: ${choices.join(", ")}`

/** The roles a key may be created with through the API; superadmin keys never are. */
export const CreatableRole = Schema.Literal("user", "orchestrator", "agent")
export type CreatableRole = typeof CreatableRole.Type
const isCreatableRole = Schema.is(CreatableRole)

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

const KEY_NAME_MAX = 255

/**
 * The create rules in the spec's order: a superadmin role is 403 "Forbidden"; a tenant at its
 * key limit gets 422; then the body's fields (name required; role one of user, orchestrator,
 * agent — "can't be blank" when missing, the three when unknown; `expires_at`, when given, an ISO 8601 time after `at` — the
 * original read an unparseable one as "never", which D26 refuses; `agent_id` a uuid, and only on
 * orchestrator and agent keys). Whether the agent exists is the service's next question.
 */
export const checkApiKeyCreation = (
  body: unknown,
  allowance: KeyAllowance,
  at: Timestamp,
): Either.Either<ApiKeyRequest, Forbidden | ValidationFailed> => {
  const input = isJsonObject(body) ? body : {}
  if (input.role === "superadmin") return Either.left(new Forbidden({ message: "Forbidden" }))
  if (allowance.active_keys >= allowance.max_api_keys)
    return Either.left(
      new ValidationFailed({ message: `API key limit reached (max: ${allowance.max_api_keys})` }),
    )
  const problems = new FieldProblems()
  const name = typeof input.name === "string" ? input.name : ""
  if (name.trim() === "") problems.add("name", "can't be blank")
  else if (name.length > KEY_NAME_MAX) problems.add("name", `should be at most ${KEY_NAME_MAX} character(s)`)
  const role = isCreatableRole(input.role) ? input.role : null
  if (role === null) problems.add("role", choiceProblem(input.role, CreatableRole.literals))
  let agent_id: AgentId | null = null
  if (input.agent_id !== undefined && input.agent_id !== null) {
    if (typeof input.agent_id !== "string" || !isUuid(input.agent_id)) problems.add("agent_id", "is invalid")
    else if (role === "user") problems.add("agent_id", "can only be set on orchestrator and agent keys")
    else agent_id = AgentId.make(input.agent_id.toLowerCase())
  }
  const expires_at = expiryOf(input.expires_at, at, problems)
  return problems.result(() => ({ name, role: role ?? "user", agent_id, expires_at }))
}

/** A key's `expires_at`: absent or null is never; otherwise a time with a zone, after `at`. */
const expiryOf = (value: unknown, at: Timestamp, problems: FieldProblems): Timestamp | null => {
  if (value === undefined || value === null) return null
  const expiry = typeof value === "string" ? parseTimestamp(value.trim()) : undefined
  if (expiry === undefined)
    problems.add("expires_at", "must be an ISO 8601 time with Z or an offset, e.g. 2027-01-01T00:00:00Z")
  else if (expiry <= at) problems.add("expires_at", "must be in the future")
  else return expiry
  return null
}

/** `agent_id` names no agent of the caller's tenant. */
export const agentDoesNotExist = () => ValidationFailed.ofFields({ agent_id: ["does not exist"] })

/** The agent already has an active key of this role (the one-active-key rule; keyed as in the original). */
export const agentRoleTaken = () =>
  ValidationFailed.ofFields({ tenant_id: ["agent already has an active key with this role"] })

// --- rotation (§3.4) --------------------------------------------------------------------------

export const DEFAULT_GRACE_HOURS = 24
export const MAX_GRACE_HOURS = 168

/**
 * `grace_period_hours`: absent or null means the default of 24; otherwise a whole number of
 * hours (a number or a string of digits) from 0 to 168. The original rounded, read leading
 * digits and clamped; D26 refuses such values with a 422 instead of quietly changing them.
 */
export const graceHours = (value: unknown): Either.Either<number, ValidationFailed> => {
  if (value === undefined || value === null) return Either.right(DEFAULT_GRACE_HOURS)
  const read =
    typeof value === "number"
      ? value
      : typeof value === "string" && /^\s*\d+\s*$/.test(value)
        ? Number(value)
        : Number.NaN
  return Number.isInteger(read) && read >= 0 && read <= MAX_GRACE_HOURS
    ? Either.right(read)
    : Either.left(
        ValidationFailed.ofFields({
          grace_period_hours: [`must be a whole number of hours from 0 to ${MAX_GRACE_HOURS}`],
        }),
      )
}

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
 * Who may register an agent: an agent-role key (exact, 403 otherwise) of its own (an impersonating
 * superadmin has no key to bind, 422) that is not bound to an agent yet (409, naming the agent).
 */
export const checkAgentRegistration = (
  actor: Actor,
): Either.Either<Actor, Forbidden | ValidationFailed | Conflict> => {
  if (actor.role !== "agent")
    return Either.left(new Forbidden({ message: "This endpoint requires the agent role" }))
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

/** A valid registration body. */
export interface AgentRegistration {
  readonly name: string
  readonly agent_type: AgentType
  readonly metadata: JsonObject
}

const agentTypes: ReadonlyArray<AgentType> = ["orchestrator", "implementer"]
const agentActivities: ReadonlyArray<AgentActivity> = ["active", "idle", "deactivated"]
const fitsMetadata = Schema.is(BoundedMetadata)

/**
 * `{name, agent_type, metadata?}`: a name of 1..255 characters; a type of orchestrator or
 * implementer ("can't be blank" when missing, as in the original; an unknown one names the two,
 * D26); a metadata object of at most 64KB.
 */
export const parseAgentRegistration = (body: unknown): Either.Either<AgentRegistration, ValidationFailed> => {
  const input = isJsonObject(body) ? body : {}
  const problems = new FieldProblems()
  const name = typeof input.name === "string" ? input.name.trim() : ""
  if (name === "") problems.add("name", "can't be blank")
  else if (name.length > 255) problems.add("name", "should be at most 255 character(s)")
  const agent_type = agentTypes.find((type) => type === input.agent_type)
  if (agent_type === undefined) problems.add("agent_type", choiceProblem(input.agent_type, agentTypes))
  let metadata: JsonObject = {}
  if (input.metadata !== undefined && input.metadata !== null) {
    if (!isJsonObject(input.metadata)) problems.add("metadata", "must be a map")
    else if (!fitsMetadata(input.metadata)) problems.add("metadata", "must be smaller than 64KB")
    else metadata = input.metadata
  }
  return problems.result(() => ({ name, agent_type: agent_type ?? "implementer", metadata }))
}

/** Another agent of the tenant has the name (the field key is the original's artefact). */
export const agentNameTaken = () =>
  ValidationFailed.ofFields({ tenant_id: ["has already been taken for this tenant"] })

/** The agent list query: filters and order must name known values (400 otherwise); by name by default. */
export const agentListFilter = (query: {
  readonly agent_type?: unknown
  readonly status?: unknown
  readonly sort_by?: unknown
}): Either.Either<AgentFilter, BadRequest> => {
  const problems = new QueryProblems()
  const agent_type = choiceParameter(query.agent_type, "agent_type", agentTypes, problems)
  const status = choiceParameter(query.status, "status", agentActivities, problems)
  const sort_by: AgentSort = choiceParameter(query.sort_by, "sort_by", AgentSortFields, problems) ?? "name"
  return problems.result(() => ({
    ...(agent_type === undefined ? {} : { agent_type }),
    ...(status === undefined ? {} : { status }),
    sort_by,
  }))
}

/** The key list query: `include_revoked` (true/1 lists revoked keys too) and the page. */
export const apiKeyListQuery = (
  query: PageQuery & { readonly include_revoked?: unknown },
  paging: { readonly page_size: number; readonly max: number },
): Either.Either<{ readonly include_revoked: boolean; readonly page: PageRequest }, BadRequest> => {
  const problems = new QueryProblems()
  const include_revoked = flagParameter(query.include_revoked, "include_revoked", problems) ?? false
  const page = readPageRequest(query, paging, problems)
  return problems.result(() => ({ include_revoked, page }))
}
