import { HttpApiBuilder } from "@effect/platform"
import { LoopctlApi } from "@loopctl/api"
import { Access, ApiKeyId, pageMeta, pageOf, pageRequest } from "@loopctl/core"
import { Effect } from "effect"
import { pathId } from "../edge/path-id.js"
import { carriesSecret } from "../edge/secret-response.js"
import { tenantActor } from "../edge/tenant-scope.js"

/**
 * The key list is not paged by the original (every key at once); with D13's `data`/`meta` it is
 * paged, with a first page large enough to hold a tenant's default key allowance.
 */
const keyPages = { page_size: 100, max: 100 }

/** The handlers of the `apiKeys` group: the Access use case on the caller's tenant. */
export const ApiKeysLive = HttpApiBuilder.group(LoopctlApi, "apiKeys", (handlers) =>
  Effect.map(Access, (access) =>
    handlers
      .handle("create", ({ payload }) =>
        Effect.zipRight(
          carriesSecret,
          Effect.map(
            Effect.flatMap(tenantActor, (actor) => access.createApiKey(actor, payload)),
            (api_key) => ({ api_key }),
          ),
        ),
      )
      .handle("list", ({ urlParams }) =>
        Effect.gen(function* () {
          const actor = yield* tenantActor
          const request = pageRequest(urlParams, keyPages)
          const keys = yield* access.listApiKeys(actor, {
            include_revoked: urlParams.include_revoked ?? false,
          })
          const page = pageOf(keys, request)
          return { api_keys: page.items, data: page.items, meta: pageMeta(request, page.total_count) }
        }),
      )
      .handle("revoke", ({ path }) =>
        Effect.gen(function* () {
          const actor = yield* tenantActor
          const id = yield* pathId(ApiKeyId, path.id)
          return { api_key: yield* access.revokeApiKey(actor, id) }
        }),
      )
      .handle("rotate", ({ path, payload }) =>
        Effect.gen(function* () {
          yield* carriesSecret
          const actor = yield* tenantActor
          const id = yield* pathId(ApiKeyId, path.id)
          return yield* access.rotateApiKey(actor, id, payload)
        }),
      ),
  ),
)
