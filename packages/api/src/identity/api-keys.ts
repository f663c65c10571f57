import { HttpApiEndpoint, HttpApiGroup, HttpApiSchema, OpenApi } from "@effect/platform"
import * as Commands from "@loopctl/core"
import { IdentityActions, IssuedApiKey, PublicApiKey, Timestamp } from "@loopctl/core"
import { Schema } from "effect"
import { CarriesSecret, TenantScoped, requireAction } from "../contract/access.js"
import { PageMeta, pageQueryFields } from "../contract/list-meta.js"
import { payloadStruct } from "../contract/payload.js"
import { flagQuery } from "../contract/query-fields.js"

/** A key id in a path. Any text is routed; the handler answers 404 for one that is not a uuid. */
const keyId = HttpApiSchema.param("id", Schema.String)

/** The body of `POST /api/v1/api_keys`. */
export const ApiKeyCreation = Commands.ApiKeyCreation.annotations({ identifier: "ApiKeyCreation" })

/** The body of `POST /api/v1/api_keys/:id/rotate`. */
export const ApiKeyRotation = Commands.ApiKeyRotation.annotations({ identifier: "ApiKeyRotation" })

/** `{api_key:{…}}` of a new key: the only time its raw value is shown. */
export const IssuedApiKeyBody = Schema.Struct({ api_key: IssuedApiKey }).annotations({
  identifier: "IssuedApiKeyBody",
})

/** `{api_key:{…}}` of a stored key: never its hash or raw value. */
export const ApiKeyBody = Schema.Struct({ api_key: PublicApiKey }).annotations({ identifier: "ApiKeyBody" })

/** The tenant's keys, newest first: the original's `api_keys` beside `data` and `meta` (D13). */
export const ApiKeyList = Schema.Struct({
  api_keys: Schema.Array(PublicApiKey),
  data: Schema.Array(PublicApiKey),
  meta: PageMeta,
}).annotations({ identifier: "ApiKeyList" })

/** The key list query. */
export const ApiKeyListQuery = payloadStruct({
  include_revoked: flagQuery("true (or 1) lists revoked keys too"),
  ...pageQueryFields,
})

/** 201 of a rotation: the new key (raw value shown once) and when the old one stops working. */
export const RotatedApiKeyBody = Schema.Struct({
  new_key: IssuedApiKey,
  old_key_expires_at: Timestamp,
}).annotations({ identifier: "RotatedApiKey" })

/** The `apiKeys` group: a tenant's API keys. Only a hash of each key is stored. */
export class ApiKeysGroup extends HttpApiGroup.make("apiKeys")
  .add(
    HttpApiEndpoint.post("create", "/api/v1/api_keys")
      .setPayload(ApiKeyCreation)
      .addSuccess(IssuedApiKeyBody, { status: 201 })
      .annotate(OpenApi.Summary, "Create a user, orchestrator or agent key (the raw key is shown only here)")
      .annotate(CarriesSecret, true)
      .pipe(requireAction(IdentityActions.createApiKey)),
  )
  .add(
    HttpApiEndpoint.get("list", "/api/v1/api_keys")
      .setUrlParams(ApiKeyListQuery)
      .addSuccess(ApiKeyList)
      .annotate(OpenApi.Summary, "The tenant's keys, newest first, without hashes or raw keys")
      .pipe(requireAction(IdentityActions.listApiKeys)),
  )
  .add(
    HttpApiEndpoint.del("revoke")`/api/v1/api_keys/${keyId}`
      .addSuccess(ApiKeyBody)
      .annotate(OpenApi.Summary, "Revoke a key: it gets 401 from now on")
      .pipe(requireAction(IdentityActions.revokeApiKey)),
  )
  .add(
    HttpApiEndpoint.post("rotate")`/api/v1/api_keys/${keyId}/rotate`
      .setPayload(ApiKeyRotation)
      .addSuccess(RotatedApiKeyBody, { status: 201 })
      .annotate(OpenApi.Summary, "Rotate a key: a new key now, the old one works for a grace period")
      .annotate(CarriesSecret, true)
      .pipe(requireAction(IdentityActions.rotateApiKey)),
  )
  .annotate(OpenApi.Description, "API keys of the caller's tenant")
  .annotate(TenantScoped, true) {}
