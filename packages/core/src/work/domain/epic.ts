import { Schema } from "effect"
import { EpicId, ProjectId, TenantId } from "../../kernel/domain/ids.js"
import { JsonObject } from "../../kernel/domain/json.js"
import { Timestamp } from "../../kernel/domain/timestamp.js"

/** An epic number: a positive integer, unique within its project and immutable. */
export const EpicNumber = Schema.Int.pipe(Schema.positive())

/** A group of stories inside a project, ordered by position then number. */
export class Epic extends Schema.Class<Epic>("Epic")({
  id: EpicId,
  tenant_id: TenantId,
  project_id: ProjectId,
  number: EpicNumber,
  title: Schema.String.pipe(Schema.minLength(1), Schema.maxLength(500)),
  description: Schema.NullOr(Schema.String.pipe(Schema.maxLength(50_000))),
  phase: Schema.NullOr(Schema.String),
  position: Schema.Int.pipe(Schema.nonNegative()),
  metadata: JsonObject,
  inserted_at: Timestamp,
  updated_at: Timestamp,
}) {}
