import { Schema } from "effect"

/**
 * A request body (or query) schema that reports every failing field, not only the first: the 422
 * then lists all of them in `details`, as the original's changesets do. Use it for every
 * endpoint's payload and query parameters.
 */
export const payloadStruct = <Fields extends Schema.Struct.Fields>(fields: Fields) =>
  Schema.Struct(fields).annotations({ parseOptions: { errors: "all" } })
