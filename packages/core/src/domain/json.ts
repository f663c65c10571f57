import { Schema } from "effect"

/** A JSON object with arbitrary values (`metadata`, `details`, `findings`, settings). */
export const JsonObject = Schema.Record({ key: Schema.String, value: Schema.Unknown })
export type JsonObject = typeof JsonObject.Type
