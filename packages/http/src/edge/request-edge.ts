import { HttpApp, HttpMiddleware, HttpServerRequest, HttpServerResponse } from "@effect/platform"
import { isPlatformActor } from "@loopctl/core"
import { Cause, Clock, Effect, Option } from "effect"
import { ClientAddressPolicy, clientAddress } from "./client-address.js"
import { errorResponse, internalError } from "./error-response.js"
import { RequestContext, makeRequestContext, requestIdFrom } from "./request-context.js"

/**
 * The outermost layer of every request: it picks the request id, makes it available to the rest
 * of the request, and just before the response is written adds `X-Request-Id`, replaces a bare
 * platform 500 with the error envelope, and writes the request's one log line.
 */

const elapsedMs = (startedNanos: bigint, nowNanos: bigint): number =>
  Math.round(Number(nowNanos - startedNanos) / 10_000) / 100

/**
 * The request's log line: method, path, status, duration, request id, client address (D30: the
 * peer, unless that is a trusted proxy); tenant and actor when known.
 */
const logRequest = (
  request: HttpServerRequest.HttpServerRequest,
  status: number,
  context: RequestContext["Type"],
  startedNanos: bigint,
) =>
  Effect.gen(function* () {
    const now = yield* Clock.currentTimeNanos
    const actor = context.actor()
    const proxies = yield* ClientAddressPolicy
    yield* Effect.log("request").pipe(
      Effect.annotateLogs({
        method: request.method,
        path: request.url.split("?")[0] ?? request.url,
        status,
        duration_ms: elapsedMs(startedNanos, now),
        request_id: context.requestId,
        client_address: clientAddress(request, proxies),
        ...Option.match(actor, {
          onNone: () => ({}),
          onSome: (actor) => ({
            ...(isPlatformActor(actor) ? {} : { tenant_id: actor.tenant_id }),
            actor: actor.label,
            api_key_id: actor.api_key_id,
          }),
        }),
      }),
    )
  })

/** A 500 the platform produced itself (an unencodable failure): it has no body. */
const isBare500 = (response: HttpServerResponse.HttpServerResponse): boolean =>
  response.status === 500 && response.body._tag === "Empty"

/** The middleware given to `HttpApiBuilder.serve`. */
export const requestEdge = HttpMiddleware.make((app) =>
  Effect.gen(function* () {
    const startedNanos = yield* Clock.currentTimeNanos
    const incoming = yield* HttpServerRequest.HttpServerRequest
    const context = makeRequestContext(requestIdFrom(incoming.headers["x-request-id"]))
    yield* HttpApp.appendPreResponseHandler((request, response) => {
      const answered = isBare500(response) ? errorResponse(internalError(context.requestId)) : response
      return Effect.as(
        logRequest(request, answered.status, context, startedNanos),
        HttpServerResponse.setHeader(answered, "x-request-id", context.requestId),
      )
    })
    return yield* app.pipe(
      Effect.provideService(RequestContext, context),
      Effect.tapErrorCause((cause) =>
        Cause.isInterruptedOnly(cause)
          ? Effect.void
          : Effect.logError("request failed unexpectedly", cause).pipe(
              Effect.annotateLogs({ request_id: context.requestId }),
            ),
      ),
    )
  }),
)
