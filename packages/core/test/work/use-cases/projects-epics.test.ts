import { describe, expect, it } from "@effect/vitest"
import { Effect, Either } from "effect"
import { AuditLog } from "../../../src/audit/ports/audit-log.js"
import { Outbox } from "../../../src/events/ports/outbox.js"
import { Tenants } from "../../../src/identity/ports/tenants.js"
import type { LoopctlError } from "../../../src/kernel/domain/errors.js"
import { EpicId, ProjectId, type StoryId } from "../../../src/kernel/domain/ids.js"
import { UnitOfWork } from "../../../src/kernel/ports/unit-of-work.js"
import { aTenant } from "../../../src/testing/contracts/fixtures.js"
import { MemoryLoopctl } from "../../../src/testing/memory/index.js"
import { EpicPatch } from "../../../src/work/domain/epic.js"
import { ProjectPatch } from "../../../src/work/domain/project.js"
import { Story } from "../../../src/work/domain/story.js"
import { WorkActions } from "../../../src/work/policy/work-actions.js"
import { Epics } from "../../../src/work/ports/epics.js"
import { Stories } from "../../../src/work/ports/stories.js"
import { withDecoded } from "../../fixtures/decoded.js"
import { performAs } from "../../fixtures/perform-as.js"
import { makeTeam } from "../../fixtures/team.js"
import { errorEnvelope } from "../../fixtures/wire-status.js"
import { createStory, workUseCases } from "../../fixtures/work-use-cases.js"

/**
 * The project and epic use cases of the work context on the in-memory ports: roles, validation,
 * audit entries written with the change, tenant isolation and progress.
 */

const team = makeTeam()
const page = { page: 1, page_size: 20 }

/** The error envelope of a failing effect, or `{status: 200}` when it succeeds. */
const failure = <A, R>(effect: Effect.Effect<A, LoopctlError, R>) =>
  Effect.map(Effect.either(effect), (outcome) =>
    Either.match(outcome, { onLeft: (e) => errorEnvelope(e).error, onRight: () => ({ status: 200 }) }),
  )

const inTenant = <A, E, R>(work: Effect.Effect<A, E, R>, tenant = team.tenant_id) =>
  Effect.flatMap(UnitOfWork, (uow) => uow.transact(tenant, work))

/** The tenant's audit entries, oldest first. */
const audit = (tenant = team.tenant_id) =>
  inTenant(
    Effect.map(
      Effect.flatMap(AuditLog, (log) => log.list({}, { page: 1, page_size: 100 })),
      (found) => [...found.items].reverse(),
    ),
    tenant,
  )

const labels = (tenant = team.tenant_id) =>
  Effect.map(audit(tenant), (entries) => entries.map((e) => `${e.entity_type}/${e.action}`))

/** A project "Shop" with epics 1 and 2, made by the orchestrator. */
const board = Effect.gen(function* () {
  const work = yield* workUseCases
  const project = yield* work.projects
    .createProject({ name: "Shop", slug: "shop" })
    .pipe(performAs(team.orchestrator, WorkActions.createProject))
  const first = yield* work.epics
    .createEpic(project.id, { number: 1, title: "Accounts" })
    .pipe(performAs(team.orchestrator, WorkActions.createEpic))
  const second = yield* work.epics
    .createEpic(project.id, {
      number: 2,
      title: "Payments",
      phase: "p2",
    })
    .pipe(performAs(team.orchestrator, WorkActions.createEpic))
  return { work, project, first, second }
})

/** Sets a story's statuses directly in the store, as the lifecycle would have. */
const settle = (
  id: StoryId,
  agent_status: Story["agent_status"],
  verified_status: Story["verified_status"],
) =>
  inTenant(
    Effect.gen(function* () {
      const stories = yield* Stories
      const found = yield* stories.findById(id)
      if (found._tag === "None") throw new Error("no story")
      yield* stories.update(new Story({ ...found.value, agent_status, verified_status }))
    }),
  )

/** A project PATCH body decoded as the contract does, handed to `use`. */
const patched = withDecoded(ProjectPatch)

/** An epic PATCH body decoded as the contract does, handed to `use`. */
const epicPatched = withDecoded(EpicPatch)

describe("project use cases", () => {
  it.effect("PATCH changes the writable fields, keeps the slug and audits the difference", () =>
    Effect.gen(function* () {
      const { work, project } = yield* board
      // An unknown status is refused (D26), not dropped.
      expect(
        (yield* Effect.flip(
          patched({ name: "X", status: "bogus" }, (patch) =>
            work.projects
              .updateProject(project.id, patch)
              .pipe(performAs(team.orchestrator, WorkActions.updateProject)),
          ),
        ))._tag,
      ).toBe("ValidationFailed")
      const updated = yield* patched({ name: "Shop 2", slug: "other", mission: "  Sell  " }, (patch) =>
        work.projects
          .updateProject(project.id, patch)
          .pipe(performAs(team.orchestrator, WorkActions.updateProject)),
      )
      expect(updated).toMatchObject({ name: "Shop 2", slug: "shop", mission: "Sell", status: "active" })
      expect(
        yield* work.projects
          .getProject(project.id)
          .pipe(performAs(team.implementer, WorkActions.readProject)),
      ).toEqual(updated)
      const entries = yield* audit()
      const last = entries[entries.length - 1]
      expect(last).toMatchObject({
        entity_type: "project",
        entity_id: project.id,
        action: "updated",
        project_id: project.id,
        old_state: { name: "Shop", mission: null },
        new_state: { name: "Shop 2", mission: "Sell" },
      })
      // Nothing changes: no write and no entry.
      const again = yield* work.projects
        .updateProject(project.id, { name: "Shop 2" })
        .pipe(performAs(team.user, WorkActions.updateProject))
      expect(again).toEqual(updated)
      expect((yield* audit()).length).toBe(entries.length)
    }).pipe(Effect.provide(MemoryLoopctl)),
  )

  it.effect("PATCH refuses a blank name with details and writes nothing", () =>
    Effect.gen(function* () {
      const { work, project } = yield* board
      const before = yield* labels()
      expect(
        yield* failure(
          patched({ name: "", metadata: 3 }, (patch) =>
            work.projects
              .updateProject(project.id, patch)
              .pipe(performAs(team.orchestrator, WorkActions.updateProject)),
          ),
        ),
      ).toEqual({
        status: 422,
        message: "Validation failed",
        details: { name: ["can't be blank"], metadata: ["must be a JSON object"] },
      })
      expect(
        yield* work.projects.getProject(project.id).pipe(performAs(team.user, WorkActions.readProject)),
      ).toEqual(project)
      expect(yield* labels()).toEqual(before)
    }).pipe(Effect.provide(MemoryLoopctl)),
  )

  it.effect("roles: agents read only; archiving needs the user role", () =>
    Effect.gen(function* () {
      const { work, project } = yield* board
      expect(
        yield* failure(
          work.projects
            .updateProject(project.id, { name: "x" })
            .pipe(performAs(team.implementer, WorkActions.updateProject)),
        ),
      ).toEqual({
        status: 403,
        message: "Insufficient permissions. Required role: orchestrator",
      })
      expect(
        yield* failure(
          work.projects
            .archiveProject(project.id)
            .pipe(performAs(team.orchestrator, WorkActions.archiveProject)),
        ),
      ).toEqual({
        status: 403,
        message: "Insufficient permissions. Required role: user",
      })
      expect(
        yield* failure(
          work.projects
            .projectProgress(project.id)
            .pipe(performAs(team.implementer, WorkActions.readProject)),
        ),
      ).toEqual({
        status: 200,
      })
      expect(
        yield* failure(
          work.projects.projectDetail(project.id).pipe(performAs(team.implementer, WorkActions.readProject)),
        ),
      ).toEqual({
        status: 200,
      })
    }).pipe(Effect.provide(MemoryLoopctl)),
  )

  it.effect("DELETE archives once: the default list drops it, include_archived shows it", () =>
    Effect.gen(function* () {
      const { work, project } = yield* board
      const archived = yield* work.projects
        .archiveProject(project.id)
        .pipe(performAs(team.user, WorkActions.archiveProject))
      expect(archived.status).toBe("archived")
      expect(
        (yield* work.projects
          .archiveProject(project.id)
          .pipe(performAs(team.user, WorkActions.archiveProject))).status,
      ).toBe("archived")
      expect(
        (yield* work.projects.listProjects({}, page).pipe(performAs(team.user, WorkActions.listProjects)))
          .data,
      ).toEqual([])
      const all = yield* work.projects
        .listProjects({ include_archived: "true" }, page)
        .pipe(performAs(team.user, WorkActions.listProjects))
      expect(all.data.map((p) => p.id)).toEqual([project.id])
      expect(all.meta).toEqual({ page: 1, page_size: 20, total_count: 1, total_pages: 1 })
      expect(
        (yield* work.projects
          .listProjects({ status: "archived" }, page)
          .pipe(performAs(team.user, WorkActions.listProjects))).data,
      ).toHaveLength(1)
      const archiveEntries = (yield* audit()).filter((e) => e.action === "archived")
      expect(archiveEntries).toHaveLength(1)
      expect(archiveEntries[0]).toMatchObject({
        entity_type: "project",
        old_state: { status: "active" },
        new_state: { status: "archived" },
      })
      // Still readable.
      expect(
        yield* work.projects
          .getProject(project.id)
          .pipe(performAs(team.implementer, WorkActions.readProject)),
      ).toEqual(archived)
    }).pipe(Effect.provide(MemoryLoopctl)),
  )

  it.effect("bringing an archived project back counts against the project limit", () =>
    Effect.gen(function* () {
      const tenant = yield* aTenant({ id: team.tenant_id, settings: { max_projects: 1 } })
      yield* Effect.flatMap(Tenants, (t) => t.insert(tenant))
      const work = yield* workUseCases
      const old = yield* work.projects
        .createProject({ name: "Old", slug: "old" })
        .pipe(performAs(team.user, WorkActions.createProject))
      yield* work.projects.archiveProject(old.id).pipe(performAs(team.user, WorkActions.archiveProject))
      yield* work.projects
        .createProject({ name: "New", slug: "new" })
        .pipe(performAs(team.user, WorkActions.createProject))
      expect(
        yield* failure(
          work.projects
            .updateProject(old.id, { status: "active" })
            .pipe(performAs(team.user, WorkActions.updateProject)),
        ),
      ).toEqual({
        status: 422,
        message: "Project limit reached for this tenant",
      })
      expect(
        (yield* work.projects.getProject(old.id).pipe(performAs(team.user, WorkActions.readProject))).status,
      ).toBe("archived")
    }).pipe(Effect.provide(MemoryLoopctl)),
  )

  it.effect("another tenant's project is not found by any of them", () =>
    Effect.gen(function* () {
      const { work, project } = yield* board
      const other = makeTeam(2)
      const attempts: ReadonlyArray<Effect.Effect<unknown, LoopctlError>> = [
        work.projects.projectDetail(project.id).pipe(performAs(other.user, WorkActions.readProject)),
        work.projects
          .updateProject(project.id, { name: "Mine" })
          .pipe(performAs(other.user, WorkActions.updateProject)),
        work.projects.archiveProject(project.id).pipe(performAs(other.user, WorkActions.archiveProject)),
        work.projects.projectProgress(project.id).pipe(performAs(other.user, WorkActions.readProject)),
        work.epics.listEpics(project.id, {}, page).pipe(performAs(other.user, WorkActions.listEpics)),
      ]
      for (const attempt of attempts)
        expect(yield* failure(attempt)).toEqual({ status: 404, message: "Project not found" })
      expect(
        yield* work.projects.getProject(project.id).pipe(performAs(team.user, WorkActions.readProject)),
      ).toEqual(project)
      expect(yield* labels(other.tenant_id)).toEqual([])
    }).pipe(Effect.provide(MemoryLoopctl)),
  )

  it.effect("detail and progress count epics and stories by status, hours included", () =>
    Effect.gen(function* () {
      const { work, project, first, second } = yield* board
      const empty = yield* work.projects
        .projectProgress(project.id)
        .pipe(performAs(team.implementer, WorkActions.readProject))
      expect(empty).toMatchObject({ total_stories: 0, total_epics: 2, verification_percentage: 0 })
      const story = (epic: EpicId, number: string, estimated_hours?: number) =>
        createStory(work, team.orchestrator, epic, {
          number,
          title: `Story ${number}`,
          ...(estimated_hours === undefined ? {} : { estimated_hours }),
        })
      const s11 = yield* story(first.id, "1.1", 2)
      const s12 = yield* story(first.id, "1.2", 3)
      const s21 = yield* story(second.id, "2.1", 1.5)
      const s22 = yield* story(second.id, "2.2")
      yield* settle(s11.id, "reported_done", "verified")
      yield* settle(s12.id, "reported_done", "verified")
      yield* settle(s21.id, "implementing", "unverified")
      yield* settle(s22.id, "pending", "rejected")
      expect(
        yield* work.projects
          .projectProgress(project.id)
          .pipe(performAs(team.implementer, WorkActions.readProject)),
      ).toEqual({
        total_stories: 4,
        stories_by_agent_status: {
          pending: 1,
          contracted: 0,
          assigned: 0,
          implementing: 1,
          reported_done: 2,
        },
        stories_by_verified_status: { unverified: 1, verified: 2, rejected: 1 },
        total_epics: 2,
        epics_completed: 1,
        verification_percentage: 50,
        estimated_hours_total: 6.5,
        estimated_hours_completed: 5,
      })
      const detail = yield* work.projects
        .projectDetail(project.id)
        .pipe(performAs(team.implementer, WorkActions.readProject))
      expect(detail).toEqual({ project, epic_count: 2, story_count: 4 })
      expect(
        yield* work.epics.epicProgress(second.id).pipe(performAs(team.implementer, WorkActions.readEpic)),
      ).toEqual({
        stories_by_agent_status: {
          pending: 1,
          contracted: 0,
          assigned: 0,
          implementing: 1,
          reported_done: 0,
        },
        stories_by_verified_status: { unverified: 1, verified: 0, rejected: 1 },
      })
      const listed = yield* work.epics
        .listEpics(project.id, {}, page)
        .pipe(performAs(team.implementer, WorkActions.listEpics))
      expect(
        listed.data.map(({ epic, story_count, completion_percentage }) => [
          epic.number,
          story_count,
          completion_percentage,
        ]),
      ).toEqual([
        [1, 2, 100],
        [2, 2, 0],
      ])
    }).pipe(Effect.provide(MemoryLoopctl)),
  )
})

describe("epic use cases", () => {
  it.effect("the list pages by position and filters by phase", () =>
    Effect.gen(function* () {
      const { work, project, first, second } = yield* board
      const third = yield* work.epics
        .createEpic(project.id, {
          number: 3,
          title: "Ops",
          position: 0,
        })
        .pipe(performAs(team.orchestrator, WorkActions.createEpic))
      const moved = yield* work.epics
        .updateEpic(first.id, { position: 5 })
        .pipe(performAs(team.orchestrator, WorkActions.updateEpic))
      const listed = yield* work.epics
        .listEpics(project.id, {}, { page: 1, page_size: 2 })
        .pipe(performAs(team.implementer, WorkActions.listEpics))
      expect(listed.data.map((row) => row.epic.number)).toEqual([2, 3])
      expect(listed.meta).toEqual({ page: 1, page_size: 2, total_count: 3, total_pages: 2 })
      expect(
        (yield* work.epics
          .listEpics(project.id, {}, { page: 2, page_size: 2 })
          .pipe(performAs(team.implementer, WorkActions.listEpics))).data,
      ).toEqual([{ epic: moved, story_count: 0, completion_percentage: 0 }])
      const phased = yield* work.epics
        .listEpics(project.id, { phase: "p2" }, page)
        .pipe(performAs(team.implementer, WorkActions.listEpics))
      expect(phased.data.map((row) => row.epic.id)).toEqual([second.id])
      expect(third.position).toBe(0)
    }).pipe(Effect.provide(MemoryLoopctl)),
  )

  it.effect("PATCH keeps the number, audits the change, refuses bad fields", () =>
    Effect.gen(function* () {
      const { work, first } = yield* board
      const updated = yield* epicPatched({ number: 9, title: "Sign-in", phase: "" }, (patch) =>
        work.epics.updateEpic(first.id, patch).pipe(performAs(team.orchestrator, WorkActions.updateEpic)),
      )
      expect(updated).toMatchObject({ number: 1, title: "Sign-in", phase: null })
      const entries = yield* audit()
      expect(entries[entries.length - 1]).toMatchObject({
        entity_type: "epic",
        entity_id: first.id,
        action: "updated",
        project_id: first.project_id,
        old_state: { title: "Accounts" },
        new_state: { title: "Sign-in" },
      })
      expect(
        yield* failure(
          epicPatched({ position: "top" }, (patch) =>
            work.epics.updateEpic(first.id, patch).pipe(performAs(team.orchestrator, WorkActions.updateEpic)),
          ),
        ),
      ).toEqual({
        status: 422,
        message: "Validation failed",
        details: { position: ["must be greater than or equal to 0"] },
      })
      expect(
        yield* failure(
          work.epics
            .updateEpic(first.id, { title: "x" })
            .pipe(performAs(team.implementer, WorkActions.updateEpic)),
        ),
      ).toMatchObject({
        status: 403,
      })
    }).pipe(Effect.provide(MemoryLoopctl)),
  )

  it.effect("DELETE needs the user role, removes the epic with its stories and audits it", () =>
    Effect.gen(function* () {
      const { work, project, first, second } = yield* board
      const doomed = yield* createStory(work, team.orchestrator, first.id, {
        number: "1.1",
        title: "Sign up",
      })
      yield* createStory(work, team.orchestrator, second.id, { number: "2.1", title: "Pay" })
      expect(
        yield* failure(
          work.epics.deleteEpic(first.id).pipe(performAs(team.orchestrator, WorkActions.deleteEpic)),
        ),
      ).toEqual({
        status: 403,
        message: "Insufficient permissions. Required role: user",
      })
      yield* work.epics.deleteEpic(first.id).pipe(performAs(team.user, WorkActions.deleteEpic))
      expect(
        yield* failure(work.epics.getEpic(first.id).pipe(performAs(team.user, WorkActions.readEpic))),
      ).toEqual({
        status: 404,
        message: "Epic not found",
      })
      expect(
        yield* failure(work.stories.getStory(doomed.id).pipe(performAs(team.user, WorkActions.readStory))),
      ).toMatchObject({ status: 404 })
      expect(
        (yield* work.projects.projectDetail(project.id).pipe(performAs(team.user, WorkActions.readProject)))
          .story_count,
      ).toBe(1)
      const entries = yield* audit()
      expect(entries[entries.length - 1]).toMatchObject({
        entity_type: "epic",
        entity_id: first.id,
        action: "deleted",
        project_id: project.id,
        old_state: { number: 1, title: "Accounts" },
        new_state: null,
      })
      expect(
        yield* failure(work.epics.deleteEpic(first.id).pipe(performAs(team.user, WorkActions.deleteEpic))),
      ).toEqual({
        status: 404,
        message: "Epic not found",
      })
      // No webhook event for breakdown edits.
      const events = yield* inTenant(Effect.flatMap(Outbox, (o) => o.list(100)))
      expect(events).toEqual([])
    }).pipe(Effect.provide(MemoryLoopctl)),
  )

  it.effect("another tenant's epic and unknown ids are not found", () =>
    Effect.gen(function* () {
      const { work, first } = yield* board
      const other = makeTeam(2)
      const attempts: ReadonlyArray<Effect.Effect<unknown, LoopctlError>> = [
        work.epics
          .updateEpic(first.id, { title: "Mine" })
          .pipe(performAs(other.user, WorkActions.updateEpic)),
        work.epics.deleteEpic(first.id).pipe(performAs(other.user, WorkActions.deleteEpic)),
        work.epics.epicProgress(first.id).pipe(performAs(other.user, WorkActions.readEpic)),
        work.epics
          .epicProgress(EpicId.make("00000000-0000-4000-8000-00000000ffff"))
          .pipe(performAs(team.user, WorkActions.readEpic)),
      ]
      for (const attempt of attempts)
        expect(yield* failure(attempt)).toEqual({ status: 404, message: "Epic not found" })
      expect(
        yield* failure(
          work.epics
            .listEpics(ProjectId.make("00000000-0000-4000-8000-00000000ffff"), {}, page)
            .pipe(performAs(team.user, WorkActions.listEpics)),
        ),
      ).toEqual({ status: 404, message: "Project not found" })
      expect(yield* inTenant(Effect.flatMap(Epics, (e) => e.findById(first.id)))).toMatchObject({
        _tag: "Some",
      })
    }).pipe(Effect.provide(MemoryLoopctl)),
  )
})
