import { Effect } from "effect"
import type { Tenants } from "../../identity/ports/tenants.js"
import { ProjectId } from "../../kernel/domain/ids.js"
import { type Ids, freshId } from "../../kernel/ports/ids.js"
import type { UnitOfWork } from "../../kernel/ports/unit-of-work.js"
import { Project } from "../../work/domain/project.js"
import { Projects } from "../../work/ports/projects.js"
import {
  type ContractSuite,
  contractCase,
  expectEqual,
  expectFailure,
  expectNone,
  expectSome,
  settle,
} from "./contract.js"
import { aProject, freshTenant, instant, richJson, within } from "./fixtures.js"

const insertAll = (projects: ReadonlyArray<Project>) =>
  Effect.flatMap(Projects, (repo) =>
    Effect.forEach(projects, (project) => repo.insert(project), { discard: true }),
  )

const findProject = (id: ProjectId) => Effect.flatMap(Projects, (repo) => repo.findById(id))

const names = (projects: ReadonlyArray<Project>) => projects.map((project) => project.name)

/** The Projects port: per-tenant slugs, name order, the active filter, pages. */
export const projectsContract: ContractSuite<Projects | Tenants | UnitOfWork | Ids> = {
  port: "Projects",
  cases: [
    contractCase(
      "insert then findById returns every field",
      Effect.gen(function* () {
        const tenant = yield* freshTenant()
        const project = yield* aProject(tenant, {
          name: "Shop — Grüße",
          repo_url: "https://example.org/shop.git",
          description: "A shop\nwith two lines",
          tech_stack: "elixir, phoenix",
          status: "archived",
          mission: "Sell things",
          metadata: richJson,
          inserted_at: instant(10, 123_456),
          updated_at: instant(11, 1),
        })
        yield* within(tenant.id, insertAll([project]))
        const found = yield* within(tenant.id, findProject(project.id))
        yield* expectEqual(
          yield* expectSome(found, "the inserted project"),
          project,
          "project after a round-trip",
        )
      }),
    ),
    contractCase(
      "null fields round-trip as null",
      Effect.gen(function* () {
        const tenant = yield* freshTenant()
        const project = yield* aProject(tenant, { inserted_at: instant(12, 120_000) })
        yield* within(tenant.id, insertAll([project]))
        const found = yield* within(tenant.id, findProject(project.id))
        yield* expectEqual(
          yield* expectSome(found, "the inserted project"),
          project,
          "project after a round-trip",
        )
      }),
    ),
    contractCase(
      "findById of an unknown id is none",
      Effect.gen(function* () {
        const tenant = yield* freshTenant()
        const missing = yield* freshId(ProjectId)
        yield* expectNone(yield* within(tenant.id, findProject(missing)), "an unknown project")
      }),
    ),
    contractCase(
      "findForGraphChange returns the stored project; none for an unknown id or another tenant's",
      Effect.gen(function* () {
        const tenant = yield* freshTenant()
        const stranger = yield* freshTenant()
        const project = yield* aProject(tenant)
        yield* within(tenant.id, insertAll([project]))
        const hold = (id: ProjectId) => Effect.flatMap(Projects, (repo) => repo.findForGraphChange(id))
        const held = yield* within(tenant.id, hold(project.id))
        yield* expectEqual(
          yield* expectSome(held, "the held project"),
          project,
          "project from findForGraphChange",
        )
        yield* expectNone(
          yield* within(tenant.id, hold(yield* freshId(ProjectId))),
          "an unknown project held",
        )
        yield* expectNone(yield* within(stranger.id, hold(project.id)), "another tenant's project held")
      }),
    ),
    contractCase(
      "update replaces the stored fields",
      Effect.gen(function* () {
        const tenant = yield* freshTenant()
        const project = yield* aProject(tenant)
        yield* within(tenant.id, insertAll([project]))
        const changed = new Project({
          ...project,
          name: "Renamed",
          description: "now described",
          repo_url: "https://example.org/renamed.git",
          status: "archived",
          mission: "A new mission",
          metadata: richJson,
          updated_at: instant(20, 999_999),
        })
        yield* within(
          tenant.id,
          Effect.flatMap(Projects, (repo) => repo.update(changed)),
        )
        const found = yield* within(tenant.id, findProject(project.id))
        yield* expectEqual(yield* expectSome(found, "the updated project"), changed, "project after update")
      }),
    ),
    contractCase(
      "insert fails with DuplicateKey slug when the tenant already has the slug",
      Effect.gen(function* () {
        const tenant = yield* freshTenant()
        const first = yield* aProject(tenant, { name: "First" })
        const second = yield* aProject(tenant, { name: "Second", slug: first.slug })
        yield* within(tenant.id, insertAll([first]))
        const refused = yield* expectFailure(
          within(tenant.id, insertAll([second])),
          "DuplicateKey",
          "a second project with the same slug",
        )
        yield* expectEqual(refused.key, "slug", "the key of the DuplicateKey")
        yield* expectNone(yield* within(tenant.id, findProject(second.id)), "the refused project")
        const kept = yield* within(tenant.id, findProject(first.id))
        yield* expectEqual(yield* expectSome(kept, "the first project"), first, "the first project")
      }),
    ),
    contractCase(
      "the same slug in another tenant is accepted",
      Effect.gen(function* () {
        const a = yield* freshTenant()
        const b = yield* freshTenant()
        const mine = yield* aProject(a)
        const theirs = yield* aProject(b, { slug: mine.slug })
        yield* within(a.id, insertAll([mine]))
        yield* within(b.id, insertAll([theirs]))
        const found = yield* within(b.id, findProject(theirs.id))
        yield* expectEqual(yield* expectSome(found, "the other tenant's project"), theirs, "project")
      }),
    ),
    contractCase(
      "list is ordered by name",
      Effect.gen(function* () {
        const tenant = yield* freshTenant()
        const projects = yield* Effect.forEach(["delta", "alpha", "echo", "charlie", "bravo"], (name) =>
          aProject(tenant, { name }),
        )
        yield* within(tenant.id, insertAll(projects))
        const page = yield* within(
          tenant.id,
          Effect.flatMap(Projects, (repo) => repo.list({}, { page: 1, page_size: 10 })),
        )
        yield* expectEqual(names(page.items), ["alpha", "bravo", "charlie", "delta", "echo"], "project names")
        yield* expectEqual(page.total_count, 5, "total_count")
      }),
    ),
    contractCase(
      "list shows active projects unless asked for a status or any",
      Effect.gen(function* () {
        const tenant = yield* freshTenant()
        const active = yield* aProject(tenant, { name: "active-one" })
        const archived = yield* aProject(tenant, { name: "archived-one", status: "archived" })
        const another = yield* aProject(tenant, { name: "active-two" })
        yield* within(tenant.id, insertAll([active, archived, another]))
        const listed = (status: Project["status"] | "any" | undefined) =>
          within(
            tenant.id,
            Effect.flatMap(Projects, (repo) =>
              repo.list(status === undefined ? {} : { status }, { page: 1, page_size: 10 }),
            ),
          )
        const byDefault = yield* listed(undefined)
        yield* expectEqual(names(byDefault.items), ["active-one", "active-two"], "default list")
        yield* expectEqual(byDefault.total_count, 2, "default total_count")
        const onlyActive = yield* listed("active")
        yield* expectEqual(names(onlyActive.items), ["active-one", "active-two"], "status=active")
        const onlyArchived = yield* listed("archived")
        yield* expectEqual(names(onlyArchived.items), ["archived-one"], "status=archived")
        yield* expectEqual(onlyArchived.total_count, 1, "status=archived total_count")
        const everything = yield* listed("any")
        yield* expectEqual(
          names(everything.items),
          ["active-one", "active-two", "archived-one"],
          "status=any",
        )
        yield* expectEqual(everything.total_count, 3, "status=any total_count")
      }),
    ),
    contractCase(
      "list pages through the projects and counts all of them",
      Effect.gen(function* () {
        const tenant = yield* freshTenant()
        const projects = yield* Effect.forEach(["p1", "p2", "p3", "p4", "p5"], (name) =>
          aProject(tenant, { name }),
        )
        yield* within(tenant.id, insertAll(projects))
        const pageOf = (page: number) =>
          within(
            tenant.id,
            Effect.flatMap(Projects, (repo) => repo.list({}, { page, page_size: 2 })),
          )
        const second = yield* pageOf(2)
        yield* expectEqual(names(second.items), ["p3", "p4"], "page 2 of size 2")
        yield* expectEqual(second.total_count, 5, "total_count of page 2")
        const last = yield* pageOf(3)
        yield* expectEqual(names(last.items), ["p5"], "page 3 of size 2")
        const beyond = yield* pageOf(4)
        yield* expectEqual(names(beyond.items), [], "page 4 of size 2")
        yield* expectEqual(beyond.total_count, 5, "total_count past the last page")
      }),
    ),
    contractCase(
      "countActive counts the tenant's active projects only",
      Effect.gen(function* () {
        const tenant = yield* freshTenant()
        const other = yield* freshTenant()
        yield* within(
          tenant.id,
          insertAll([
            yield* aProject(tenant),
            yield* aProject(tenant),
            yield* aProject(tenant, { status: "archived" }),
          ]),
        )
        yield* within(other.id, insertAll([yield* aProject(other)]))
        const count = yield* within(
          tenant.id,
          Effect.flatMap(Projects, (repo) => repo.countActive),
        )
        yield* expectEqual(count, 2, "countActive")
      }),
    ),
    contractCase(
      "another tenant's unit of work sees none of the projects",
      Effect.gen(function* () {
        const owner = yield* freshTenant()
        const stranger = yield* freshTenant()
        const project = yield* aProject(owner)
        yield* within(owner.id, insertAll([project]))
        yield* within(
          stranger.id,
          Effect.gen(function* () {
            const repo = yield* Projects
            yield* expectNone(yield* repo.findById(project.id), "another tenant's project")
            const page = yield* repo.list({ status: "any" }, { page: 1, page_size: 10 })
            yield* expectEqual(page.items.length, 0, "projects listed to another tenant")
            yield* expectEqual(page.total_count, 0, "total_count for another tenant")
            yield* expectEqual(yield* repo.countActive, 0, "countActive for another tenant")
          }),
        )
      }),
    ),
    contractCase(
      "another tenant's unit of work cannot update a project",
      Effect.gen(function* () {
        const owner = yield* freshTenant()
        const stranger = yield* freshTenant()
        const project = yield* aProject(owner)
        yield* within(owner.id, insertAll([project]))
        const hijacked = new Project({ ...project, name: "Hijacked", status: "archived" })
        yield* settle(
          within(
            stranger.id,
            Effect.flatMap(Projects, (repo) => repo.update(hijacked)),
          ),
        )
        const found = yield* within(owner.id, findProject(project.id))
        yield* expectEqual(
          yield* expectSome(found, "the owner's project"),
          project,
          "project after a foreign update",
        )
      }),
    ),
  ],
}
