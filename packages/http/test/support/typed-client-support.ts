import { FetchHttpClient, HttpApiClient, HttpClient, HttpClientRequest } from "@effect/platform"
import { LoopctlApi } from "@loopctl/api"
import { Effect } from "effect"
import { baseUrl } from "./support.js"

/**
 * The typed client a CLI or MCP server builds from `@loopctl/api` alone, pointed at the running
 * test server and sending `key` as its bearer token (no key: an anonymous client).
 */
export const typedClient = (key?: string) =>
  Effect.flatMap(baseUrl, (url) =>
    HttpApiClient.make(LoopctlApi, {
      baseUrl: url,
      transformClient: HttpClient.mapRequest((request) =>
        key === undefined ? request : HttpClientRequest.bearerToken(request, key),
      ),
    }),
  ).pipe(Effect.provide(FetchHttpClient.layer))
