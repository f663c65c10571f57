import { HttpApiBuilder, HttpServerRequest } from "@effect/platform"
import { Effect, type Layer, Option } from "effect"
import { errorResponse } from "./error-response.js"
import { answerFailure } from "./failures.js"
import { closeConnection, maxBodyBytes, normalizeBody } from "./request-body.js"

/**
 * The API-level middleware: it runs around the router, before the API's error encoder. It reads
 * the body (size limit, JSON, empty → `{}`) before any route sees it, and turns every failure it
 * knows into the error envelope (see `answerFailure`).
 */
export const ApiMiddlewareLive: Layer.Layer<never> = HttpApiBuilder.middleware((app) =>
  Effect.flatMap(HttpServerRequest.HttpServerRequest, (request) =>
    Effect.matchEffect(normalizeBody(request), {
      onFailure: (error) =>
        Effect.succeed(errorResponse(error, error._tag === "PayloadTooLarge" ? closeConnection : {})),
      onSuccess: (normalized) =>
        app.pipe(
          Effect.provideService(HttpServerRequest.HttpServerRequest, normalized),
          // Form bodies are read by the endpoint itself; the same limit applies to them.
          HttpServerRequest.withMaxBodySize(Option.some(maxBodyBytes)),
        ),
    }),
  ).pipe(Effect.catchAllCause(answerFailure)),
)
