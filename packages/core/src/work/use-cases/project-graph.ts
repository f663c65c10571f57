import { Effect } from "effect"
import type { ProjectId } from "../../kernel/domain/ids.js"
import { EpicDependencies, StoryDependencies } from "../ports/dependencies.js"
import { Projects } from "../ports/projects.js"
import { Stories } from "../ports/stories.js"

/** A project's stories with the story and epic edges between them: what readiness is computed on. */
export const projectGraph = (projectId: ProjectId) =>
  Effect.gen(function* () {
    const stories = yield* Effect.flatMap(Stories, (s) => s.listAllByProject(projectId))
    const storyDependencies = yield* Effect.flatMap(StoryDependencies, (d) => d.listByProject(projectId))
    const epicDependencies = yield* Effect.flatMap(EpicDependencies, (d) => d.listByProject(projectId))
    return { stories, storyDependencies, epicDependencies }
  })

/**
 * The graph a dependency write checks its edge against. The project is held first (D27), so
 * the dependency writes of one project run one after another and each cycle check reads
 * every edge committed before it: X→Y and Y→X sent at once cannot both pass.
 */
export const graphForChange = (projectId: ProjectId) =>
  Effect.zipRight(
    Effect.flatMap(Projects, (p) => p.findForGraphChange(projectId)),
    projectGraph(projectId),
  )
