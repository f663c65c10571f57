import { Schema } from "effect"
import { StoredInt } from "../../kernel/domain/fields.js"
import { EpicId, ProjectId, TenantId } from "../../kernel/domain/ids.js"
import { JsonObjectField } from "../../kernel/domain/json-fields.js"
import { JsonObject } from "../../kernel/domain/json.js"
import { nullOr, omittable } from "../../kernel/domain/optional-fields.js"
import { RequiredText, TextField, maxCharacters } from "../../kernel/domain/text-fields.js"
import { Timestamp } from "../../kernel/domain/timestamp.js"

/** An epic number: a positive integer, unique within its project and immutable. */
export const EpicNumber = Schema.Int.pipe(Schema.positive())

/** The limits of an epic's fields, shared by create and PATCH. */
export const EpicNumberInput = StoredInt(1, "must be greater than 0")
export const EpicTitle = RequiredText({ max: 500 })
export const EpicDescription = TextField({ max: 50_000 })
export const EpicPhase = TextField({ max: 255 })
export const EpicPosition = StoredInt(0, "must be greater than or equal to 0")

/** The body of an epic's creation (its project comes from the route): every problem at once. */
export const EpicCreation = Schema.Struct({
  number: EpicNumberInput.annotations({
    description: "A positive integer, unique in the project and immutable (required)",
  }),
  title: EpicTitle.annotations({ description: "At most 500 characters (required)" }),
  description: omittable(nullOr(EpicDescription).annotations({ description: "At most 50,000 characters" })),
  phase: omittable(nullOr(EpicPhase).annotations({ description: "Free text; the list filters on it" })),
  position: omittable(
    nullOr(EpicPosition).annotations({
      description: "An integer ≥ 0 (default 0); the list is ordered by it",
    }),
  ),
  metadata: omittable(nullOr(JsonObjectField).annotations({ description: "Free-form object" })),
}).annotations({ parseOptions: { errors: "all" } })
export type EpicCreation = typeof EpicCreation.Type

/** The body of an epic PATCH: the writable fields, each optional; null fields and the number are ignored. */
export const EpicPatch = Schema.Struct({
  title: omittable(nullOr(EpicTitle).annotations({ description: "New title (cannot be blank)" })),
  description: omittable(
    nullOr(EpicDescription).annotations({ description: "New description; an empty text clears it" }),
  ),
  phase: omittable(nullOr(EpicPhase).annotations({ description: "New phase; an empty text clears it" })),
  position: omittable(nullOr(EpicPosition).annotations({ description: "An integer ≥ 0" })),
  metadata: omittable(nullOr(JsonObjectField).annotations({ description: "Replaces the stored metadata" })),
}).annotations({ parseOptions: { errors: "all" } })
export type EpicPatch = typeof EpicPatch.Type

/** A group of stories inside a project, ordered by position then number. */
export class Epic extends Schema.Class<Epic>("Epic")({
  id: EpicId,
  tenant_id: TenantId,
  project_id: ProjectId,
  number: EpicNumber,
  title: Schema.String.pipe(Schema.minLength(1), maxCharacters(500)),
  description: Schema.NullOr(Schema.String.pipe(maxCharacters(50_000))),
  phase: Schema.NullOr(Schema.String),
  position: Schema.Int.pipe(Schema.nonNegative()),
  metadata: JsonObject,
  inserted_at: Timestamp,
  updated_at: Timestamp,
}) {}
