import type { Either } from "effect"
import type { BadRequest } from "../../kernel/domain/errors.js"
import type { JsonObject } from "../../kernel/domain/json.js"
import { QueryProblems, choiceParameter, flagParameter } from "../../kernel/domain/query-parameters.js"
import type { Timestamp } from "../../kernel/domain/timestamp.js"
import { Project, type ProjectCreation, type ProjectPatch, normaliseMission } from "../domain/project.js"
import type { ProjectStatus } from "../domain/status.js"
import type { ProjectFilter } from "../domain/work-filters.js"
import { type FieldDiff, diffFields } from "./field-changes.js"

/**
 * What a project PATCH changes, what archiving does, and how the project list reads its query.
 * The bodies are decoded by the contract (`ProjectCreation`, `ProjectPatch` of the domain). The
 * slug is immutable: a PATCH naming it is not refused, the slug is simply kept.
 */

/** The writable fields of a project, each present only when the PATCH changes it. */
export interface ProjectChanges {
  readonly name?: string
  readonly repo_url?: string | null
  readonly description?: string | null
  readonly tech_stack?: string | null
  readonly status?: ProjectStatus
  readonly mission?: string | null
  readonly metadata?: JsonObject
}

const writable = [
  "name",
  "repo_url",
  "description",
  "tech_stack",
  "status",
  "mission",
  "metadata",
] as const satisfies ReadonlyArray<keyof ProjectChanges>

/** An optional text of a PATCH: a blank one clears the field. */
const clearedWhenBlank = (text: string): string | null => (text.trim() === "" ? null : text)

/**
 * What a decoded PATCH changes: null fields are no change, a blank optional text clears its
 * field, and the mission is trimmed (empty is none).
 */
export const projectChanges = (patch: ProjectPatch): ProjectChanges => {
  const changes: { -readonly [K in keyof ProjectChanges]: ProjectChanges[K] } = {}
  if (patch.name != null) changes.name = patch.name
  if (patch.repo_url != null) changes.repo_url = clearedWhenBlank(patch.repo_url)
  if (patch.description != null) changes.description = clearedWhenBlank(patch.description)
  if (patch.tech_stack != null) changes.tech_stack = clearedWhenBlank(patch.tech_stack)
  if (patch.status != null) changes.status = patch.status
  if (patch.mission != null) changes.mission = normaliseMission(patch.mission)
  if (patch.metadata != null) changes.metadata = patch.metadata
  return changes
}

/** The fields of a new project from its decoded creation body; what it leaves out is empty. */
export const createdProjectFields = (creation: ProjectCreation) => ({
  name: creation.name,
  slug: creation.slug,
  repo_url: creation.repo_url ?? null,
  description: creation.description ?? null,
  tech_stack: creation.tech_stack ?? null,
  mission: normaliseMission(creation.mission ?? null),
  metadata: creation.metadata ?? {},
})

/** A project after its changes, and what really changed (for the audit entry). */
export interface ProjectUpdate extends FieldDiff {
  readonly project: Project
}

export const applyProjectChanges = (
  current: Project,
  changes: ProjectChanges,
  at: Timestamp,
): ProjectUpdate => {
  const diff = diffFields(current, changes, writable)
  const project =
    diff.changed.length === 0 ? current : new Project({ ...current, ...changes, updated_at: at })
  return { project, ...diff }
}

/** Whether the changes bring an archived project back, which counts against the project limit. */
export const reactivates = (current: Project, changes: ProjectChanges): boolean =>
  current.status === "archived" && changes.status === "active"

/** DELETE archives: the project stays readable with status `archived`. */
export const archiveProject = (current: Project, at: Timestamp): ProjectUpdate =>
  applyProjectChanges(current, { status: "archived" }, at)

const projectListStatuses = ["active", "archived", "any"] as const

/**
 * The project list query: `status=active|archived` picks one status (`any` both),
 * `include_archived=true|1` lists both; by default only active projects are listed. Any other
 * value of either is a 400 naming it (D26).
 */
export const projectListFilter = (query: {
  readonly status?: unknown
  readonly include_archived?: unknown
}): Either.Either<ProjectFilter, BadRequest> => {
  const problems = new QueryProblems()
  const status = choiceParameter(query.status, "status", projectListStatuses, problems)
  const includeArchived = flagParameter(query.include_archived, "include_archived", problems)
  return problems.result((): ProjectFilter => {
    if (status !== undefined) return { status }
    return includeArchived === true ? { status: "any" } : {}
  })
}
