import { Context, type Effect, type Option } from "effect"
import type { DuplicateKey } from "../../kernel/domain/duplicate-key.js"
import type { EpicId, ProjectId } from "../../kernel/domain/ids.js"
import type { PageRequest, Paged } from "../../kernel/domain/page.js"
import type { Epic } from "../domain/epic.js"
import type { EpicFilter } from "../domain/work-filters.js"
import type { EpicTally } from "./stories.js"

/** An epic held for its completion check: see `Epics.holdWithTally`. */
export interface EpicStanding {
  readonly epic: Epic
  readonly tally: EpicTally
  /** Whether an `epic` `completed` audit entry exists already. */
  readonly completion_recorded: boolean
}

/** The current tenant's epics. */
export class Epics extends Context.Tag("@loopctl/core/Epics")<
  Epics,
  {
    /** Fails with DuplicateKey `number` when the project already has the number. */
    readonly insert: (epics: ReadonlyArray<Epic>) => Effect.Effect<void, DuplicateKey>
    readonly update: (epic: Epic) => Effect.Effect<void>
    /** Deletes the epic, its stories and everything hanging off them. */
    readonly delete: (id: EpicId) => Effect.Effect<void>
    readonly findById: (id: EpicId) => Effect.Effect<Option.Option<Epic>>
    /**
     * Loads the epic and holds it for the rest of the transaction: verifies of one epic's stories
     * then decide its completion one after another, each seeing the others' committed results.
     */
    readonly findForUpdate: (id: EpicId) => Effect.Effect<Option.Option<Epic>>
    /**
     * Holds the epic as `findForUpdate` does, counts its stories and its verified ones after
     * every earlier write of the transaction, and says whether its completion is already in the
     * audit trail: what a verify needs to decide the epic's completion, in one read.
     */
    readonly holdWithTally: (id: EpicId) => Effect.Effect<Option.Option<EpicStanding>>
    /** Ordered by position, then number. */
    readonly listByProject: (project: ProjectId) => Effect.Effect<ReadonlyArray<Epic>>
    /** One page of the project's epics, ordered by position, then number. */
    readonly pageByProject: (
      project: ProjectId,
      filter: EpicFilter,
      page: PageRequest,
    ) => Effect.Effect<Paged<Epic>>
    /** How many epics the project has. */
    readonly countByProject: (project: ProjectId) => Effect.Effect<number>
  }
>() {}
