import { Schema } from "effect"

/**
 * Query parameters. They are text on the wire, so the server takes any string and the core's
 * readers decide (a value that does not read as its type is a 400 naming it, D26); the OpenAPI
 * document, and the malformed-input sweep generated from it, state the type a value must read as.
 */
export const queryField = (description: string, type: Readonly<Record<string, unknown>>) =>
  Schema.optional(Schema.String.annotations({ description, jsonSchema: { ...type, description } }))

/** JSON Schema fragments for query parameters. */
export const queryType = {
  text: { type: "string" },
  uuid: { type: "string", format: "uuid" },
  dateTime: { type: "string", format: "date-time" },
  flag: { type: "boolean" },
  /** A whole number of at least `minimum`. */
  count: (minimum: number) => ({ type: "integer", minimum }),
  oneOf: (...values: ReadonlyArray<string>) => ({ type: "string", enum: values }),
} as const
