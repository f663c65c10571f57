import { Schema } from "effect"
import { refusing } from "./fields.js"
import { JsonObject } from "./json.js"
import { METADATA_MAX_BYTES, jsonByteSize } from "./metadata.js"
import { isStorableJson, unstorableMessage } from "./storable.js"

/** Free-form JSON object fields (`metadata`, `findings`, `details`, …), whose every text the database keeps. */

/** A JSON object; anything else reads `notObject`. */
const jsonObjectReading = (notObject: string) =>
  refusing(JsonObject, notObject).pipe(Schema.filter(isStorableJson, { message: () => unstorableMessage }))

/** A JSON object (`findings`, `details`, a project's `metadata`, …); anything else "must be a JSON object". */
export const JsonObjectField = jsonObjectReading("must be a JSON object")

/** An agent's `metadata`: a JSON object of at most 64KB of JSON text; anything else "must be a map". */
export const MetadataObject = jsonObjectReading("must be a map").pipe(
  Schema.filter((value) => jsonByteSize(value) <= METADATA_MAX_BYTES || "must be smaller than 64KB"),
)
