import { HttpApiBuilder } from "@effect/platform"
import { LoopctlApi } from "@loopctl/api"
import { Access, ApiKeyId, IdentityActions, pageMeta, pageOf, pageRequest, policyUse } from "@loopctl/core"
import { Effect } from "effect"
import { pathId } from "../edge/path-id.js"
import { carriesSecret } from "../edge/secret-response.js"

/**
 * The key list is not paged by the original (every key at once); with D13's `data`/`meta` it is
 * paged, with a first page large enough to hold a tenant's default key allowance.
 */
const keyPages = { page_size: 100, max: 100 }

/** The handlers of the `apiKeys` group: the Access use case on the caller's tenant, under each action's policy. */
export const ApiKeysLive = HttpApiBuilder.group(LoopctlApi, "apiKeys", (handlers) =>
  Effect.map(Access, (access) =>
    handlers
      .handle("create", ({ payload }) =>
        Effect.zipRight(
          carriesSecret,
          Effect.map(
            access.createApiKey(payload).pipe(policyUse(IdentityActions.createApiKey)),
            (api_key) => ({
              api_key,
            }),
          ),
        ),
      )
      .handle("list", ({ urlParams }) =>
        Effect.gen(function* () {
          const request = pageRequest(urlParams, keyPages)
          const keys = yield* access
            .listApiKeys({ include_revoked: urlParams.include_revoked ?? false })
            .pipe(policyUse(IdentityActions.listApiKeys))
          const page = pageOf(keys, request)
          return { api_keys: page.items, data: page.items, meta: pageMeta(request, page.total_count) }
        }),
      )
      .handle("revoke", ({ path }) =>
        Effect.gen(function* () {
          const id = yield* pathId(ApiKeyId, path.id)
          return { api_key: yield* access.revokeApiKey(id).pipe(policyUse(IdentityActions.revokeApiKey)) }
        }),
      )
      .handle("rotate", ({ path, payload }) =>
        Effect.gen(function* () {
          yield* carriesSecret
          const id = yield* pathId(ApiKeyId, path.id)
          return yield* access.rotateApiKey(id, payload).pipe(policyUse(IdentityActions.rotateApiKey))
        }),
      ),
  ),
)
