import { describe, expect, it } from "@effect/vitest"
import { Either, FastCheck, Option } from "effect"
import { Actor, PlatformActor } from "../../../src/identity/domain/actor.js"
import { AgentRegistration } from "../../../src/identity/domain/agent-commands.js"
import {
  ApiKeyCreation,
  ApiKeyRotation,
  maxGraceHours,
} from "../../../src/identity/domain/api-key-commands.js"
import { ApiKey } from "../../../src/identity/domain/api-key.js"
import { TenantCreation, TenantPatch } from "../../../src/identity/domain/tenant-commands.js"
import type { TenantSettingMaxima } from "../../../src/identity/domain/tenant-setting-maxima.js"
import { Tenant, type TenantStatus } from "../../../src/identity/domain/tenant.js"
import { IdentityActions } from "../../../src/identity/policy/identity-actions.js"
import {
  type KeyAllowance,
  agentListFilter,
  agentRegistration,
  checkApiKeyCreation as checkCommand,
  checkTenantAccess,
  effectiveRole,
  graceHours as graceOf,
  impersonationTarget,
  requireSuperadmin,
  requireTenantScope,
  resolveKey,
  rotatedExpiry,
  secondsAfter,
} from "../../../src/identity/rules/access.js"
import {
  applyTenantChanges,
  checkActivation,
  checkSuspension,
  mergeSettings,
  tenantChanges,
  tenantInput,
} from "../../../src/identity/rules/tenant-input.js"
import { AgentId, ApiKeyId, TenantId } from "../../../src/kernel/domain/ids.js"
import { Timestamp, timestampFromNanos } from "../../../src/kernel/domain/timestamp.js"
import type { Role } from "../../../src/work/domain/status.js"
import { decodeCommand } from "../../fixtures/commands.js"
import { admittedBy } from "../../fixtures/perform-as.js"
import { actor, arbRole } from "../../fixtures/stories.js"
import { errorEnvelope } from "../../fixtures/wire-status.js"

/** The bodies as the contract decodes them, then the rules: what a client gets for each body. */
const checkApiKeyCreation = (body: unknown, allowance: KeyAllowance, at: Timestamp) =>
  Either.flatMap(decodeCommand(ApiKeyCreation)(body), (command) => checkCommand(command, allowance, at))
const graceHours = (value: unknown) =>
  Either.map(decodeCommand(ApiKeyRotation)(value === undefined ? {} : { grace_period_hours: value }), graceOf)
const parseAgentRegistration = (body: unknown) =>
  Either.map(decodeCommand(AgentRegistration)(body), agentRegistration)
const parseTenantCreation = (body: unknown) => Either.map(decodeCommand(TenantCreation)(body), tenantInput)
const parseTenantUpdate = (body: unknown, current: Tenant, maxima?: TenantSettingMaxima) =>
  Either.flatMap(decodeCommand(TenantPatch)(body), (patch) => tenantChanges(patch, current, maxima))

const uuid = (n: number) => `00000000-0000-4000-8000-${n.toString(16).padStart(12, "0")}`
const tenantId = TenantId.make(uuid(1))
const agentId = AgentId.make(uuid(7))

/** Instants between 2026-01-01 and about 2027, with microseconds. */
const arbInstant: FastCheck.Arbitrary<Timestamp> = FastCheck.bigInt({
  min: 1_767_225_600_000_000_000n,
  max: 1_800_000_000_000_000_000n,
}).map(timestampFromNanos)

const arbStatus = FastCheck.constantFrom<TenantStatus>(
  "active",
  "suspended",
  "deactivated",
  "pending_enrollment",
)

const aKey = (overrides: Partial<ApiKey> = {}) =>
  new ApiKey({
    id: ApiKeyId.make(uuid(2)),
    tenant_id: tenantId,
    name: "k",
    key_prefix: "lc_abcde",
    key_hash: "a".repeat(64),
    role: "user",
    agent_id: null,
    last_used_at: null,
    expires_at: null,
    revoked_at: null,
    inserted_at: timestampFromNanos(1_767_225_600_000_000_000n),
    updated_at: timestampFromNanos(1_767_225_600_000_000_000n),
    ...overrides,
  })

const aTenant = (overrides: Partial<Tenant> = {}) =>
  new Tenant({
    id: tenantId,
    name: "Acme",
    slug: "acme",
    email: "ops@acme.dev",
    settings: { max_projects: 5, custom: "kept" },
    status: "active",
    default_story_budget_millicents: null,
    token_data_retention_days: null,
    inserted_at: timestampFromNanos(1_767_225_600_000_000_000n),
    updated_at: timestampFromNanos(1_767_225_600_000_000_000n),
    ...overrides,
  })

const statusOf = (either: Either.Either<unknown, { readonly _tag: string }>) =>
  Either.match(either, { onLeft: (e) => e._tag, onRight: () => "ok" })

const detailsOf = (either: Either.Either<unknown, unknown>): Record<string, unknown> =>
  Either.match(either, {
    onRight: () => ({}),
    onLeft: (e) =>
      typeof e === "object" &&
      e !== null &&
      "details" in e &&
      typeof e.details === "object" &&
      e.details !== null
        ? { ...e.details }
        : {},
  })

describe("time", () => {
  it.prop(
    "secondsAfter moves by whole seconds and back",
    [arbInstant, FastCheck.integer({ min: -1e6, max: 1e6 })],
    ([at, s]) => {
      expect(secondsAfter(secondsAfter(at, s), -s)).toBe(at)
      expect(secondsAfter(at, s) > at).toBe(s > 0)
      expect(secondsAfter(at, s).slice(20, 26)).toBe(at.slice(20, 26))
    },
  )
})

describe("key resolution", () => {
  it.prop(
    "a key authenticates iff it is found, not revoked and not expired (expires_at ≤ now is expired)",
    [FastCheck.option(arbInstant, { nil: null }), FastCheck.option(arbInstant, { nil: null }), arbInstant],
    ([revoked_at, expires_at, at]) => {
      const outcome = resolveKey(Option.some(aKey({ revoked_at, expires_at })), at)
      expect(Either.isRight(outcome)).toBe(revoked_at === null && (expires_at === null || expires_at > at))
      if (Either.isLeft(outcome))
        expect(errorEnvelope(outcome.left).error).toEqual({ status: 401, message: "Invalid API key" })
    },
  )
  it("an unknown key is 401 Invalid API key; expiry at exactly now is expired", () => {
    const at = timestampFromNanos(1_767_225_700_000_000_000n)
    expect(statusOf(resolveKey(Option.none(), at))).toBe("Unauthorized")
    expect(statusOf(resolveKey(Option.some(aKey({ expires_at: at })), at))).toBe("Unauthorized")
  })
  it.prop("only an active tenant's keys get through (403 Access denied)", [arbStatus], ([status]) => {
    const outcome = checkTenantAccess(Option.some(aTenant({ status })))
    expect(Either.isRight(outcome)).toBe(status === "active")
    if (Either.isLeft(outcome))
      expect(errorEnvelope(outcome.left).error).toEqual({ status: 403, message: "Access denied" })
  })
})

describe("impersonation", () => {
  const arbHeader = FastCheck.oneof(
    FastCheck.constant(undefined),
    FastCheck.constantFrom("", "  ", "not-a-uuid", uuid(5), uuid(5).toUpperCase(), ` ${uuid(6)} `),
    FastCheck.uuid(),
    FastCheck.string(),
  )
  it.prop(
    "the header counts only for superadmin keys, and a non-uuid is 404 Tenant not found",
    [arbRole, arbHeader],
    ([role, header]) => {
      const outcome = impersonationTarget(role, header)
      const value = header?.trim() ?? ""
      const isUuid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(value)
      if (role !== "superadmin" || value === "") expect(outcome).toEqual(Either.right(Option.none()))
      else if (isUuid) expect(outcome).toEqual(Either.right(Option.some(value.toLowerCase())))
      else
        expect(Either.isLeft(outcome) && errorEnvelope(outcome.left).error).toEqual({
          status: 404,
          message: "Tenant not found",
        })
    },
  )
  it.prop(
    "X-Effective-Role accepts exactly the tenant roles",
    [
      FastCheck.oneof(
        FastCheck.string(),
        FastCheck.constantFrom("user", "orchestrator", "agent", "superadmin", " agent "),
      ),
    ],
    ([header]) => {
      const role = effectiveRole(header)
      expect(role).toBe(["user", "orchestrator", "agent"].includes(header.trim()) ? header.trim() : null)
    },
  )
  const platform = new PlatformActor({ api_key_id: ApiKeyId.make(uuid(9)), key_name: "root" })
  const impersonating = new Actor({
    ...actor("superadmin", null),
    impersonation: { tenant_slug: "acme", impersonated_at: timestampFromNanos(0n), effective_role: null },
  })
  it("D21: a tenant-scoped endpoint refuses a superadmin that impersonates nobody, naming the header", () => {
    const refused = requireTenantScope(platform)
    expect(Either.isLeft(refused) && errorEnvelope(refused.left).error).toEqual({
      status: 403,
      message: "Superadmin must use X-Impersonate-Tenant header",
    })
    expect(requireTenantScope(impersonating)).toEqual(Either.right(impersonating))
  })
  it.prop("admin endpoints take superadmins only; impersonation is dropped there", [arbRole], ([role]) => {
    const outcome = requireSuperadmin(actor(role, null))
    expect(Either.isLeft(outcome)).toBe(true)
    if (Either.isLeft(outcome))
      expect(outcome.left.message).toBe("This endpoint requires the superadmin role")
    expect(requireSuperadmin(platform)).toEqual(Either.right(platform))
    const back = requireSuperadmin(impersonating)
    expect(Either.isRight(back) && back.right.api_key_id).toBe(impersonating.api_key_id)
  })
  it("an impersonating actor's audit label names the tenant", () => {
    expect(impersonating.label).toBe("superadmin:impersonating:acme")
    expect(actor("user", null).label).toBe("user:user-1")
    expect(platform.label).toBe("superadmin:root")
  })
})

describe("API key creation", () => {
  const arbName = FastCheck.oneof(
    FastCheck.constantFrom(undefined, null, "", "   ", "w1", "x".repeat(255), "x".repeat(256), 7),
    FastCheck.string(),
  )
  const arbKeyRole = FastCheck.constantFrom(
    undefined,
    null,
    "user",
    "orchestrator",
    "agent",
    "superadmin",
    "robot",
    1,
  )
  const arbAgentRef = FastCheck.constantFrom(undefined, null, uuid(7), "not-a-uuid", 42)
  const arbExpiry = FastCheck.constantFrom(
    undefined,
    null,
    "2030-01-01T00:00:00Z",
    "2030-01-01T00:00:00+02:00",
    "2020-01-01T00:00:00Z",
    "soon",
    5,
  )
  const at = Timestamp.make("2026-06-01T00:00:00.000000Z")
  const arbAllowance = FastCheck.record({
    active_keys: FastCheck.integer({ min: 0, max: 200 }),
    max_api_keys: FastCheck.integer({ min: 1, max: 200 }),
  })

  it.prop(
    "the body's shape first (the contract), then the spec's order: superadmin 403, the limit, the rest",
    [arbName, arbKeyRole, arbAgentRef, arbExpiry, arbAllowance],
    ([name, role, agent_id, expires_at, allowance]) => {
      const outcome = checkApiKeyCreation({ name, role, agent_id, expires_at }, allowance, at)
      const shapeOk =
        typeof name === "string" &&
        name.trim() !== "" &&
        name.length <= 255 &&
        (role === "user" || role === "orchestrator" || role === "agent" || role === "superadmin") &&
        (agent_id === undefined || agent_id === null || agent_id === uuid(7)) &&
        (expires_at === undefined || expires_at === null || typeof expires_at === "string") &&
        expires_at !== "soon"
      if (!shapeOk) {
        expect(Either.isLeft(outcome) && outcome.left._tag).toBe("ValidationFailed")
        return
      }
      if (role === "superadmin") {
        expect(Either.isLeft(outcome) && errorEnvelope(outcome.left).error).toEqual({
          status: 403,
          message: "Forbidden",
        })
        return
      }
      if (allowance.active_keys >= allowance.max_api_keys) {
        expect(Either.isLeft(outcome) && outcome.left.message).toBe(
          `API key limit reached (max: ${allowance.max_api_keys})`,
        )
        return
      }
      const nameOk = typeof name === "string" && name.trim() !== "" && name.length <= 255
      const roleOk = role === "user" || role === "orchestrator" || role === "agent"
      const agentOk = agent_id === undefined || agent_id === null || (agent_id === uuid(7) && role !== "user")
      // D26: a given expiry must be a time after `at`; the original read anything else as "never".
      const expiryOk =
        expires_at === undefined ||
        expires_at === null ||
        expires_at === "2030-01-01T00:00:00Z" ||
        expires_at === "2030-01-01T00:00:00+02:00"
      expect(Either.isRight(outcome)).toBe(nameOk && roleOk && agentOk && expiryOk)
      const details = detailsOf(outcome)
      expect("name" in details).toBe(!nameOk)
      expect("role" in details).toBe(!roleOk)
      expect("expires_at" in details).toBe(!expiryOk)
      if (Either.isRight(outcome)) {
        expect(outcome.right.agent_id).toBe(agent_id === uuid(7) ? agent_id : null)
        const parsed =
          expires_at === "2030-01-01T00:00:00Z"
            ? "2030-01-01T00:00:00.000000Z"
            : expires_at === "2030-01-01T00:00:00+02:00"
              ? "2029-12-31T22:00:00.000000Z"
              : null
        expect(outcome.right.expires_at).toBe(parsed)
      }
    },
  )
  it("missing fields read as the original's changeset errors", () => {
    expect(detailsOf(checkApiKeyCreation({}, { active_keys: 0, max_api_keys: 100 }, at))).toEqual({
      name: ["can't be blank"],
      role: ["can't be blank"],
    })
    expect(
      detailsOf(
        checkApiKeyCreation(
          { name: "x", role: "agent", agent_id: "nope" },
          { active_keys: 0, max_api_keys: 1 },
          at,
        ),
      ),
    ).toEqual({
      agent_id: ["is invalid"],
    })
  })
})

describe("rotation", () => {
  it.prop(
    "a grace period is a whole number of hours within 0..168, kept as given, or refused naming it",
    [FastCheck.oneof(FastCheck.anything(), FastCheck.integer({ min: -200, max: 400 }))],
    ([value]) => {
      const hours = graceHours(value)
      const whole =
        typeof value === "number" && Number.isInteger(value) && value >= 0 && value <= maxGraceHours
      if (whole) expect(hours).toEqual(Either.right(value))
      if (Either.isRight(hours))
        expect(Number.isInteger(hours.right) && hours.right >= 0 && hours.right <= maxGraceHours).toBe(true)
      else expect(Object.keys(detailsOf(hours))).toEqual(["grace_period_hours"])
    },
  )
  it("absent means 24; digits are read; fractions, garbage and out-of-range hours are refused (D26)", () => {
    expect([
      graceHours(undefined),
      graceHours(null),
      graceHours(12),
      graceHours("36"),
      graceHours(0),
    ]).toEqual([24, 24, 12, 36, 0].map((hours) => Either.right(hours)))
    for (const refused of ["abc", "36h", {}, 1.6, 169, 1e12, -3, true])
      expect(Either.isLeft(graceHours(refused)), String(refused)).toBe(true)
  })
  it.prop(
    "a rotated key expires after the grace period, never later than it already would",
    [arbInstant, FastCheck.option(arbInstant, { nil: null }), FastCheck.integer({ min: 0, max: 168 })],
    ([at, expires_at, hours]) => {
      const end = rotatedExpiry(aKey({ expires_at }), at, hours)
      const full = secondsAfter(at, hours * 3600)
      expect(end).toBe(expires_at !== null && expires_at < full ? expires_at : full)
    },
  )
})

describe("agent registration", () => {
  it.prop(
    "only an unbound agent-role key of its own may register",
    [arbRole, FastCheck.boolean(), FastCheck.boolean()],
    ([role, bound, impersonated]) => {
      const caller = new Actor({
        ...actor(role, bound ? agentId : null),
        impersonation: impersonated
          ? { tenant_slug: "acme", impersonated_at: timestampFromNanos(0n), effective_role: role }
          : null,
      })
      // The role rule is the action's (exact agent); the rest of the gate is checkAgentRegistration.
      const outcome = admittedBy(caller, IdentityActions.registerAgent)
      const expected =
        role !== "agent" ? "Forbidden" : impersonated ? "ValidationFailed" : bound ? "Conflict" : "ok"
      expect(statusOf(outcome)).toBe(expected)
      if (expected === "Conflict" && Either.isLeft(outcome))
        expect(errorEnvelope(outcome.left).error).toMatchObject({ status: 409, agent_id: agentId })
      if (expected === "Forbidden" && Either.isLeft(outcome))
        expect(outcome.left.message).toBe("This endpoint requires the agent role")
    },
  )
  it.prop(
    "a body passes iff the name is 1..255 characters, the type is known and metadata is an object",
    [
      FastCheck.oneof(FastCheck.string({ maxLength: 300 }), FastCheck.constantFrom(undefined, 1, "   ")),
      FastCheck.constantFrom(undefined, "orchestrator", "implementer", "robot", 3),
      FastCheck.constantFrom(undefined, null, {}, { a: 1 }, [1], "x"),
    ],
    ([name, agent_type, metadata]) => {
      const outcome = parseAgentRegistration({ name, agent_type, metadata })
      const nameOk = typeof name === "string" && name.trim() !== "" && name.trim().length <= 255
      const typeOk = agent_type === "orchestrator" || agent_type === "implementer"
      const metaOk =
        metadata === undefined ||
        metadata === null ||
        (typeof metadata === "object" && !Array.isArray(metadata))
      expect(Either.isRight(outcome)).toBe(nameOk && typeOk && metaOk)
      const details = detailsOf(outcome)
      if (!typeOk)
        expect(details.agent_type).toEqual([
          agent_type === undefined ? "can't be blank" : "must be one of: orchestrator, implementer",
        ])
      if (!metaOk) expect(details.metadata).toEqual(["must be a map"])
    },
  )
  it.prop(
    "the list filter keeps the filters the query names, ordered by name unless it says otherwise",
    [
      FastCheck.record({
        agent_type: FastCheck.constantFrom(undefined, "orchestrator" as const, "implementer" as const),
        status: FastCheck.constantFrom(undefined, "active" as const, "idle" as const, "deactivated" as const),
        sort_by: FastCheck.constantFrom(
          undefined,
          "name" as const,
          "status" as const,
          "last_seen_at" as const,
        ),
      }),
    ],
    ([query]) => {
      const filter = agentListFilter(query)
      expect(filter.sort_by).toBe(query.sort_by ?? "name")
      expect("agent_type" in filter).toBe(query.agent_type !== undefined)
      expect("status" in filter).toBe(query.status !== undefined)
      expect(filter.agent_type).toBe(query.agent_type)
      expect(filter.status).toBe(query.status)
    },
  )
})

describe("tenant bodies", () => {
  const arbField = FastCheck.oneof(
    FastCheck.constantFrom(undefined, null, "", " ", 5),
    FastCheck.string({ maxLength: 20 }),
  )
  it.prop(
    "D9: name, slug and email are all required; each problem is its own details field",
    [
      FastCheck.oneof(arbField, FastCheck.constant("Acme")),
      FastCheck.oneof(arbField, FastCheck.constantFrom("acme", "Acme-2", "a", "-x-")),
      FastCheck.oneof(arbField, FastCheck.constantFrom("ops@acme.dev", "nope")),
    ],
    ([name, slug, email]) => {
      const outcome = parseTenantCreation({ name, slug, email })
      const nameOk = typeof name === "string" && name.trim() !== ""
      const s = typeof slug === "string" ? slug.trim().toLowerCase() : ""
      const slugOk = /^[a-z0-9][a-z0-9-]*[a-z0-9]$/.test(s) && s.length <= 63
      const emailOk = typeof email === "string" && /^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(email.trim())
      expect(Either.isRight(outcome)).toBe(nameOk && slugOk && emailOk)
      expect(Object.keys(detailsOf(outcome)).sort()).toEqual(
        [nameOk ? [] : ["name"], slugOk ? [] : ["slug"], emailOk ? [] : ["email"]].flat().sort(),
      )
    },
  )
  it("an empty body names all three fields", () => {
    expect(detailsOf(parseTenantCreation({}))).toEqual({
      name: ["can't be blank"],
      slug: ["can't be blank"],
      email: ["can't be blank"],
    })
  })

  const arbSettingValue = FastCheck.oneof(
    FastCheck.integer({ min: -5, max: 200_000 }),
    FastCheck.boolean(),
    FastCheck.constantFrom(null, "abc", 1.5, {}),
  )
  const arbSettingsPatch = FastCheck.dictionary(
    FastCheck.constantFrom(
      "rate_limit_requests_per_minute",
      "max_api_keys",
      "max_whatever",
      "knowledge_auto_extract",
      "auto_reset_on_rejection",
      "webhook_event_retention_days",
      "custom",
    ),
    arbSettingValue,
  )
  const usable = (key: string, value: unknown): boolean => {
    if (value === null || key === "custom") return true
    if (key === "rate_limit_requests_per_minute")
      return typeof value === "number" && Number.isInteger(value) && value >= 1 && value <= 100_000
    if (key === "knowledge_auto_extract" || key === "auto_reset_on_rejection")
      return typeof value === "boolean"
    return typeof value === "number" && Number.isInteger(value) && value >= 1
  }
  it.prop(
    "settings are merged shallowly onto the stored ones, and known keys must hold usable values",
    [arbSettingsPatch],
    ([patch]) => {
      const current = aTenant()
      const outcome = parseTenantUpdate({ settings: patch, status: "suspended", id: "x" }, current)
      const ok = Object.entries(patch).every(([key, value]) => usable(key, value))
      expect(Either.isRight(outcome)).toBe(ok)
      if (Either.isRight(outcome)) {
        expect(outcome.right).toEqual({ settings: mergeSettings(current.settings, patch) })
        expect(outcome.right.settings).toEqual({ ...current.settings, ...patch })
      } else expect(Object.keys(detailsOf(outcome))).toEqual(["settings"])
    },
  )
  it("a non-object settings is invalid; the original's boolean message is kept", () => {
    expect(detailsOf(parseTenantUpdate({ settings: [1] }, aTenant()))).toEqual({ settings: ["is invalid"] })
    expect(detailsOf(parseTenantUpdate({ settings: { knowledge_auto_extract: "yes" } }, aTenant()))).toEqual({
      settings: ["knowledge_auto_extract must be a boolean"],
    })
    expect(detailsOf(parseTenantUpdate({ token_data_retention_days: 10 }, aTenant()))).toEqual({
      token_data_retention_days: ["must be at least 30 days"],
    })
    expect(detailsOf(parseTenantUpdate({ default_story_budget_millicents: 0 }, aTenant()))).toEqual({
      default_story_budget_millicents: ["must be greater than 0"],
    })
  })
  it.prop(
    "applying changes reports exactly the fields that changed, and stamps updated_at only then",
    [FastCheck.constantFrom("Acme", "Other"), FastCheck.constantFrom("acme", "acme-2"), arbInstant],
    ([name, slug, at]) => {
      const current = aTenant()
      const outcome = parseTenantUpdate({ name, slug }, current)
      if (Either.isLeft(outcome)) throw new Error("valid body refused")
      const applied = applyTenantChanges(current, outcome.right, at)
      const expected = [name !== current.name ? "name" : [], slug !== current.slug ? "slug" : []].flat()
      expect(applied.changed).toEqual(expected)
      expect(applied.tenant.updated_at).toBe(expected.length > 0 ? at : current.updated_at)
      expect(Object.keys(applied.new_state)).toEqual(expected)
    },
  )
  it.prop("suspend and activate refuse a no-op with 422", [arbStatus], ([status]) => {
    const tenant = aTenant({ status })
    expect(Either.isLeft(checkSuspension(tenant))).toBe(status === "suspended")
    expect(Either.isLeft(checkActivation(tenant))).toBe(status === "active")
  })
})

const roleNames: ReadonlyArray<Role> = ["user", "orchestrator", "agent"]
describe("roles that keys may be created with", () => {
  it("are user, orchestrator and agent", () => {
    for (const role of roleNames)
      expect(
        Either.isRight(
          checkApiKeyCreation(
            { name: "k", role },
            { active_keys: 0, max_api_keys: 1 },
            Timestamp.make("2026-06-01T00:00:00.000000Z"),
          ),
        ),
      ).toBe(true)
  })
})
