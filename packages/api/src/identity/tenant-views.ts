import * as Commands from "@loopctl/core"
import { AgentStatus, JsonObject, TenantId, TenantStatus, Timestamp, VerifiedStatus } from "@loopctl/core"
import { Schema } from "effect"

/** The wire shapes of tenants beyond the core's `Tenant`: the superadmin's views and the bodies. */

const Count = Schema.Int.pipe(Schema.nonNegative())

/** A row of `GET /api/v1/admin/tenants`. */
export const TenantListRow = Schema.Struct({
  id: TenantId,
  name: Schema.String,
  slug: Schema.String,
  email: Schema.String,
  status: TenantStatus,
  project_count: Count,
  story_count: Count,
  agent_count: Count,
  api_key_count: Count.annotations({ description: "Keys that are not revoked" }),
  inserted_at: Timestamp,
}).annotations({ identifier: "TenantSummary" })

/** One tenant as the superadmin sees it, with its counts. */
export const TenantDetailView = Schema.Struct({
  id: TenantId,
  name: Schema.String,
  slug: Schema.String,
  email: Schema.String,
  settings: JsonObject,
  status: TenantStatus,
  project_count: Count,
  story_count: Count,
  epic_count: Count,
  agent_count: Count,
  api_key_count: Count,
  inserted_at: Timestamp,
  updated_at: Timestamp,
}).annotations({ identifier: "TenantDetail" })

/** `GET /api/v1/admin/stats`: figures across every tenant. */
export const PlatformStatsView = Schema.Struct({
  total_tenants: Count,
  tenants_active: Count,
  tenants_suspended: Count,
  tenants_deactivated: Count,
  total_projects: Count,
  total_epics: Count,
  total_stories: Count,
  total_agents: Count,
  total_api_keys: Count.annotations({ description: "Keys that are not revoked, superadmin keys included" }),
  stories_by_agent_status: Schema.Record({ key: AgentStatus, value: Count }).annotations({
    description: "Stories per agent_status, every status present",
  }),
  stories_by_verified_status: Schema.Record({ key: VerifiedStatus, value: Count }).annotations({
    description: "Stories per verified_status, every status present",
  }),
  active_stories: Count.annotations({ description: "Stories being implemented" }),
  active_agents: Count.annotations({ description: "Active agents seen in the last 24 hours" }),
}).annotations({ identifier: "PlatformStats" })

/** The body of `POST /api/v1/admin/tenants` (D9): all three of name, slug and email are required. */
export const TenantCreation = Commands.TenantCreation.annotations({ identifier: "TenantCreation" })

/** The body of `PATCH /api/v1/tenants/me` and `PATCH /api/v1/admin/tenants/:id` — any writable field. */
export const TenantPatch = Commands.TenantPatch.annotations({ identifier: "TenantPatch" })
