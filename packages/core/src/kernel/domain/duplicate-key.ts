import { Schema } from "effect"

/**
 * A write refused by a uniqueness rule of the store (a slug, an epic or story number, a
 * dependency pair). Services turn it into the spec's 409 or 422 with the right wording.
 */
export class DuplicateKey extends Schema.TaggedError<DuplicateKey>()("DuplicateKey", {
  entity: Schema.String,
  key: Schema.String,
}) {}
