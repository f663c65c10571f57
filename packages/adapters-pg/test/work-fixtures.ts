import {
  Importer,
  ProjectPlanning,
  Tenant,
  type TenantId,
  Tenants,
  Timestamp,
  WorkActions,
  WorkQueues,
} from "@loopctl/core"
import { Effect } from "effect"
import { performAs } from "../../core/test/fixtures/perform-as.js"
import type { makeTeam } from "../../core/test/fixtures/team.js"

/** Seeding for the use-case tests on SQL: a tenant row, a project and its stories. */

const at = Timestamp.make("2026-03-27T12:00:00.123456Z")

/** Creates the team's tenant row (the SQL store keys everything to an existing tenant). */
export const createTenant = (tenant_id: TenantId, slug: string) =>
  Effect.flatMap(Tenants, (tenants) =>
    tenants.insert(
      Tenant.make({
        id: tenant_id,
        name: slug,
        slug,
        email: `${slug}@example.org`,
        settings: {},
        status: "active",
        default_story_budget_millicents: null,
        token_data_retention_days: null,
        inserted_at: at,
        updated_at: at,
      }),
    ),
  )

/** A project with stories 1.1 … 1.n, imported by the team's user; returns their ids in order. */
export const seedStories = (team: ReturnType<typeof makeTeam>, slug: string, count: number) =>
  Effect.gen(function* () {
    yield* createTenant(team.tenant_id, slug)
    const projectPlanning = yield* ProjectPlanning
    const queues = yield* WorkQueues
    const project = yield* projectPlanning
      .createProject({ name: slug, slug })
      .pipe(performAs(team.user, WorkActions.createProject))
    yield* (yield* Importer)
      .importProject(project.id, {
        epics: [
          {
            number: 1,
            title: "Work",
            stories: Array.from({ length: count }, (_, i) => ({
              number: `1.${i + 1}`,
              title: `Story ${i + 1}`,
            })),
          },
        ],
      })
      .pipe(performAs(team.user, WorkActions.importWork))
    // Every story, on one page (the queue serves at most 500).
    const { data: ready } = yield* queues
      .readyQueue({ project_id: project.id, page_size: 500 })
      .pipe(performAs(team.user, WorkActions.readQueue))
    return { project, stories: ready.map((s) => s.id) }
  })
