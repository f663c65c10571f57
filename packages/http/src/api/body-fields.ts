import { Schema } from "effect"

/**
 * A request body field that the core validates itself. The server accepts any JSON value here, so
 * the core's rules (and their messages, e.g. an unknown `role` reading "can't be blank") decide
 * what is wrong; the OpenAPI document still states the type a client should send.
 */
export const coreValidated = (description: string, type: Readonly<Record<string, unknown>>) =>
  Schema.optional(Schema.Unknown.annotations({ description, jsonSchema: type }))

/** JSON Schema fragments for {@link coreValidated}. */
export const jsonType = {
  string: { type: "string" },
  email: { type: "string", format: "email" },
  integer: { type: "integer" },
  object: { type: "object" },
  dateTime: { type: "string", format: "date-time" },
  uuid: { type: "string", format: "uuid" },
  oneOf: (...values: ReadonlyArray<string>) => ({ type: "string", enum: values }),
} as const
