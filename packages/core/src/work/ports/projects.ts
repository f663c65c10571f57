import { Context, type Effect, type Option } from "effect"
import type { DuplicateKey } from "../../kernel/domain/duplicate-key.js"
import type { ProjectId } from "../../kernel/domain/ids.js"
import type { PageRequest, Paged } from "../../kernel/domain/page.js"
import type { Project } from "../domain/project.js"
import type { ProjectFilter } from "../domain/work-filters.js"

/** The current tenant's projects. */
export class Projects extends Context.Tag("@loopctl/core/Projects")<
  Projects,
  {
    /** Fails with DuplicateKey `slug` when the tenant already has the slug. */
    readonly insert: (project: Project) => Effect.Effect<void, DuplicateKey>
    readonly update: (project: Project) => Effect.Effect<void>
    readonly findById: (id: ProjectId) => Effect.Effect<Option.Option<Project>>
    /**
     * Loads the project and holds its work graph until the transaction ends. Dependency writes
     * and imports call this before they read the graph, so those of one project run one after
     * another and each reads what the previous one committed (D27); other writes in the project
     * (stories, claims, verifies) are not held up by it.
     */
    readonly findForGraphChange: (id: ProjectId) => Effect.Effect<Option.Option<Project>>
    /** Ordered by name. */
    readonly list: (filter: ProjectFilter, page: PageRequest) => Effect.Effect<Paged<Project>>
    readonly countActive: Effect.Effect<number>
  }
>() {}
