import { Effect, type Either, type Option } from "effect"
import type { Actor } from "../../identity/domain/actor.js"
import type { DuplicateKey } from "../../kernel/domain/duplicate-key.js"
import type { Conflict, NotFound, ValidationFailed } from "../../kernel/domain/errors.js"
import { EpicDependencyId, type ProjectId, StoryDependencyId } from "../../kernel/domain/ids.js"
import { now } from "../../kernel/domain/timestamp.js"
import { type Ids, freshId } from "../../kernel/ports/ids.js"
import {
  EpicDependency,
  type EpicDependencyCreation,
  StoryDependency,
  type StoryDependencyCreation,
} from "../domain/dependency.js"
import { EpicDependencies, StoryDependencies } from "../ports/dependencies.js"
import type { Epics } from "../ports/epics.js"
import type { Projects } from "../ports/projects.js"
import type { Stories } from "../ports/stories.js"
import {
  type EpicDependencyInput,
  type StoryDependencyInput,
  epicDependencyInput,
  storyDependencyInput,
} from "../rules/dependency-input.js"
import { checkNewEpicDependency, checkNewStoryDependency } from "../rules/graph.js"
import { graphForChange } from "./project-graph.js"
import { epicById, storyById } from "./work-access.js"

/** The ports an edge kind reads and writes. */
export type EdgePorts = Projects | Epics | Stories | StoryDependencies | EpicDependencies | Ids

/** Where the edges of one kind are stored (the adapters hold one generic edge repository). */
export interface EdgeStore<Edge, Id> {
  /** Fails with DuplicateKey `pair` when an edge repeats an existing one. */
  readonly insert: (edges: ReadonlyArray<Edge>) => Effect.Effect<void, DuplicateKey>
  readonly delete: (id: Id) => Effect.Effect<boolean>
  readonly findById: (id: Id) => Effect.Effect<Option.Option<Edge>>
}

/**
 * What differs between story edges and epic edges; the dependency use cases do the rest the
 * same way for both.
 */
export interface EdgeKind<Creation, Input, Edge extends { readonly id: Id }, Id> {
  /** The audit log's entity type of the edge. */
  readonly entity_type: "story_dependency" | "epic_dependency"
  /** What a 404 names. */
  readonly noun: "Story dependency" | "Epic dependency"
  /** The ids of a decoded creation body, after the checks that need no stored rows. */
  readonly parse: (creation: Creation) => Either.Either<Input, ValidationFailed | NotFound>
  readonly store: Effect.Effect<EdgeStore<Edge, Id>, never, EdgePorts>
  /**
   * Loads both ends (404 when either is unknown in the tenant), checks the edge against the
   * project's graph (workflow.md §4.3) and makes it, with the project it belongs to.
   */
  readonly plan: (
    actor: Actor,
    input: Input,
  ) => Effect.Effect<
    { readonly edge: Edge; readonly project_id: ProjectId },
    ValidationFailed | Conflict | NotFound,
    EdgePorts
  >
  /** The project of a stored edge: its dependent end's (404 when that is gone). */
  readonly projectOf: (edge: Edge) => Effect.Effect<ProjectId, NotFound, EdgePorts>
  /** The two ends, as the audit log records them. */
  readonly ends: (edge: Edge) => Record<string, unknown>
}

/** `story_id` cannot be claimed until `depends_on_story_id` is verified. */
export const storyEdges: EdgeKind<
  StoryDependencyCreation,
  StoryDependencyInput,
  StoryDependency,
  StoryDependencyId
> = {
  entity_type: "story_dependency",
  noun: "Story dependency",
  parse: storyDependencyInput,
  store: StoryDependencies,
  plan: (actor, input) =>
    Effect.gen(function* () {
      const dependent = yield* storyById(input.story_id)
      const prerequisite = yield* storyById(input.depends_on_story_id)
      const graph = yield* graphForChange(dependent.project_id)
      yield* checkNewStoryDependency({
        story: dependent,
        dependsOn: prerequisite,
        storyDependencies: graph.storyDependencies,
        epicDependencies: graph.epicDependencies,
      })
      const edge = new StoryDependency({
        id: yield* freshId(StoryDependencyId),
        tenant_id: actor.tenant_id,
        story_id: dependent.id,
        depends_on_story_id: prerequisite.id,
        inserted_at: yield* now,
      })
      return { edge, project_id: dependent.project_id }
    }),
  projectOf: (edge) => Effect.map(storyById(edge.story_id), (dependent) => dependent.project_id),
  ends: (edge) => ({ story_id: edge.story_id, depends_on_story_id: edge.depends_on_story_id }),
}

/** No story of `epic_id` is ready until every story of `depends_on_epic_id` is verified. */
export const epicEdges: EdgeKind<
  EpicDependencyCreation,
  EpicDependencyInput,
  EpicDependency,
  EpicDependencyId
> = {
  entity_type: "epic_dependency",
  noun: "Epic dependency",
  parse: epicDependencyInput,
  store: EpicDependencies,
  plan: (actor, input) =>
    Effect.gen(function* () {
      const dependent = yield* epicById(input.epic_id)
      const prerequisite = yield* epicById(input.depends_on_epic_id)
      const graph = yield* graphForChange(dependent.project_id)
      yield* checkNewEpicDependency({
        epic: dependent,
        dependsOn: prerequisite,
        epicDependencies: graph.epicDependencies,
        storyDependencies: graph.storyDependencies,
        stories: graph.stories,
      })
      const edge = new EpicDependency({
        id: yield* freshId(EpicDependencyId),
        tenant_id: actor.tenant_id,
        epic_id: dependent.id,
        depends_on_epic_id: prerequisite.id,
        inserted_at: yield* now,
      })
      return { edge, project_id: dependent.project_id }
    }),
  projectOf: (edge) => Effect.map(epicById(edge.epic_id), (dependent) => dependent.project_id),
  ends: (edge) => ({ epic_id: edge.epic_id, depends_on_epic_id: edge.depends_on_epic_id }),
}
