import type { HttpServerRequest } from "@effect/platform"
import { BadRequest, type ValidationFailed, decodeRequest } from "@loopctl/core"
import { Effect, type Schema } from "effect"

/**
 * The body of `request` read by `schema` in the handler, for the endpoints whose refusal carries
 * a message of its own (the Schema's refusal summary, e.g. "reason is required and cannot be
 * blank") beside the `details` every 422 lists. The platform's decoding of the other endpoints
 * answers with the same `details` and "Validation failed".
 */
export const decodedBody = <A, I>(
  schema: Schema.Schema<A, I>,
  request: HttpServerRequest.HttpServerRequest,
): Effect.Effect<A, BadRequest | ValidationFailed> =>
  request.json.pipe(
    // The edge has read the body already (see request-body.ts), so it is JSON.
    Effect.mapError(() => new BadRequest({ message: "Malformed request body" })),
    Effect.flatMap((body) => decodeRequest(schema)(body)),
  )
