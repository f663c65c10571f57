import { HttpApi, HttpApiBuilder, HttpServerError, HttpServerRequest } from "@effect/platform"
import { NotFound } from "@loopctl/core"
import { Cause, Effect, type Layer, Option } from "effect"
import { errorResponse } from "./error-response.js"
import { answerFailure } from "./failures.js"
import { bodyLimitOf, closeConnection, normalizeBody } from "./request-body.js"
import { refuseUnstorableQuery } from "./request-query.js"
import { allowedMethods, isRoutableMethod, methodNotAllowed, methodTable } from "./unsupported-method.js"

/** Whether a request failed because the router has no route for its method and path. */
const isRouteNotFound = (cause: Cause.Cause<unknown>): boolean => {
  const failure = Option.orElse(Cause.failureOption(cause), () => Cause.dieOption(cause))
  return Option.exists(
    failure,
    (error) => HttpServerError.isServerError(error) && error._tag === "RouteNotFound",
  )
}

/**
 * The API-level middleware: it runs around the router, before the API's error encoder. It
 * answers methods the path does not serve (405/404, D28), refuses query values the store could
 * not hold (D25), reads the body (size limit, JSON, empty → `{}`, storable text) before any route
 * sees it, and turns every failure it knows into the error envelope (see `answerFailure`).
 */
export const ApiMiddlewareLive: Layer.Layer<never, never, HttpApi.Api> = HttpApiBuilder.middleware(
  Effect.map(HttpApi.Api, ({ api }) => {
    const table = methodTable(api)
    const pathOf = (request: HttpServerRequest.HttpServerRequest) => request.url.split("?")[0] ?? request.url
    /** A route the router did not find may still be a known path served for other methods. */
    const unrouted = (request: HttpServerRequest.HttpServerRequest) => {
      const allowed = allowedMethods(table, pathOf(request))
      return allowed.length === 0 ? Option.none() : Option.some(methodNotAllowed(allowed))
    }
    return (app) =>
      Effect.flatMap(HttpServerRequest.HttpServerRequest, (request) => {
        if (!isRoutableMethod(request.method))
          return Effect.succeed(
            Option.getOrElse(unrouted(request), () => errorResponse(new NotFound({ message: "Not found" }))),
          )
        const served = Effect.matchEffect(
          Effect.zipRight(refuseUnstorableQuery(request), normalizeBody(request)),
          {
            onFailure: (error) =>
              Effect.succeed(errorResponse(error, error._tag === "PayloadTooLarge" ? closeConnection : {})),
            onSuccess: (normalized) =>
              app.pipe(
                Effect.provideService(HttpServerRequest.HttpServerRequest, normalized),
                // Form bodies are read by the endpoint itself; the same limit applies to them.
                HttpServerRequest.withMaxBodySize(Option.some(bodyLimitOf(request))),
              ),
          },
        )
        return Effect.catchAllCause(served, (cause) =>
          isRouteNotFound(cause)
            ? Option.match(unrouted(request), {
                onNone: () => Effect.failCause(cause),
                onSome: Effect.succeed,
              })
            : Effect.failCause(cause),
        )
      }).pipe(Effect.catchAllCause(answerFailure))
  }),
)
