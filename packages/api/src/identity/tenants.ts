import { HttpApiEndpoint, HttpApiGroup, OpenApi } from "@effect/platform"
import { IdentityActions, Tenant } from "@loopctl/core"
import { Schema } from "effect"
import { requireAction } from "../contract/access.js"
import { TenantPatch } from "./tenant-views.js"

/** `{tenant:{…}}`: the caller's own tenant. */
export const TenantBody = Schema.Struct({ tenant: Tenant }).annotations({ identifier: "TenantBody" })

/**
 * The `tenants` group: a tenant's view of itself. A superadmin reaches it only by impersonating
 * the tenant (`X-Impersonate-Tenant`), else 403.
 */
export class TenantsGroup extends HttpApiGroup.make("tenants")
  .add(
    HttpApiEndpoint.get("me", "/api/v1/tenants/me")
      .addSuccess(TenantBody)
      .annotate(OpenApi.Summary, "The caller's tenant: name, slug, email, settings and status")
      .pipe(requireAction(IdentityActions.showTenant)),
  )
  .add(
    HttpApiEndpoint.patch("updateMe", "/api/v1/tenants/me")
      .setPayload(TenantPatch)
      .addSuccess(TenantBody)
      .annotate(
        OpenApi.Summary,
        "Update the caller's tenant: name, slug, email, settings (merged), budget and retention",
      )
      .pipe(requireAction(IdentityActions.updateTenant)),
  )
  .annotate(OpenApi.Description, "The caller's own tenant") {}
