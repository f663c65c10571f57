import { HttpApiEndpoint, HttpApiGroup, HttpApiSchema, OpenApi } from "@effect/platform"
import { AuditActions, IdentityActions, IssuedApiKey, Tenant, TenantId, TenantStatus } from "@loopctl/core"
import { Schema } from "effect"
import { AuditRowView, auditFilterFields } from "../audit/audit.js"
import { CarriesSecret, requireAction } from "../contract/access.js"
import { Enveloped } from "../contract/errors.js"
import { PageMeta, pageQueryFields } from "../contract/list-meta.js"
import { payloadStruct } from "../contract/payload.js"
import { choiceQuery, idQuery, queryText, textQuery } from "../contract/query-fields.js"
import {
  PlatformStatsView,
  TenantCreation,
  TenantDetailView,
  TenantListRow,
  TenantPatch,
} from "./tenant-views.js"

/** A tenant id in a path. Any text is routed; the handler answers 404 for one that is not a uuid. */
const tenantId = HttpApiSchema.param("id", Schema.String)

/** 201 of `POST /api/v1/admin/tenants`: the tenant and its first `user` key, raw value shown once. */
export const ProvisionedTenantBody = Schema.Struct({
  tenant: Tenant,
  api_key: IssuedApiKey,
}).annotations({ identifier: "ProvisionedTenant" })

/** `{tenant:{…}}` with the superadmin's counts. */
export const TenantDetailBody = Schema.Struct({ tenant: TenantDetailView }).annotations({
  identifier: "TenantDetailBody",
})

/** A row of `GET /api/v1/admin/audit`: an audit entry with its tenant (null for platform entries). */
export const PlatformAuditRowView = Schema.Struct({
  ...AuditRowView.fields,
  tenant_id: Schema.NullOr(TenantId),
  tenant_name: Schema.NullOr(Schema.String),
  tenant_slug: Schema.NullOr(Schema.String),
}).annotations({ identifier: "PlatformAuditEntry" })

/** `GET /api/v1/admin/audit`. */
export const PlatformAuditList = Schema.Struct({
  data: Schema.Array(PlatformAuditRowView),
  meta: PageMeta,
}).annotations({ identifier: "PlatformAuditList" })

/**
 * The cross-tenant audit query, typed: the tenant audit's filters (no project), a tenant, the
 * page. The use case reads it once the caller is known to be the superadmin, so the endpoint
 * declares it as text ({@link PlatformAuditQueryText}).
 */
export const PlatformAuditQuery = payloadStruct({
  tenant_id: idQuery("Tenant id (a uuid)", Schema.UUID),
  ...auditFilterFields,
  ...pageQueryFields,
})

/** {@link PlatformAuditQuery} as the endpoint declares it. */
export const PlatformAuditQueryText = queryText(PlatformAuditQuery)

/** A page of the superadmin's tenant list. */
export const TenantList = Schema.Struct({
  data: Schema.Array(TenantListRow),
  meta: PageMeta,
}).annotations({ identifier: "TenantList" })

/** The superadmin's tenant list query. */
export const TenantListQuery = payloadStruct({
  status: choiceQuery("active, suspended, deactivated or pending_enrollment", TenantStatus.literals),
  search: textQuery("Case-insensitive substring of the name or the slug"),
  ...pageQueryFields,
})

/**
 * The `admin` group: the platform, for superadmin keys only. `X-Impersonate-Tenant` is ignored
 * here, so an impersonating superadmin acts as itself.
 */
export class AdminGroup extends HttpApiGroup.make("admin")
  .add(
    HttpApiEndpoint.post("createTenant", "/api/v1/admin/tenants")
      .setPayload(TenantCreation)
      .addSuccess(ProvisionedTenantBody, { status: 201 })
      .addError(Enveloped.Conflict)
      .annotate(OpenApi.Summary, "Create a tenant and its first user key (the raw key is shown only here)")
      .annotate(CarriesSecret, true)
      .pipe(requireAction(IdentityActions.createTenant)),
  )
  .add(
    HttpApiEndpoint.get("listTenants", "/api/v1/admin/tenants")
      .setUrlParams(TenantListQuery)
      .addSuccess(TenantList)
      .annotate(OpenApi.Summary, "Every tenant with its counts, by name; filter by status or search")
      .pipe(requireAction(IdentityActions.listTenants)),
  )
  .add(
    HttpApiEndpoint.get("showTenant")`/api/v1/admin/tenants/${tenantId}`
      .addSuccess(TenantDetailBody)
      .annotate(OpenApi.Summary, "One tenant with its settings and counts")
      .pipe(requireAction(IdentityActions.inspectTenant)),
  )
  .add(
    HttpApiEndpoint.patch("updateTenant")`/api/v1/admin/tenants/${tenantId}`
      .setPayload(TenantPatch)
      .addSuccess(TenantDetailBody)
      .annotate(OpenApi.Summary, "Update a tenant as PATCH /tenants/me does (status is not writable)")
      .pipe(requireAction(IdentityActions.administerTenant)),
  )
  .add(
    HttpApiEndpoint.post("suspendTenant")`/api/v1/admin/tenants/${tenantId}/suspend`
      .addSuccess(TenantDetailBody)
      .annotate(OpenApi.Summary, "Suspend a tenant: its keys get 403 at once")
      .pipe(requireAction(IdentityActions.suspendTenant)),
  )
  .add(
    HttpApiEndpoint.post("activateTenant")`/api/v1/admin/tenants/${tenantId}/activate`
      .addSuccess(TenantDetailBody)
      .annotate(OpenApi.Summary, "Activate a suspended, deactivated or pending tenant")
      .pipe(requireAction(IdentityActions.activateTenant)),
  )
  .add(
    HttpApiEndpoint.get("audit", "/api/v1/admin/audit")
      .setUrlParams(PlatformAuditQueryText)
      .addSuccess(PlatformAuditList)
      .annotate(OpenApi.Summary, "The audit trail across every tenant, newest first, filtered and paged")
      .pipe(requireAction(AuditActions.listPlatform)),
  )
  .add(
    HttpApiEndpoint.get("stats", "/api/v1/admin/stats")
      .addSuccess(
        Schema.Struct({ stats: PlatformStatsView }).annotations({ identifier: "PlatformStatsBody" }),
      )
      .annotate(OpenApi.Summary, "Figures across every tenant: tenants, projects, stories, agents, keys")
      .pipe(requireAction(IdentityActions.platformStats)),
  )
  .annotate(OpenApi.Description, "Platform administration (superadmin keys only)") {}
