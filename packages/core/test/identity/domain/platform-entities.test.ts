import { describe, expect, it } from "@effect/vitest"
import { Either, FastCheck, Schema } from "effect"
import { AuditEntry } from "../../../src/audit/domain/audit-entry.js"
import {
  IssuedWebhook,
  PublicWebhook,
  WebhookDelivery,
  WebhookEvent,
  WebhookSubscription,
  publicWebhook,
  webhookDelivery,
} from "../../../src/events/domain/webhook.js"
import { Agent } from "../../../src/identity/domain/agent.js"
import { ApiKey, IssuedApiKey, PublicApiKey, publicApiKey } from "../../../src/identity/domain/api-key.js"
import {
  Tenant,
  TenantSettings,
  defaultTenantSettings,
  tenantSettings,
} from "../../../src/identity/domain/tenant.js"
import { OrchestratorState } from "../../../src/workflow/domain/orchestrator-state.js"

const tenantId = "0b6f8a52-6f1e-4c33-9d0a-1f2e3d4c5b6a"
const projectId = "3c1d2e4f-5a6b-4c7d-8e9f-0a1b2c3d4e5f"
const agentId = "7e8f9a0b-1c2d-4e3f-8a5b-6c7d8e9f0a1b"
const keyId = "9a8b7c6d-5e4f-4a3b-9c1d-0e9f8a7b6c5d"
const webhookId = "1f2e3d4c-5b6a-4798-8a7b-6c5d4e3f2a1b"
const eventId = "2a3b4c5d-6e7f-4a1b-8c2d-3e4f5a6b7c8d"
const otherId = "4d5e6f7a-8b9c-4d0e-9f1a-2b3c4d5e6f7a"
const t1 = "2026-03-27T12:00:00.123456Z"
const t2 = "2026-03-27T12:00:01.000001Z"

/** Decodes the wire JSON and encodes the result back: both directions must be lossless. */
const roundTrip = <A, I>(schema: Schema.Schema<A, I>, json: unknown): A => {
  const decoded = Schema.decodeUnknownSync(schema)(json)
  expect(Schema.encodeSync(schema)(decoded)).toEqual(json)
  return decoded
}

const rejects = <A, I>(schema: Schema.Schema<A, I>, json: unknown): void => {
  expect(Either.isLeft(Schema.decodeUnknownEither(schema)(json))).toBe(true)
}

/** Decoding fails with the given message somewhere in the report. */
const rejectsWith = <A, I>(schema: Schema.Schema<A, I>, json: unknown, message: string): void => {
  const result = Schema.decodeUnknownEither(schema)(json)
  expect(Either.isLeft(result)).toBe(true)
  if (Either.isLeft(result)) expect(result.left.message).toContain(message)
}

const tenantJson = {
  id: tenantId,
  name: "Acme",
  slug: "acme-corp",
  email: "ops@acme.dev",
  settings: { max_projects: 5, onboarding: { completed: ["first_key"] } },
  status: "active",
  default_story_budget_millicents: null,
  token_data_retention_days: 90,
  inserted_at: t1,
  updated_at: t2,
}

const apiKeyJson = {
  id: keyId,
  tenant_id: tenantId,
  name: "worker-1",
  key_prefix: "lc_AbCdE",
  key_hash: "5d5d139563c95b5967b9bd9a8c9b233a9dedb45072794cd232dc1b74832607d0",
  role: "orchestrator",
  agent_id: agentId,
  last_used_at: t2,
  expires_at: null,
  revoked_at: null,
  inserted_at: t1,
  updated_at: t2,
  rotated_from: null,
  rotated_at: null,
}

const agentJson = {
  id: agentId,
  tenant_id: tenantId,
  name: "orchestrator-main",
  agent_type: "orchestrator",
  status: "active",
  last_seen_at: t2,
  metadata: { host: "ci-7" },
  inserted_at: t1,
  updated_at: t2,
}

const webhookJson = {
  id: webhookId,
  tenant_id: tenantId,
  url: "https://hooks.example.com/loopctl",
  events: ["story.status_changed", "story.verified"],
  project_id: projectId,
  active: true,
  consecutive_failures: 0,
  last_delivery_at: null,
  inserted_at: t1,
  updated_at: t2,
  signing_secret_sealed: "v1.c2VhbGVkLXNlY3JldA",
}

const webhookEventJson = {
  id: eventId,
  tenant_id: tenantId,
  webhook_id: webhookId,
  event_type: "story.status_changed",
  payload: { story_id: otherId, project_id: projectId, old_status: "contracted", new_status: "assigned" },
  status: "pending",
  attempts: 1,
  last_attempt_at: t2,
  next_attempt_at: "2026-03-27T12:01:01.000001Z",
  error: "HTTP 500: boom",
  delivered_at: null,
  inserted_at: t1,
  updated_at: t2,
}

const auditJson = {
  id: otherId,
  tenant_id: null,
  project_id: null,
  entity_type: "tenant",
  entity_id: tenantId,
  action: "tenant_suspended",
  actor_type: "superadmin",
  actor_id: keyId,
  actor_label: "superadmin:ops",
  old_state: null,
  new_state: { status: "suspended" },
  metadata: {},
  inserted_at: t1,
}

const stateJson = {
  id: otherId,
  tenant_id: tenantId,
  project_id: projectId,
  state_key: "main",
  state_data: { phase: "verify", queue: [1, 2, { nested: true }] },
  version: 6,
  inserted_at: t1,
  updated_at: t2,
}

describe("Tenant", () => {
  it("round-trips its wire JSON", () => {
    const tenant = roundTrip(Tenant, tenantJson)
    expect(tenant).toBeInstanceOf(Tenant)
    expect(tenant.status).toBe("active")
  })

  it("accepts every documented status", () => {
    for (const status of ["active", "suspended", "deactivated", "pending_enrollment"]) {
      roundTrip(Tenant, { ...tenantJson, status })
    }
  })

  it("rejects invalid samples", () => {
    rejects(Tenant, { ...tenantJson, status: "paused" })
    rejects(Tenant, { ...tenantJson, id: "not-a-uuid" })
    rejects(Tenant, { ...tenantJson, inserted_at: "2026-03-27T12:00:00Z" })
    rejects(Tenant, { ...tenantJson, settings: [] })
    rejects(Tenant, { ...tenantJson, token_data_retention_days: 10 })
    rejectsWith(Tenant, { ...tenantJson, slug: "Acme" }, "must be lowercase alphanumeric")
    rejectsWith(Tenant, { ...tenantJson, email: "ops@acme" }, "must be a valid email address")
  })
})

describe("tenantSettings", () => {
  const documentedDefaults = {
    rate_limit_requests_per_minute: 300,
    max_api_keys: 100,
    max_projects: 50,
    max_webhooks: 10,
    webhook_max_consecutive_failures: 10,
    webhook_event_retention_days: 30,
    webhook_require_https: false,
    auto_reset_on_rejection: true,
    knowledge_auto_extract: true,
    anomaly_high_multiplier: 3.0,
    anomaly_low_multiplier: 0.1,
  }

  it("gives the documented defaults for an empty object", () => {
    expect(tenantSettings({})).toEqual(documentedDefaults)
    expect(defaultTenantSettings).toEqual(documentedDefaults)
  })

  it("falls back to the default for wrongly typed, null or out-of-range values", () => {
    expect(
      tenantSettings({
        rate_limit_requests_per_minute: "abc",
        max_api_keys: 2.5,
        max_projects: 0,
        max_webhooks: -3,
        webhook_max_consecutive_failures: null,
        webhook_event_retention_days: "30",
        webhook_require_https: "yes",
        auto_reset_on_rejection: "false",
        knowledge_auto_extract: 0,
        anomaly_high_multiplier: "3",
        anomaly_low_multiplier: -0.5,
      }),
    ).toEqual(documentedDefaults)
    expect(tenantSettings({ rate_limit_requests_per_minute: 100_001 }).rate_limit_requests_per_minute).toBe(
      300,
    )
    expect(
      tenantSettings({ anomaly_high_multiplier: Number.POSITIVE_INFINITY }).anomaly_high_multiplier,
    ).toBe(3)
  })

  it("uses the values a tenant set", () => {
    expect(
      tenantSettings({
        rate_limit_requests_per_minute: 3,
        max_api_keys: 2,
        max_projects: 5,
        max_webhooks: 1,
        webhook_max_consecutive_failures: 1,
        webhook_event_retention_days: 7,
        webhook_require_https: true,
        auto_reset_on_rejection: false,
        knowledge_auto_extract: false,
        anomaly_high_multiplier: 4.5,
        anomaly_low_multiplier: 0.25,
        timezone: "UTC",
      }),
    ).toEqual({
      rate_limit_requests_per_minute: 3,
      max_api_keys: 2,
      max_projects: 5,
      max_webhooks: 1,
      webhook_max_consecutive_failures: 1,
      webhook_event_retention_days: 7,
      webhook_require_https: true,
      auto_reset_on_rejection: false,
      knowledge_auto_extract: false,
      anomaly_high_multiplier: 4.5,
      anomaly_low_multiplier: 0.25,
    })
  })

  it("reads the anomaly factors under their alternative names, the primary names first", () => {
    const alias = tenantSettings({ cost_anomaly_high_factor: 5, cost_anomaly_low_factor: 0.2 })
    expect(alias.anomaly_high_multiplier).toBe(5)
    expect(alias.anomaly_low_multiplier).toBe(0.2)
    const both = tenantSettings({ anomaly_high_multiplier: 6, cost_anomaly_high_factor: 5 })
    expect(both.anomaly_high_multiplier).toBe(6)
    const badPrimary = tenantSettings({ anomaly_high_multiplier: "6", cost_anomaly_high_factor: 5 })
    expect(badPrimary.anomaly_high_multiplier).toBe(5)
  })

  it.prop(
    "returns a tenant's valid settings unchanged, whatever other keys it has",
    [TenantSettings],
    ([settings]) => {
      expect(tenantSettings({ unrelated: "kept elsewhere", ...settings })).toEqual(settings)
    },
  )

  const knownKeys = Object.keys(defaultTenantSettings)
  const anyValueFor = Object.fromEntries(knownKeys.map((key) => [key, FastCheck.jsonValue()]))
  const storedSettings = FastCheck.record(anyValueFor, { requiredKeys: [] })

  it.prop(
    "always yields usable settings: each one as stored or its default",
    [storedSettings],
    ([stored]) => {
      const resolved = tenantSettings(stored)
      expect(Schema.is(TenantSettings)(resolved)).toBe(true)
      for (const [key, value] of Object.entries(resolved)) {
        const fallback = Object.entries(defaultTenantSettings).find(([k]) => k === key)?.[1]
        expect(value === stored[key] || value === fallback).toBe(true)
      }
    },
  )
})

describe("ApiKey", () => {
  it("round-trips its wire JSON", () => {
    expect(roundTrip(ApiKey, apiKeyJson)).toBeInstanceOf(ApiKey)
  })

  it("keeps a superadmin key outside every tenant and every other key inside one", () => {
    roundTrip(ApiKey, { ...apiKeyJson, tenant_id: null, role: "superadmin", agent_id: null })
    rejectsWith(ApiKey, { ...apiKeyJson, role: "superadmin" }, "superadmin keys must not have a tenant_id")
    rejectsWith(ApiKey, { ...apiKeyJson, tenant_id: null }, "is required for non-superadmin keys")
  })

  it("rejects invalid samples", () => {
    rejects(ApiKey, { ...apiKeyJson, role: "admin" })
    rejects(ApiKey, { ...apiKeyJson, agent_id: "agent-7" })
    rejects(ApiKey, { ...apiKeyJson, expires_at: "tomorrow" })
    rejects(ApiKey, { ...apiKeyJson, key_hash: apiKeyJson.key_hash.toUpperCase() })
    rejects(ApiKey, { ...apiKeyJson, key_prefix: "lc_AbCdEfG" })
    rejects(ApiKey, { ...apiKeyJson, name: "" })
  })

  it("shows neither the hash nor the tenant in its public view", () => {
    const shown = Schema.encodeSync(PublicApiKey)(publicApiKey(Schema.decodeUnknownSync(ApiKey)(apiKeyJson)))
    expect(shown).toEqual({
      id: keyId,
      name: "worker-1",
      key_prefix: "lc_AbCdE",
      role: "orchestrator",
      agent_id: agentId,
      last_used_at: t2,
      expires_at: null,
      revoked_at: null,
      inserted_at: t1,
    })
    expect(
      Object.keys(Schema.encodeSync(PublicApiKey)(Schema.decodeUnknownSync(PublicApiKey)(apiKeyJson))),
    ).not.toContain("key_hash")
  })

  it("round-trips the one-time issued key", () => {
    roundTrip(IssuedApiKey, {
      id: keyId,
      key_prefix: "lc_AbCdE",
      role: "user",
      name: "default",
      agent_id: null,
      expires_at: null,
      inserted_at: t1,
      raw_key: "lc_AbCdEfGhIjKlMnOpQrStUvWxYz0123456789-_ab",
    })
    rejects(IssuedApiKey, {
      id: keyId,
      key_prefix: "lc_AbCdE",
      role: "user",
      name: "default",
      inserted_at: t1,
    })
  })
})

describe("Agent", () => {
  it("round-trips its wire JSON", () => {
    expect(roundTrip(Agent, agentJson)).toBeInstanceOf(Agent)
    roundTrip(Agent, { ...agentJson, agent_type: "implementer", status: "idle", last_seen_at: null })
  })

  it("rejects invalid samples", () => {
    rejects(Agent, { ...agentJson, agent_type: "robot" })
    rejects(Agent, { ...agentJson, status: "reported_done" })
    rejects(Agent, { ...agentJson, tenant_id: "42" })
    rejects(Agent, { ...agentJson, last_seen_at: "2026-03-27 12:00:00" })
    rejects(Agent, { ...agentJson, name: "" })
    rejects(Agent, { ...agentJson, name: "x".repeat(256) })
    rejects(Agent, { ...agentJson, metadata: "none" })
  })
})

describe("WebhookSubscription", () => {
  it("round-trips its wire JSON", () => {
    expect(roundTrip(WebhookSubscription, webhookJson)).toBeInstanceOf(WebhookSubscription)
    roundTrip(WebhookSubscription, { ...webhookJson, project_id: null, active: false, last_delivery_at: t2 })
  })

  it("rejects invalid samples", () => {
    rejects(WebhookSubscription, { ...webhookJson, events: ["nope"] })
    rejects(WebhookSubscription, { ...webhookJson, events: [] })
    rejects(WebhookSubscription, { ...webhookJson, project_id: "project-1" })
    rejects(WebhookSubscription, { ...webhookJson, inserted_at: "2026-03-27T12:00:00.123Z" })
    rejects(WebhookSubscription, { ...webhookJson, consecutive_failures: -1 })
    rejects(WebhookSubscription, { ...webhookJson, signing_secret_sealed: "" })
    rejectsWith(WebhookSubscription, { ...webhookJson, url: "ftp://x" }, "must use HTTPS or HTTP scheme")
    rejects(WebhookSubscription, { ...webhookJson, url: `https://example.com/${"a".repeat(2048)}` })
  })

  it("never shows the secret nor the tenant in its public view", () => {
    const subscription = Schema.decodeUnknownSync(WebhookSubscription)(webhookJson)
    const shown = Schema.encodeSync(PublicWebhook)(publicWebhook(subscription))
    const { tenant_id: _tenant, signing_secret_sealed: _secret, ...expected } = webhookJson
    expect(shown).toEqual(expected)
  })

  it("round-trips the creation answer that shows the secret once", () => {
    const { tenant_id: _tenant, signing_secret_sealed: _secret, ...shown } = webhookJson
    const secret = "0123456789abcdef".repeat(4)
    roundTrip(IssuedWebhook, { ...shown, signing_secret: secret })
    rejects(IssuedWebhook, { ...shown, signing_secret: secret.toUpperCase() })
    rejects(IssuedWebhook, { ...shown, signing_secret: "abc" })
  })
})

describe("WebhookEvent", () => {
  it("round-trips its wire JSON", () => {
    expect(roundTrip(WebhookEvent, webhookEventJson)).toBeInstanceOf(WebhookEvent)
    roundTrip(WebhookEvent, {
      ...webhookEventJson,
      event_type: "webhook.test",
      status: "delivered",
      next_attempt_at: null,
      error: null,
      delivered_at: t2,
    })
  })

  it("rejects invalid samples", () => {
    rejects(WebhookEvent, { ...webhookEventJson, status: "sent" })
    rejects(WebhookEvent, { ...webhookEventJson, event_type: "article.published" })
    rejects(WebhookEvent, { ...webhookEventJson, webhook_id: "1234" })
    rejects(WebhookEvent, { ...webhookEventJson, next_attempt_at: 1_774_612_861 })
    rejects(WebhookEvent, { ...webhookEventJson, attempts: -1 })
  })

  it("shows a delivery-log line without the payload", () => {
    const event = Schema.decodeUnknownSync(WebhookEvent)(webhookEventJson)
    expect(Schema.encodeSync(WebhookDelivery)(webhookDelivery(event))).toEqual({
      id: eventId,
      event_type: "story.status_changed",
      status: "pending",
      attempts: 1,
      delivered_at: null,
      error: "HTTP 500: boom",
      inserted_at: t1,
    })
  })
})

describe("AuditEntry", () => {
  it("round-trips its wire JSON", () => {
    expect(roundTrip(AuditEntry, auditJson)).toBeInstanceOf(AuditEntry)
    roundTrip(AuditEntry, {
      ...auditJson,
      tenant_id: tenantId,
      project_id: projectId,
      actor_type: "system",
      actor_id: null,
      actor_label: "system:auto_reset",
      old_state: { agent_status: "reported_done" },
    })
  })

  it("rejects invalid samples", () => {
    rejects(AuditEntry, { ...auditJson, actor_type: "robot" })
    rejects(AuditEntry, { ...auditJson, entity_id: "tenant-1" })
    rejects(AuditEntry, { ...auditJson, actor_id: "key" })
    rejects(AuditEntry, { ...auditJson, inserted_at: "2026-13-01" })
    rejects(AuditEntry, { ...auditJson, entity_type: "" })
    rejects(AuditEntry, { ...auditJson, new_state: "suspended" })
  })
})

describe("OrchestratorState", () => {
  it("round-trips its wire JSON", () => {
    expect(roundTrip(OrchestratorState, stateJson)).toBeInstanceOf(OrchestratorState)
  })

  it("rejects invalid samples", () => {
    rejects(OrchestratorState, { ...stateJson, version: 0 })
    rejects(OrchestratorState, { ...stateJson, version: "5" })
    rejects(OrchestratorState, { ...stateJson, state_key: "" })
    rejects(OrchestratorState, { ...stateJson, state_key: "k".repeat(256) })
    rejects(OrchestratorState, { ...stateJson, project_id: "p1" })
    rejects(OrchestratorState, { ...stateJson, updated_at: "yesterday" })
    rejects(OrchestratorState, { ...stateJson, state_data: [1, 2] })
  })
})

describe("generated entities", () => {
  /**
   * Any value of the schema, once written as JSON text, decodes and encodes back to the same JSON.
   * (Compared as JSON because the arbitrary of a free-form object may hold `undefined`.)
   */
  const survivesJson = <A, I>(name: string, schema: Schema.Schema<A, I>) =>
    it.prop(
      `${name} read from its JSON writes the same JSON`,
      [schema],
      ([value]) => {
        const wire: unknown = JSON.parse(JSON.stringify(Schema.encodeSync(schema)(value)))
        expect(Schema.encodeSync(schema)(Schema.decodeUnknownSync(schema)(wire))).toEqual(wire)
      },
      { fastCheck: { numRuns: 50 } },
    )
  survivesJson("Tenant", Tenant)
  survivesJson("ApiKey", ApiKey)
  survivesJson("Agent", Agent)
  survivesJson("WebhookSubscription", WebhookSubscription)
  survivesJson("WebhookEvent", WebhookEvent)
  survivesJson("AuditEntry", AuditEntry)
  survivesJson("OrchestratorState", OrchestratorState)
})
