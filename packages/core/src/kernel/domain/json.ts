import { Schema } from "effect"

/** A JSON object with arbitrary values (`metadata`, `details`, `findings`, settings). */
export const JsonObject = Schema.Record({ key: Schema.String, value: Schema.Unknown })
export type JsonObject = typeof JsonObject.Type

/** Whether a decoded JSON value is an object (not null, not an array). */
export const isJsonObject = (value: unknown): value is JsonObject =>
  typeof value === "object" && value !== null && !Array.isArray(value)

/** Any JSON value, for a field whose wrong-typed value is a mismatch to report rather than a refusal. */
export type AnyJson =
  | string
  | number
  | boolean
  | null
  | ReadonlyArray<AnyJson>
  | { readonly [key: string]: AnyJson }
export const AnyJson: Schema.Schema<AnyJson> = Schema.Union(
  Schema.String,
  Schema.Number,
  Schema.Boolean,
  Schema.Null,
  Schema.Array(Schema.suspend(() => AnyJson)),
  Schema.Record({ key: Schema.String, value: Schema.suspend(() => AnyJson) }),
)
