import { Schema } from "effect"
import {
  RequiredStorableText,
  StorableMetadata,
  StorableText,
  atMostProblem,
  blankProblem,
  invalidProblem,
  isUnstorable,
  omittable,
  orNullAsOne,
  unstorableProblem,
} from "../../kernel/domain/fields.js"
import { ProjectId, TenantId } from "../../kernel/domain/ids.js"
import { JsonObject } from "../../kernel/domain/json.js"
import { Timestamp } from "../../kernel/domain/timestamp.js"
import { ProjectStatus } from "./status.js"

/** A project slug: lowercase alphanumerics and hyphens, 2..63 chars, alphanumeric at both ends. */
export const ProjectSlug = Schema.String.annotations({
  message: (issue) => (issue.actual === null ? blankProblem : invalidProblem),
}).pipe(
  Schema.minLength(1, { message: () => blankProblem }),
  Schema.length({ min: 2, max: 63 }, { message: () => "should be between 2 and 63 character(s)" }),
  Schema.pattern(/^[a-z0-9][a-z0-9-]*[a-z0-9]$/, {
    message: () => "must be lowercase alphanumeric with hyphens, starting and ending with alphanumeric",
  }),
)

/** The limits of a project's fields, shared by create and PATCH. */
export const ProjectName = RequiredStorableText(255)
export const ProjectRepoUrl = StorableText(2000)
export const ProjectDescription = StorableText(50_000)
export const ProjectTechStack = StorableText(2000)

/** The most characters a mission keeps, counted after trimming. */
export const MISSION_MAX = 2000

/** The project's mission as sent: trimmed it holds at most 2000 characters; empty means none. */
export const ProjectMission = Schema.String.annotations({ message: () => invalidProblem }).pipe(
  Schema.filter((text) => text.trim().length <= MISSION_MAX, { message: () => atMostProblem(MISSION_MAX) }),
  Schema.filter((text) => !isUnstorable(text), { message: () => unstorableProblem }),
)

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
  repo_url: omittable(orNullAsOne(ProjectRepoUrl).annotations({ description: "The repository" })),
  description: omittable(orNullAsOne(ProjectDescription).annotations({ description: "Free text" })),
  tech_stack: omittable(orNullAsOne(ProjectTechStack).annotations({ description: "Free text" })),
  mission: omittable(
    orNullAsOne(ProjectMission).annotations({
      description: "Trimmed; at most 2000 characters; empty means none",
    }),
  ),
  metadata: omittable(orNullAsOne(StorableMetadata).annotations({ description: "Free-form object" })),
}).annotations({ parseOptions: { errors: "all" } })
export type ProjectCreation = typeof ProjectCreation.Type

/** The status a PATCH may set. */
const ProjectStatusChoice = ProjectStatus.annotations({
  message: () => ({ message: "must be one of: active, archived", override: true }),
})

/**
 * The body of a project PATCH: the writable fields, each optional; a null field is no change and
 * the slug is not writable (a body naming it is not refused, the slug is kept).
 */
export const ProjectPatch = Schema.Struct({
  name: omittable(orNullAsOne(ProjectName).annotations({ description: "New name (cannot be blank)" })),
  repo_url: omittable(
    orNullAsOne(ProjectRepoUrl).annotations({ description: "New repository; an empty text clears it" }),
  ),
  description: omittable(
    orNullAsOne(ProjectDescription).annotations({ description: "New description; an empty text clears it" }),
  ),
  tech_stack: omittable(
    orNullAsOne(ProjectTechStack).annotations({ description: "New tech stack; an empty text clears it" }),
  ),
  status: omittable(orNullAsOne(ProjectStatusChoice).annotations({ description: "active or archived" })),
  mission: omittable(
    orNullAsOne(ProjectMission).annotations({ description: "New mission; an empty text clears it" }),
  ),
  metadata: omittable(
    orNullAsOne(StorableMetadata).annotations({ description: "Replaces the stored metadata" }),
  ),
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
  mission: Schema.NullOr(Schema.String.pipe(Schema.maxLength(MISSION_MAX))),
  metadata: JsonObject,
  inserted_at: Timestamp,
  updated_at: Timestamp,
}) {}
