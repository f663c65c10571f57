import { HttpApiError, HttpServerError, type HttpServerResponse } from "@effect/platform"
import { queryRefusal } from "@loopctl/api"
import {
  BadRequest,
  type FieldErrors,
  NotFound,
  PayloadTooLarge,
  ValidationFailed,
  fieldErrorsOf,
} from "@loopctl/core"
import { Cause, Effect, Option } from "effect"
import { errorResponse, internalError, isLoopctlError } from "./error-response.js"
import { RequestContext } from "./request-context.js"

/**
 * What the server answers when a request fails outside a handler's own typed errors: schema
 * failures, unknown routes, unreadable bodies and defects all become the error envelope.
 * Typed errors an endpoint declares (and that are not core errors) are left to the API's encoder.
 */

/**
 * Field-level details of a schema failure, in the changeset style: `{ field: ["message"] }`. The
 * message is the failing Schema's `message` annotation; a missing field "can't be blank" (see
 * `fieldErrorsOf`, which the bodies read in a handler and the bulk items are refused by too).
 */
const fieldErrors = (issues: HttpApiError.HttpApiDecodeError["issues"]): FieldErrors => fieldErrorsOf(issues)

/** Whether a body-reading failure was the size limit (the platform reports it as a decode error). */
const isSizeLimit = (error: HttpServerError.RequestError): boolean =>
  String(error.cause).includes("maxBytes exceeded")

/** The envelope error for a failure the platform raised, if it is one the server knows. */
const knownFailure = (error: unknown) => {
  if (isLoopctlError(error)) return Option.some(error)
  if (error instanceof HttpApiError.HttpApiDecodeError) {
    // A typed query parameter the contract refused is a 400 naming it (or, for a malformed id or
    // a missing required parameter, that refusal's own answer), as the core's readers answered.
    return Option.some(queryRefusal(error.issues) ?? ValidationFailed.ofFields(fieldErrors(error.issues)))
  }
  if (HttpServerError.isServerError(error)) {
    if (error._tag === "RouteNotFound") return Option.some(new NotFound({ message: "Not found" }))
    if (error._tag === "RequestError" && error.reason === "Decode")
      return Option.some(
        isSizeLimit(error)
          ? new PayloadTooLarge({ message: "Request Entity Too Large" })
          : new BadRequest({ message: "Malformed request body" }),
      )
  }
  return Option.none()
}

/**
 * Answers a failed request. Core errors and platform failures become their envelope; a defect is
 * logged with its cause and answered with a 500 carrying the request id; anything else (an
 * endpoint's own declared error, an interruption) fails on to the API's encoder.
 */
export const answerFailure = (
  cause: Cause.Cause<never>,
): Effect.Effect<HttpServerResponse.HttpServerResponse> => {
  if (Cause.isInterruptedOnly(cause)) return Effect.failCause(cause)
  const failure = Cause.failureOption(cause)
  if (Option.isSome(failure)) {
    return Option.match(knownFailure(failure.value), {
      onNone: () => Effect.failCause(cause),
      onSome: (error) => Effect.succeed(errorResponse(error)),
    })
  }
  const defect = Cause.dieOption(cause)
  const platform = Option.flatMap(defect, knownFailure)
  if (Option.isSome(platform)) return Effect.succeed(errorResponse(platform.value))
  return Effect.gen(function* () {
    const requestId = Option.match(yield* Effect.serviceOption(RequestContext), {
      onNone: () => "unknown",
      onSome: (context) => context.requestId,
    })
    yield* Effect.logError("request failed unexpectedly", cause).pipe(
      Effect.annotateLogs({ request_id: requestId }),
    )
    return errorResponse(internalError(requestId))
  })
}
