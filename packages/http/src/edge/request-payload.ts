import type { HttpServerRequest } from "@effect/platform"
import { BadRequest, type ValidationFailed, decodeRequest } from "@loopctl/core"
import { Effect, type Either, type Schema } from "effect"

/**
 * The body of `request` read by `schema` in the handler, for the endpoints whose refusal carries
 * a message of its own (the Schema's refusal summary, e.g. "reason is required and cannot be
 * blank") beside the `details` every 422 lists. The platform's decoding of the other endpoints
 * answers with the same `details` and "Validation failed".
 */
export const decodedBody = <A, I>(
  schema: Schema.Schema<A, I>,
  request: HttpServerRequest.HttpServerRequest,
): Effect.Effect<A, BadRequest | ValidationFailed> => Effect.flatten(bodyAsRead(schema, request))

/**
 * The JSON body of `request` as it was sent, for a use case that reads a document itself in its
 * own order and answers its first problem (the import).
 */
export const sentBody = (request: HttpServerRequest.HttpServerRequest): Effect.Effect<unknown, BadRequest> =>
  // The edge has read the body already (see request-body.ts), so it is JSON.
  Effect.mapError(request.json, () => new BadRequest({ message: "Malformed request body" }))

/**
 * The body of `request` as `schema` reads it, or its 422, for a use case that refuses some
 * requests whatever their body holds (a finding on a finished run) before it looks at the body.
 */
export const bodyAsRead = <A, I>(
  schema: Schema.Schema<A, I>,
  request: HttpServerRequest.HttpServerRequest,
): Effect.Effect<Either.Either<A, ValidationFailed>, BadRequest> =>
  Effect.map(sentBody(request), (body) => decodeRequest(schema)(body))
