import type { Either } from "effect"
import type { BadRequest, ValidationFailed } from "../../kernel/domain/errors.js"
import type { JsonObject } from "../../kernel/domain/json.js"
import { QueryProblems, choiceParameter, flagParameter } from "../../kernel/domain/query-parameters.js"
import type { Timestamp } from "../../kernel/domain/timestamp.js"
import { FieldProblems } from "../../kernel/rules/field-problems.js"
import { isUnstorable, unstorableProblem } from "../../kernel/rules/storable-text.js"
import { Project } from "../domain/project.js"
import type { ProjectStatus } from "../domain/status.js"
import type { ProjectFilter } from "../domain/work-filters.js"
import { type FieldDiff, diffFields } from "./field-changes.js"
import { metadataPatch, optionalTextPatch, patchBody, requiredTextPatch } from "./patch-fields.js"
import { normaliseMission } from "./work-input.js"

/**
 * What a project PATCH may change, what archiving does, and how the project list reads its
 * query. The slug is immutable: a PATCH naming it is not refused, the slug is simply kept.
 */

const MISSION_MAX = 2000

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

const isProjectStatus = (value: unknown): value is ProjectStatus => value === "active" || value === "archived"

const missionPatch = (value: unknown, problems: FieldProblems): string | null | undefined => {
  if (value === undefined || value === null) return undefined
  if (typeof value !== "string") {
    problems.add("mission", "is invalid")
    return undefined
  }
  const mission = normaliseMission(value)
  if (mission !== null && mission.length > MISSION_MAX) {
    problems.add("mission", `should be at most ${MISSION_MAX} character(s)`)
    return undefined
  }
  if (mission !== null && isUnstorable(mission)) {
    problems.add("mission", unstorableProblem)
    return undefined
  }
  return mission
}

/**
 * The PATCH body of a project. Null fields are ignored, an unknown `status` is refused (D26), and
 * every problem is reported at once (422 `details.<field>`).
 */
export const parseProjectChanges = (body: unknown): Either.Either<ProjectChanges, ValidationFailed> => {
  const input = patchBody(body)
  const problems = new FieldProblems()
  const changes: { -readonly [K in keyof ProjectChanges]: ProjectChanges[K] } = {}
  const name = requiredTextPatch(input.name, "name", 255, problems)
  if (name !== undefined) changes.name = name
  const repo_url = optionalTextPatch(input.repo_url, "repo_url", 2000, problems)
  if (repo_url !== undefined) changes.repo_url = repo_url
  const description = optionalTextPatch(input.description, "description", 50_000, problems)
  if (description !== undefined) changes.description = description
  const tech_stack = optionalTextPatch(input.tech_stack, "tech_stack", 2000, problems)
  if (tech_stack !== undefined) changes.tech_stack = tech_stack
  if (isProjectStatus(input.status)) changes.status = input.status
  else if (input.status !== undefined && input.status !== null)
    problems.add("status", "must be one of: active, archived")
  const mission = missionPatch(input.mission, problems)
  if (mission !== undefined) changes.mission = mission
  const metadata = metadataPatch(input.metadata, problems)
  if (metadata !== undefined) changes.metadata = metadata
  return problems.result(() => changes)
}

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
