import { HttpServerResponse } from "@effect/platform"
import { AnyEnveloped, type EnvelopedError, InternalServerError, statusOf } from "@loopctl/api"
import { LoopctlError } from "@loopctl/core"
import { Schema } from "effect"
import { routedRefusal, routedValidation } from "../workflow/story-action-routes.js"

/**
 * Error responses, rendered once for the whole server: an error becomes the contract's envelope
 * (the schema a typed client decodes it with) under the status the contract gives its tag; the
 * server's own 500 carries the request id.
 */

/** Whether a value is one of the core's errors. */
export const isLoopctlError: (value: unknown) => value is LoopctlError = Schema.is(LoopctlError)

const encodeEnvelope = Schema.encodeSync(AnyEnveloped)

/** The JSON response for an error, with optional extra headers. */
export const errorResponse = (
  error: EnvelopedError,
  headers: Readonly<Record<string, string>> = {},
): HttpServerResponse.HttpServerResponse =>
  HttpServerResponse.unsafeJson(encodeEnvelope(worded(error)), { status: statusOf(error), headers })

/** A refusal gets the calls its steps (or its code) stand for; the core names no routes. */
const worded = (error: EnvelopedError): EnvelopedError => {
  switch (error._tag) {
    case "TransitionConflict":
      return routedRefusal(error)
    case "ValidationFailed":
      return routedValidation(error)
    default:
      return error
  }
}

/** The 500 a client sees for a failure the server did not expect. */
export const internalError = (requestId: string): InternalServerError =>
  new InternalServerError({ message: "Internal server error", request_id: requestId })
