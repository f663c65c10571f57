import { Context, type Effect, type Option } from "effect"
import type { DuplicateKey } from "../../kernel/domain/duplicate-key.js"
import type { EpicDependencyId, EpicId, ProjectId, StoryDependencyId } from "../../kernel/domain/ids.js"
import type { EpicDependency, StoryDependency } from "../domain/dependency.js"

/** Story → prerequisite-story edges of the current tenant. */
export class StoryDependencies extends Context.Tag("@loopctl/core/StoryDependencies")<
  StoryDependencies,
  {
    /** Fails with DuplicateKey `pair` when an edge repeats an existing one. */
    readonly insert: (edges: ReadonlyArray<StoryDependency>) => Effect.Effect<void, DuplicateKey>
    readonly delete: (id: StoryDependencyId) => Effect.Effect<boolean>
    readonly findById: (id: StoryDependencyId) => Effect.Effect<Option.Option<StoryDependency>>
    /** Every edge whose dependent story belongs to the project, oldest first. */
    readonly listByProject: (project: ProjectId) => Effect.Effect<ReadonlyArray<StoryDependency>>
    /** Every edge with either end in the epic (so edges to and from other epics too), oldest first. */
    readonly listByEpic: (epic: EpicId) => Effect.Effect<ReadonlyArray<StoryDependency>>
  }
>() {}

/** Epic → prerequisite-epic edges of the current tenant. */
export class EpicDependencies extends Context.Tag("@loopctl/core/EpicDependencies")<
  EpicDependencies,
  {
    readonly insert: (edges: ReadonlyArray<EpicDependency>) => Effect.Effect<void, DuplicateKey>
    readonly delete: (id: EpicDependencyId) => Effect.Effect<boolean>
    readonly findById: (id: EpicDependencyId) => Effect.Effect<Option.Option<EpicDependency>>
    readonly listByProject: (project: ProjectId) => Effect.Effect<ReadonlyArray<EpicDependency>>
  }
>() {}
