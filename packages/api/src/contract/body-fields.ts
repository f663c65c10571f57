import { Schema } from "effect"

/**
 * Request body fields that the core validates itself. The server accepts any JSON value in them,
 * so the core's rules (and their messages, e.g. an unknown `role` reading "can't be blank")
 * decide what is wrong; the OpenAPI document still states the type a client should send.
 */

const documented = (description: string, type: Readonly<Record<string, unknown>>) =>
  Schema.Unknown.annotations({ description, jsonSchema: { ...type, description } })

/** A field the client should send; when it is missing the core answers 422 naming it. */
export const requiredField = (description: string, type: Readonly<Record<string, unknown>>) =>
  documented(description, type)

/** A field the client may leave out. */
export const optionalField = (description: string, type: Readonly<Record<string, unknown>>) =>
  Schema.optional(documented(description, type))

/** JSON Schema fragments for the fields above. */
export const jsonType = {
  string: { type: "string" },
  email: { type: "string", format: "email" },
  integer: { type: "integer" },
  object: { type: "object" },
  dateTime: { type: "string", format: "date-time" },
  uuid: { type: "string", format: "uuid" },
  oneOf: (...values: ReadonlyArray<string>) => ({ type: "string", enum: values }),
} as const
