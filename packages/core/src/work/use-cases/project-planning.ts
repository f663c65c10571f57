import { Effect, Option } from "effect"
import type { AuditLog } from "../../audit/ports/audit-log.js"
import { recordChange } from "../../audit/use-cases/recording.js"
import type { Outbox } from "../../events/ports/outbox.js"
import { tenantSettings } from "../../identity/domain/tenant.js"
import { Tenants } from "../../identity/ports/tenants.js"
import { ValidationFailed } from "../../kernel/domain/errors.js"
import { ProjectId, type TenantId } from "../../kernel/domain/ids.js"
import { type PageRequest, pageMeta } from "../../kernel/domain/page.js"
import { now } from "../../kernel/domain/timestamp.js"
import { type Ids, freshId } from "../../kernel/ports/ids.js"
import { Project, type ProjectCreation, type ProjectPatch } from "../domain/project.js"
import { WorkActions } from "../policy/work-actions.js"
import { Epics } from "../ports/epics.js"
import { Projects } from "../ports/projects.js"
import { Stories } from "../ports/stories.js"
import { projectProgress } from "../rules/progress.js"
import {
  applyProjectChanges,
  archiveProject,
  createdProjectFields,
  projectChanges,
  projectListFilter,
  reactivates,
} from "../rules/project-changes.js"
import { projectById, tenantTransaction } from "./work-access.js"
import { created, savedChange } from "./work-changes.js"

/** Writes a changed project. */
const saveProject = (project: Project) => Effect.flatMap(Projects, (p) => p.update(project))

/** 422 once the tenant has as many active projects as its settings allow. */
const checkProjectLimit = (tenantId: TenantId) =>
  Effect.gen(function* () {
    const tenant = yield* Effect.flatMap(Tenants, (t) => t.findById(tenantId))
    const limit = tenantSettings(
      Option.match(tenant, { onNone: () => ({}), onSome: (t) => t.settings }),
    ).max_projects
    if ((yield* Effect.flatMap(Projects, (p) => p.countActive)) >= limit) {
      return yield* Effect.fail(new ValidationFailed({ message: "Project limit reached for this tenant" }))
    }
  })

/**
 * The projects of a tenant: creating, reading, changing and archiving them, and their progress.
 * A tenant holds at most as many active projects as its settings allow.
 */
export class ProjectPlanning extends Effect.Service<ProjectPlanning>()("@loopctl/core/ProjectPlanning", {
  effect: Effect.gen(function* () {
    const inTenant = yield* tenantTransaction<
      Tenants | Projects | Epics | Stories | AuditLog | Outbox | Ids
    >()

    return {
      createProject: (creation: ProjectCreation) =>
        Effect.gen(function* () {
          const input = createdProjectFields(creation)
          return yield* inTenant(WorkActions.createProject)((actor) =>
            Effect.gen(function* () {
              const projects = yield* Projects
              yield* checkProjectLimit(actor.tenant_id)
              const at = yield* now
              const made = new Project({
                id: yield* freshId(ProjectId),
                tenant_id: actor.tenant_id,
                ...input,
                status: "active",
                inserted_at: at,
                updated_at: at,
              })
              yield* Effect.mapError(projects.insert(made), () =>
                ValidationFailed.ofFields({ slug: ["has already been taken for this tenant"] }),
              )
              yield* recordChange(
                actor,
                made.id,
                created("project", made.id, { name: made.name, slug: made.slug }),
              )
              return made
            }),
          )
        }),

      getProject: (id: ProjectId) => inTenant(WorkActions.readProject)(() => projectById(id)),

      /** The project with how many epics and stories it holds (`GET /projects/:id`). */
      projectDetail: (id: ProjectId) =>
        inTenant(WorkActions.readProject)(() =>
          Effect.gen(function* () {
            const found = yield* projectById(id)
            const epic_count = yield* Effect.flatMap(Epics, (e) => e.countByProject(id))
            const counts = yield* Effect.flatMap(Stories, (s) => s.countByStatus({ project_id: id }))
            const story_count = counts.reduce((total, count) => total + count.stories, 0)
            return { project: found, epic_count, story_count }
          }),
        ),

      /**
       * Projects by name. `status=active|archived` picks one status, `include_archived=true|1`
       * lists both; by default only active projects are listed. Other values are a 400.
       */
      listProjects: (
        query: { readonly status?: unknown; readonly include_archived?: unknown },
        page: PageRequest,
      ) =>
        inTenant(WorkActions.listProjects)(() =>
          Effect.gen(function* () {
            const filter = yield* projectListFilter(query)
            const found = yield* Effect.flatMap(Projects, (p) => p.list(filter, page))
            return { data: found.items, meta: pageMeta(page, found.total_count) }
          }),
        ),

      /**
       * PATCH: name, repo_url, description, tech_stack, status, mission and metadata; the slug is
       * kept. Bringing an archived project back counts against the project limit.
       */
      updateProject: (id: ProjectId, patch: ProjectPatch) =>
        inTenant(WorkActions.updateProject)((actor) =>
          Effect.gen(function* () {
            const current = yield* projectById(id)
            const changes = projectChanges(patch)
            if (reactivates(current, changes)) yield* checkProjectLimit(actor.tenant_id)
            const { project, ...diff } = applyProjectChanges(current, changes, yield* now)
            return yield* savedChange(
              actor,
              {
                entity_type: "project",
                action: "updated",
                project_id: current.id,
                current,
                next: project,
                diff,
              },
              saveProject,
            )
          }),
        ),

      /** DELETE archives the project (it stays readable); archiving an archived one changes nothing. */
      archiveProject: (id: ProjectId) =>
        inTenant(WorkActions.archiveProject)((actor) =>
          Effect.gen(function* () {
            const current = yield* projectById(id)
            const { project, ...diff } = archiveProject(current, yield* now)
            return yield* savedChange(
              actor,
              {
                entity_type: "project",
                action: "archived",
                project_id: current.id,
                current,
                next: project,
                diff,
              },
              saveProject,
            )
          }),
        ),

      /** Story counts per status, epics completed, verification share and hours, counted by the store. */
      projectProgress: (id: ProjectId) =>
        inTenant(WorkActions.readProject)(() =>
          Effect.gen(function* () {
            yield* projectById(id)
            const counts = yield* Effect.flatMap(Stories, (s) => s.countByStatus({ project_id: id }))
            const total_epics = yield* Effect.flatMap(Epics, (e) => e.countByProject(id))
            return projectProgress(counts, total_epics)
          }),
        ),
    }
  }),
}) {}
