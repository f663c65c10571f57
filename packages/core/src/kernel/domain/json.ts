import { Schema } from "effect"

/** A JSON object with arbitrary values (`metadata`, `details`, `findings`, settings). */
export const JsonObject = Schema.Record({ key: Schema.String, value: Schema.Unknown })
export type JsonObject = typeof JsonObject.Type

/** Whether a decoded JSON value is an object (not null, not an array). */
export const isJsonObject = (value: unknown): value is JsonObject =>
  typeof value === "object" && value !== null && !Array.isArray(value)
