import { HttpApp, HttpServerResponse } from "@effect/platform"
import { Effect } from "effect"

/**
 * D29: an answer that carries a raw API key (or, once webhooks exist, a webhook secret) must not
 * be kept by any cache: a shared proxy, the browser's history. Call this first in such a handler.
 */

/** Marks the current request's response, whatever it turns out to be, `Cache-Control: no-store`. */
export const carriesSecret: Effect.Effect<void> = HttpApp.appendPreResponseHandler((_request, response) =>
  Effect.succeed(HttpServerResponse.setHeader(response, "cache-control", "no-store")),
)
