import { Schema } from "effect"
import { ProjectId, TenantId } from "../../kernel/domain/ids.js"
import { JsonObject } from "../../kernel/domain/json.js"
import { Timestamp } from "../../kernel/domain/timestamp.js"
import { ProjectStatus } from "./status.js"

/** A project slug: lowercase alphanumerics and hyphens, 2..63 chars, alphanumeric at both ends. */
export const ProjectSlug = Schema.String.pipe(
  Schema.pattern(/^[a-z0-9][a-z0-9-]*[a-z0-9]$/, {
    message: () => "must be lowercase alphanumeric with hyphens, starting and ending with alphanumeric",
  }),
  Schema.minLength(2),
  Schema.maxLength(63),
)

/** The top of the work breakdown: a codebase being built by agents. */
export class Project extends Schema.Class<Project>("Project")({
  id: ProjectId,
  tenant_id: TenantId,
  name: Schema.String,
  slug: ProjectSlug,
  repo_url: Schema.NullOr(Schema.String),
  description: Schema.NullOr(Schema.String),
  tech_stack: Schema.NullOr(Schema.String),
  status: ProjectStatus,
  mission: Schema.NullOr(Schema.String.pipe(Schema.maxLength(2000))),
  metadata: JsonObject,
  inserted_at: Timestamp,
  updated_at: Timestamp,
}) {}
