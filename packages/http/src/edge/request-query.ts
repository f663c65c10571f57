import type { HttpServerRequest } from "@effect/platform"
import { type BadRequest, Rules } from "@loopctl/core"
import { Effect } from "effect"

/**
 * D25 for query strings: a value holding text the store could not keep (a NUL; an unpaired
 * surrogate cannot survive URL decoding, which replaces it) is a 400 naming the parameter, on
 * every endpoint, before any route reads it.
 */
export const refuseUnstorableQuery = (
  request: HttpServerRequest.HttpServerRequest,
): Effect.Effect<void, BadRequest> => {
  const at = request.url.indexOf("?")
  if (at < 0) return Effect.void
  const parameters = [...new URLSearchParams(request.url.slice(at + 1)).entries()]
  return Rules.StorableText.checkStorableQuery(parameters)
}
