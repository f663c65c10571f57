import { Schema } from "effect"
import { AgentId, ProjectId, TenantId } from "../../kernel/domain/ids.js"
import { JsonObject } from "../../kernel/domain/json.js"
import { Timestamp } from "../../kernel/domain/timestamp.js"
import type { EpicDependency, StoryDependency } from "../domain/dependency.js"
import { type Epic, EpicNumber } from "../domain/epic.js"
import type { Project } from "../domain/project.js"
import { AgentStatus, ProjectStatus, VerifiedStatus } from "../domain/status.js"
import { StoryNumber } from "../domain/story-number.js"
import type { Story } from "../domain/story.js"
import { EpicDependencyRef, StoryDependencyRef } from "./import.js"

/**
 * Export: a project's whole work breakdown as one document that the import endpoint accepts
 * again. References are by number, never by id, so the document can be imported into another
 * project. The order of everything is fixed (epics by number, stories by sort key,
 * dependencies by their numbers), so exporting the same data twice gives the same document.
 */

/** Where and when the document was made. */
export const ExportMetadata = Schema.Struct({
  exported_at: Timestamp,
  loopctl_version: Schema.String,
  project_id: ProjectId,
  tenant_id: TenantId,
})
export type ExportMetadata = typeof ExportMetadata.Type

/** The project's own fields (its mission is not exported). */
export const ExportedProject = Schema.Struct({
  name: Schema.String,
  slug: Schema.String,
  description: Schema.NullOr(Schema.String),
  repo_url: Schema.NullOr(Schema.String),
  tech_stack: Schema.NullOr(Schema.String),
  status: ProjectStatus,
  metadata: JsonObject,
})
export type ExportedProject = typeof ExportedProject.Type

/**
 * A story with its statuses and their history. `initial_agent_status` and
 * `initial_verified_status` repeat the statuses in the form an import reads back, so a
 * round trip keeps reported-done and verified stories as they were (a rejection and the
 * intermediate agent statuses have no import form and come back pending).
 */
export const ExportedStory = Schema.Struct({
  number: StoryNumber,
  title: Schema.String,
  description: Schema.NullOr(Schema.String),
  acceptance_criteria: Schema.Array(JsonObject),
  estimated_hours: Schema.NullOr(Schema.Number),
  agent_status: AgentStatus,
  verified_status: VerifiedStatus,
  assigned_agent_id: Schema.NullOr(AgentId),
  claimed_by_agent_ids: Schema.Array(AgentId),
  assigned_at: Schema.NullOr(Timestamp),
  reported_done_at: Schema.NullOr(Timestamp),
  verified_at: Schema.NullOr(Timestamp),
  rejected_at: Schema.NullOr(Timestamp),
  rejection_reason: Schema.NullOr(Schema.String),
  metadata: JsonObject,
  initial_agent_status: Schema.NullOr(Schema.Literal("reported_done")),
  initial_verified_status: Schema.NullOr(Schema.Literal("verified")),
})
export type ExportedStory = typeof ExportedStory.Type

/** An epic with its stories. */
export const ExportedEpic = Schema.Struct({
  number: EpicNumber,
  title: Schema.String,
  description: Schema.NullOr(Schema.String),
  phase: Schema.NullOr(Schema.String),
  position: Schema.Int,
  metadata: JsonObject,
  stories: Schema.Array(ExportedStory),
})
export type ExportedEpic = typeof ExportedEpic.Type

/** The body of `GET /projects/:id/export`. */
export const ExportDocument = Schema.Struct({
  export_metadata: ExportMetadata,
  project: ExportedProject,
  epics: Schema.Array(ExportedEpic),
  story_dependencies: Schema.Array(StoryDependencyRef),
  epic_dependencies: Schema.Array(EpicDependencyRef),
})
export type ExportDocument = typeof ExportDocument.Type

/** What the caller knows about the export itself. */
export interface ExportMeta {
  readonly exported_at: Timestamp
  readonly loopctl_version: string
}

const compareText = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0)

/** Epic numbers are unique per project; the id only settles foreign input deterministically. */
const epicOrder = (a: Epic, b: Epic): number => a.number - b.number || compareText(a.id, b.id)

/** Sort keys can tie (`"2"`, `"2.0"`, `"1.1000"`), so the number and then the id break ties. */
const storyOrder = (a: Story, b: Story): number =>
  a.sort_key - b.sort_key || compareText(a.number, b.number) || compareText(a.id, b.id)

const exportStory = (story: Story): ExportedStory => ({
  number: story.number,
  title: story.title,
  description: story.description,
  acceptance_criteria: story.acceptance_criteria,
  estimated_hours: story.estimated_hours,
  agent_status: story.agent_status,
  verified_status: story.verified_status,
  assigned_agent_id: story.assigned_agent_id,
  claimed_by_agent_ids: story.claimed_by_agent_ids,
  assigned_at: story.assigned_at,
  reported_done_at: story.reported_done_at,
  verified_at: story.verified_at,
  rejected_at: story.rejected_at,
  rejection_reason: story.rejection_reason,
  metadata: story.metadata,
  initial_agent_status: story.agent_status === "reported_done" ? "reported_done" : null,
  initial_verified_status: story.verified_status === "verified" ? "verified" : null,
})

interface Ranked<N> {
  /** The position of the end in export order. */
  readonly rank: number
  readonly number: N
}

/** Edges by the numbers of their ends, in export order of (dependent, prerequisite), once each. */
const numberedEdges = <Id, N>(
  edges: Iterable<readonly [Id, Id]>,
  ranks: ReadonlyMap<Id, Ranked<N>>,
): ReadonlyArray<readonly [N, N]> => {
  const unique = new Map<string, readonly [Ranked<N>, Ranked<N>]>()
  for (const [dependent, prerequisite] of edges) {
    const from = ranks.get(dependent)
    const to = ranks.get(prerequisite)
    if (from !== undefined && to !== undefined) unique.set(`${from.rank}:${to.rank}`, [from, to])
  }
  return [...unique.values()]
    .sort(([aFrom, aTo], [bFrom, bTo]) => aFrom.rank - bFrom.rank || aTo.rank - bTo.rank)
    .map(([from, to]) => [from.number, to.number] as const)
}

/**
 * The export document of a project. Pass the project's epics, stories and dependencies in any
 * order. A story whose epic is not among `epics`, or a dependency whose ends are not among
 * the given epics or stories, cannot be named by number and is left out.
 */
export const exportProject = (
  project: Project,
  epics: ReadonlyArray<Epic>,
  stories: ReadonlyArray<Story>,
  storyDependencies: ReadonlyArray<StoryDependency>,
  epicDependencies: ReadonlyArray<EpicDependency>,
  meta: ExportMeta,
): ExportDocument => {
  const sortedEpics = [...epics].sort(epicOrder)
  const epicRanks = new Map(sortedEpics.map((epic, rank) => [epic.id, { rank, number: epic.number }]))
  const sortedStories = [...stories].filter((story) => epicRanks.has(story.epic_id)).sort(storyOrder)
  const storyRanks = new Map(sortedStories.map((story, rank) => [story.id, { rank, number: story.number }]))
  const storiesByEpic = new Map<string, Array<Story>>()
  for (const story of sortedStories) {
    const list = storiesByEpic.get(story.epic_id)
    if (list === undefined) storiesByEpic.set(story.epic_id, [story])
    else list.push(story)
  }
  const story_dependencies = numberedEdges(
    storyDependencies.map((dependency) => [dependency.story_id, dependency.depends_on_story_id] as const),
    storyRanks,
  ).map(([story, depends_on]) => ({ story, depends_on }))
  const epic_dependencies = numberedEdges(
    epicDependencies.map((dependency) => [dependency.epic_id, dependency.depends_on_epic_id] as const),
    epicRanks,
  ).map(([epic, depends_on]) => ({ epic, depends_on }))

  return {
    export_metadata: {
      exported_at: meta.exported_at,
      loopctl_version: meta.loopctl_version,
      project_id: project.id,
      tenant_id: project.tenant_id,
    },
    project: {
      name: project.name,
      slug: project.slug,
      description: project.description,
      repo_url: project.repo_url,
      tech_stack: project.tech_stack,
      status: project.status,
      metadata: project.metadata,
    },
    epics: sortedEpics.map((epic) => ({
      number: epic.number,
      title: epic.title,
      description: epic.description,
      phase: epic.phase,
      position: epic.position,
      metadata: epic.metadata,
      stories: (storiesByEpic.get(epic.id) ?? []).map(exportStory),
    })),
    story_dependencies,
    epic_dependencies,
  }
}
