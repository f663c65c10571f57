import { HttpServerResponse } from "@effect/platform"
import { Enveloped, InternalServerError } from "@loopctl/api"
import { LoopctlError, errorEnvelope, statusOf } from "@loopctl/core"
import { Schema } from "effect"

/**
 * Error responses, rendered once for the whole server: a core error becomes the core's
 * `errorEnvelope` with its class's status; the server's own 500 carries the request id.
 */

/** Whether a value is one of the core's errors. */
export const isLoopctlError: (value: unknown) => value is LoopctlError = Schema.is(LoopctlError)

/** The JSON response for an error, with optional extra headers. */
export const errorResponse = (
  error: LoopctlError | InternalServerError,
  headers: Readonly<Record<string, string>> = {},
): HttpServerResponse.HttpServerResponse =>
  error instanceof InternalServerError
    ? HttpServerResponse.unsafeJson(Schema.encodeSync(Enveloped.InternalServerError)(error), {
        status: InternalServerError.status,
        headers,
      })
    : HttpServerResponse.unsafeJson(errorEnvelope(error), { status: statusOf(error), headers })

/** The 500 a client sees for a failure the server did not expect. */
export const internalError = (requestId: string): InternalServerError =>
  new InternalServerError({ message: "Internal server error", request_id: requestId })
