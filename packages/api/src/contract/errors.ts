import { HttpApiSchema } from "@effect/platform"
import {
  AgentLinkRequired,
  BadRequest,
  Conflict,
  Forbidden,
  type LoopctlError,
  NotFound,
  PayloadTooLarge,
  RateLimited,
  TransitionConflict,
  Unauthorized,
  Unavailable,
  ValidationFailed,
} from "@loopctl/core"
import { Schema } from "effect"

/**
 * The wire form of every error: `{"error":{"status","message",...}}`. The core's errors carry no
 * transport detail; this module is the one place that gives each tag its status and its
 * envelope. Each schema here encodes an error class into that envelope and decodes the envelope
 * back into the class, so the server renders with the same schemas a typed client decodes with.
 */

/**
 * 500: something the server did not expect. The body carries the request id so an operator can
 * find the logged cause; the cause itself never reaches the client.
 */
export class InternalServerError extends Schema.TaggedError<InternalServerError>()("InternalServerError", {
  message: Schema.String,
  request_id: Schema.String,
}) {}

/** Every error the API answers with in the envelope: the core's, and the server's own 500. */
export type EnvelopedError = LoopctlError | InternalServerError

/** The HTTP status of each error tag. */
export const errorStatus = {
  BadRequest: 400,
  AgentLinkRequired: 400,
  Unauthorized: 401,
  Forbidden: 403,
  NotFound: 404,
  Conflict: 409,
  TransitionConflict: 409,
  PayloadTooLarge: 413,
  ValidationFailed: 422,
  RateLimited: 429,
  InternalServerError: 500,
  Unavailable: 503,
} as const satisfies { readonly [Tag in EnvelopedError["_tag"]]: number }

/** The HTTP status of an error. */
export const statusOf = (error: EnvelopedError): number => errorStatus[error._tag]

/** An error class whose tag has a status in `errorStatus`. */
export interface EnvelopedErrorClass<Self, Encoded extends ErrorFields, Tag extends keyof typeof errorStatus>
  extends Schema.Schema<Self, Encoded> {
  readonly _tag: Tag
  readonly fields: Schema.Struct.Fields
}

/** What every error class encodes to before it is enveloped. */
export interface ErrorFields {
  readonly _tag: string
  readonly message: string
}

/** Response descriptions in the OpenAPI document. */
const reasonPhrases: Readonly<Record<number, string>> = {
  400: "Bad Request",
  401: "Unauthorized",
  403: "Forbidden",
  404: "Not Found",
  409: "Conflict",
  413: "Payload Too Large",
  422: "Unprocessable Entity",
  429: "Too Many Requests",
  500: "Internal Server Error",
  503: "Service Unavailable",
}

/** The fields of an error class that go on the wire: all of them but `_tag` and those kept off it. */
const wireFields = (fields: Schema.Struct.Fields, offWire: ReadonlySet<string>): Schema.Struct.Fields =>
  Object.fromEntries(Object.entries(fields).filter(([key]) => key !== "_tag" && !offWire.has(key)))

/**
 * The envelope schema of one error class. The inner object holds `status` and the class's fields
 * (without `_tag`, which never goes on the wire); unknown keys are refused when decoding, so a
 * body carrying a richer error's fields (a transition 409) is never mistaken for a plainer one.
 */
export const enveloped = <Self, Encoded extends ErrorFields, Tag extends keyof typeof errorStatus>(
  ErrorClass: EnvelopedErrorClass<Self, Encoded, Tag>,
  /** Fields of the class that a server reads but never sends (they are dropped when encoding). */
  offWire: ReadonlyArray<string> = [],
) => {
  const tag = ErrorClass._tag
  const status = errorStatus[tag]
  const kept = new Set(offWire)
  const body = Schema.extend(
    Schema.Struct({ status: Schema.Literal(status) }),
    Schema.encodedSchema(Schema.Struct(wireFields(ErrorClass.fields, kept))),
  ).annotations({ parseOptions: { onExcessProperty: "error" } })
  return Schema.transform(Schema.Struct({ error: body }), ErrorClass, {
    strict: false,
    decode: ({ error }) => {
      const { status: _status, ...fields } = error
      return { ...fields, _tag: tag }
    },
    encode: (encoded) => {
      const { _tag, message, ...fields } = encoded
      const sent = Object.fromEntries(Object.entries(fields).filter(([key]) => !kept.has(key)))
      return { error: { status, message, ...sent } }
    },
  }).annotations({
    ...HttpApiSchema.annotations({ status }),
    identifier: tag,
    description: reasonPhrases[status] ?? tag,
  })
}

/** The envelope schema of each error the API can answer with, by the class's tag. */
export const Enveloped = {
  BadRequest: enveloped(BadRequest),
  AgentLinkRequired: enveloped(AgentLinkRequired),
  Unauthorized: enveloped(Unauthorized),
  Forbidden: enveloped(Forbidden),
  NotFound: enveloped(NotFound),
  Conflict: enveloped(Conflict),
  // The steps a refusal names are worded into its hints by the server (see http's story routes).
  TransitionConflict: enveloped(TransitionConflict, ["first_steps"]),
  PayloadTooLarge: enveloped(PayloadTooLarge),
  ValidationFailed: enveloped(ValidationFailed),
  RateLimited: enveloped(RateLimited),
  Unavailable: enveloped(Unavailable),
  InternalServerError: enveloped(InternalServerError),
}

/** Every envelope schema as one: encodes any enveloped error to its body. */
export const AnyEnveloped = Schema.Union(...Object.values(Enveloped))
