import { Schema } from "effect"
import { blankMessage, invalidMessage, refusing } from "../../kernel/domain/fields.js"
import { ProjectId, TenantId } from "../../kernel/domain/ids.js"
import { JsonObjectField } from "../../kernel/domain/json-fields.js"
import { JsonObject } from "../../kernel/domain/json.js"
import { nullOr, omittable } from "../../kernel/domain/optional-fields.js"
import { RequiredText, TextField, characterCount, maxCharacters } from "../../kernel/domain/text-fields.js"
import { Timestamp } from "../../kernel/domain/timestamp.js"
import { ProjectStatus } from "./status.js"

/** A project slug: lowercase alphanumerics and hyphens, 2..63 chars, alphanumeric at both ends. */
export const ProjectSlug = Schema.String.annotations({
  message: (issue) => (issue.actual === null ? blankMessage : invalidMessage),
}).pipe(
  Schema.minLength(1, { message: () => blankMessage }),
  Schema.filter((slug) => characterCount(slug) >= 2 && characterCount(slug) <= 63, {
    message: () => "should be between 2 and 63 character(s)",
    jsonSchema: { minLength: 2, maxLength: 63 },
  }),
  Schema.pattern(/^[a-z0-9][a-z0-9-]*[a-z0-9]$/, {
    message: () => "must be lowercase alphanumeric with hyphens, starting and ending with alphanumeric",
  }),
)

/** The limits of a project's fields, shared by create and PATCH. */
export const ProjectName = RequiredText({ max: 255 })
export const ProjectRepoUrl = TextField({ max: 2000 })
export const ProjectDescription = TextField({ max: 50_000 })
export const ProjectTechStack = TextField({ max: 2000 })

/** The most characters a mission keeps, counted after trimming. */
export const MISSION_MAX = 2000

/** The project's mission as sent: trimmed it holds at most 2000 characters; empty means none. */
export const ProjectMission = TextField({ max: MISSION_MAX, trim: true })

/** The mission is trimmed; an empty one is no mission. */
export const normaliseMission = (value: string | null): string | null => {
  const trimmed = value?.trim() ?? ""
  return trimmed === "" ? null : trimmed
}

/** The body of a project's creation: every problem of it is reported at once. */
export const ProjectCreation = Schema.Struct({
  name: ProjectName.annotations({ description: "The project's name, at most 255 characters (required)" }),
  slug: ProjectSlug.annotations({
    description:
      "Unique in the tenant and immutable: lowercase alphanumeric with hyphens, 2..63 characters (required)",
  }),
  repo_url: omittable(nullOr(ProjectRepoUrl).annotations({ description: "The repository" })),
  description: omittable(nullOr(ProjectDescription).annotations({ description: "Free text" })),
  tech_stack: omittable(nullOr(ProjectTechStack).annotations({ description: "Free text" })),
  mission: omittable(
    nullOr(ProjectMission).annotations({
      description: "Trimmed; at most 2000 characters; empty means none",
    }),
  ),
  metadata: omittable(nullOr(JsonObjectField).annotations({ description: "Free-form object" })),
}).annotations({ parseOptions: { errors: "all" } })
export type ProjectCreation = typeof ProjectCreation.Type

/** The status a PATCH may set. */
const ProjectStatusChoice = refusing(ProjectStatus, "must be one of: active, archived")

/**
 * The body of a project PATCH: the writable fields, each optional; a null field is no change and
 * the slug is not writable (a body naming it is not refused, the slug is kept).
 */
export const ProjectPatch = Schema.Struct({
  name: omittable(nullOr(ProjectName).annotations({ description: "New name (cannot be blank)" })),
  repo_url: omittable(
    nullOr(ProjectRepoUrl).annotations({ description: "New repository; an empty text clears it" }),
  ),
  description: omittable(
    nullOr(ProjectDescription).annotations({ description: "New description; an empty text clears it" }),
  ),
  tech_stack: omittable(
    nullOr(ProjectTechStack).annotations({ description: "New tech stack; an empty text clears it" }),
  ),
  status: omittable(nullOr(ProjectStatusChoice).annotations({ description: "active or archived" })),
  mission: omittable(
    nullOr(ProjectMission).annotations({ description: "New mission; an empty text clears it" }),
  ),
  metadata: omittable(nullOr(JsonObjectField).annotations({ description: "Replaces the stored metadata" })),
}).annotations({ parseOptions: { errors: "all" } })
export type ProjectPatch = typeof ProjectPatch.Type

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
  mission: Schema.NullOr(Schema.String.pipe(maxCharacters(MISSION_MAX))),
  metadata: JsonObject,
  inserted_at: Timestamp,
  updated_at: Timestamp,
}) {}
