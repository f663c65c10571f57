import { describe, expect, it } from "@effect/vitest"
import { Effect, Either, Layer, Schema, TestClock } from "effect"
import { AuditEntry } from "../../../src/audit/domain/audit-entry.js"
import type { AuditQuery, ChangesQuery, HistoryQuery } from "../../../src/audit/domain/audit-queries.js"
import { AuditActions } from "../../../src/audit/policy/audit-actions.js"
import { AuditLog } from "../../../src/audit/ports/audit-log.js"
import { AuditTrail } from "../../../src/audit/use-cases/audit-trail.js"
import { Actor, type Caller, PlatformActor } from "../../../src/identity/domain/actor.js"
import type { LoopctlError } from "../../../src/kernel/domain/errors.js"
import { AuditEntryId, StoryId, TokenUsageReportId } from "../../../src/kernel/domain/ids.js"
import type { JsonObject } from "../../../src/kernel/domain/json.js"
import { Timestamp, now } from "../../../src/kernel/domain/timestamp.js"
import { freshId } from "../../../src/kernel/ports/ids.js"
import { UnitOfWork } from "../../../src/kernel/ports/unit-of-work.js"
import { MemoryLoopctl } from "../../../src/testing/memory/index.js"
import { AuditLogTest, StoriesTest, TenantsTest, UnitOfWorkTest } from "../../../src/testing/narrow/index.js"
import { StoryNumber } from "../../../src/work/domain/story-number.js"
import { WorkActions } from "../../../src/work/policy/work-actions.js"
import { Stories } from "../../../src/work/ports/stories.js"
import { EpicPlanning } from "../../../src/work/use-cases/epic-planning.js"
import { Importer } from "../../../src/work/use-cases/importer.js"
import { ProjectPlanning } from "../../../src/work/use-cases/project-planning.js"
import { StoryPlanning } from "../../../src/work/use-cases/story-planning.js"
import { StoryActions } from "../../../src/workflow/policy/story-actions.js"
import { StoryLifecycle } from "../../../src/workflow/use-cases/story-lifecycle.js"
import { performAs } from "../../fixtures/perform-as.js"
import { makeTeam } from "../../fixtures/team.js"
import { errorEnvelope } from "../../fixtures/wire-status.js"

/**
 * The AuditTrail use cases on the memory ports. Entries come from real mutations (create a
 * project, import, contract, claim); the clock is the TestClock, so mutations made without
 * advancing it share one instant, as the entries of one transaction do.
 */

const team = makeTeam(1)
const stranger = makeTeam(2)

const breakdown = {
  epics: [
    {
      number: 1,
      title: "Accounts",
      stories: [
        { number: "1.1", title: "Sign up", acceptance_criteria: [{ id: "AC-1", description: "form" }] },
        { number: "1.2", title: "Log in", acceptance_criteria: [] },
      ],
    },
  ],
}

const tick = TestClock.adjust("1 second")

/**
 * One second apart: the user creates a project (1) and imports two stories into it (2); the
 * implementer contracts (3) and claims (4) story 1.1.
 */
const seeded = Effect.gen(function* () {
  const projectPlanning = yield* ProjectPlanning
  const lifecycle = yield* StoryLifecycle
  yield* tick
  const project = yield* projectPlanning
    .createProject({ name: "Shop", slug: "shop" })
    .pipe(performAs(team.user, WorkActions.createProject))
  yield* tick
  yield* (yield* Importer)
    .importProject(project.id, breakdown)
    .pipe(performAs(team.user, WorkActions.importWork))
  const stories = yield* inTenant(
    team,
    Effect.flatMap(Stories, (s) => s.listAllByProject(project.id)),
  )
  const byNumber = (n: string): StoryId => {
    const found = stories.find((s) => s.number === n)
    if (found === undefined) throw new Error(`no story ${n}`)
    return found.id
  }
  const s11 = byNumber("1.1")
  yield* tick
  yield* performAs(
    team.implementer,
    StoryActions.contract,
  )(lifecycle.contract(s11, { story_title: "Sign up", ac_count: 1 }))
  yield* tick
  yield* performAs(team.implementer, StoryActions.claim)(lifecycle.claim(s11))
  return { project, s11, s12: byNumber("1.2") }
})

const inTenant = <A, E, R>(who: { readonly tenant_id: Actor["tenant_id"] }, work: Effect.Effect<A, E, R>) =>
  Effect.flatMap(UnitOfWork, (uow) => uow.transact(who.tenant_id, work))

/** A token usage entry about `story`, appended at the current instant (that use case is another slice's). */
const tokenUsage = (story: StoryId, metadata: JsonObject = {}) =>
  Effect.gen(function* () {
    const entry = new AuditEntry({
      id: yield* freshId(AuditEntryId),
      tenant_id: team.tenant_id,
      project_id: null,
      entity_type: "token_usage_report",
      entity_id: yield* freshId(TokenUsageReportId),
      action: "created",
      actor_type: "api_key",
      actor_id: team.implementer.api_key_id,
      actor_label: team.implementer.label,
      old_state: null,
      new_state: { input_tokens: 100, output_tokens: 20 },
      metadata: { story_id: story, ...metadata },
      inserted_at: yield* now,
    })
    yield* inTenant(
      team,
      Effect.flatMap(AuditLog, (log) => log.append([entry])),
    )
    return entry
  })

const failure = <A, R>(effect: Effect.Effect<A, LoopctlError, R>) =>
  Effect.map(Effect.either(effect), (outcome) =>
    Either.match(outcome, { onLeft: (e) => errorEnvelope(e).error, onRight: () => ({ status: 200 }) }),
  )

const trail = AuditTrail
// Each read as `who` performs it, under its action's policy. The queries come as the contract
// decodes them; refusals of unreadable values are the contract's (api/test/audit-queries.test.ts).
const list = (who: Caller, query: AuditQuery = {}) =>
  Effect.flatMap(trail, (t) => performAs(who, AuditActions.list)(t.list(Effect.succeed(query))))
const changes = (who: Caller, query: ChangesQuery) =>
  Effect.flatMap(trail, (t) => performAs(who, AuditActions.changes)(t.changes(query)))
const history = (who: Caller, story: StoryId, query: HistoryQuery = {}) =>
  Effect.flatMap(trail, (t) =>
    performAs(who, AuditActions.storyHistory)(t.storyHistory(story, Effect.succeed(query))),
  )

const platform = new PlatformActor({ api_key_id: team.user.api_key_id, key_name: "root" })
const impersonating = new Actor({
  tenant_id: team.tenant_id,
  api_key_id: platform.api_key_id,
  key_name: "root",
  role: "superadmin",
  agent_id: null,
  impersonation: {
    tenant_slug: "acme",
    impersonated_at: Timestamp.make("2026-01-01T00:00:00.000000Z"),
    effective_role: null,
  },
})

const epochPlus = (seconds: number) =>
  Timestamp.make(
    new Date(seconds * 1000).toISOString().replace(/\.(\d{3})Z$/, (_, ms: string) => `.${ms}000Z`),
  )

/** AuditTrail with every port dying: for checks that must answer before anything is read. */
const unreachedPorts = AuditTrail.Default.pipe(
  Layer.provide(Layer.mergeAll(UnitOfWorkTest(), AuditLogTest(), StoriesTest(), TenantsTest())),
)

const MIN_USER = { status: 403, message: "Insufficient permissions. Required role: user" }
const IMPERSONATE = { status: 403, message: "Superadmin must use X-Impersonate-Tenant header" }

describe("GET /audit", () => {
  it.effect("lists the tenant's entries newest first, every field but the tenant", () =>
    Effect.gen(function* () {
      const { project, s11 } = yield* seeded
      const page = yield* list(team.user)
      expect(page.data.map((e) => `${e.entity_type}/${e.action}`)).toEqual([
        "story/status_changed",
        "story/status_changed",
        "project/imported",
        "project/created",
      ])
      expect(page.pagination).toEqual({ total: 4, page: 1, page_size: 20 })
      expect(page.meta).toEqual({ page: 1, page_size: 20, total_count: 4, total_pages: 1 })
      expect(page.data[0]).toEqual({
        id: expect.any(String),
        entity_type: "story",
        entity_id: s11,
        action: "status_changed",
        actor_type: "api_key",
        actor_id: team.implementer.api_key_id,
        actor_label: team.implementer.label,
        old_state: { agent_status: "contracted" },
        new_state: expect.objectContaining({ agent_status: "assigned" }),
        project_id: project.id,
        metadata: {},
        inserted_at: epochPlus(4),
      })
    }).pipe(Effect.provide(MemoryLoopctl)),
  )

  it.effect("applies every filter, empty ones ignored and from/to inclusive", () =>
    Effect.gen(function* () {
      const { project, s11 } = yield* seeded
      const actions = (query: Parameters<typeof list>[1]) =>
        Effect.map(list(team.user, query), (page) => page.data.map((e) => `${e.entity_type}/${e.action}`))
      expect(yield* actions({ entity_type: "project" })).toEqual(["project/imported", "project/created"])
      expect(yield* actions({ entity_id: s11 })).toEqual(["story/status_changed", "story/status_changed"])
      expect(yield* actions({ action: "created" })).toEqual(["project/created"])
      expect(yield* actions({ actor_id: team.implementer.api_key_id })).toHaveLength(2)
      expect(yield* actions({ actor_id: team.user.api_key_id, entity_type: "project" })).toHaveLength(2)
      expect(yield* actions({ actor_type: "system" })).toEqual([])
      expect(yield* actions({ actor_type: "api_key" })).toHaveLength(4)
      expect(yield* actions({ project_id: project.id })).toHaveLength(4)
      expect(
        yield* actions({
          entity_type: undefined,
          action: undefined,
          entity_id: undefined,
          project_id: undefined,
        }),
      ).toHaveLength(4)
      expect(yield* actions({ from: epochPlus(2), to: epochPlus(3) })).toEqual([
        "story/status_changed",
        "project/imported",
      ])
    }).pipe(Effect.provide(MemoryLoopctl)),
  )

  it.effect("pages with page_size (or limit), served at most 100", () =>
    Effect.gen(function* () {
      yield* seeded
      const second = yield* list(team.user, { page: 2, page_size: 3 })
      expect(second.data.map((e) => e.action)).toEqual(["created"])
      expect(second.pagination).toEqual({ total: 4, page: 2, page_size: 3 })
      expect(second.meta).toEqual({ page: 2, page_size: 3, total_count: 4, total_pages: 2 })
      expect((yield* list(team.user, { limit: 1 })).meta.page_size).toBe(1)
      expect((yield* list(team.user, { page_size: 500 })).pagination.page_size).toBe(100)
    }).pipe(Effect.provide(MemoryLoopctl)),
  )

  it.effect("needs the user role, and a superadmin must impersonate", () =>
    Effect.gen(function* () {
      yield* seeded
      expect(yield* failure(list(team.orchestrator))).toEqual(MIN_USER)
      expect(yield* failure(list(team.implementer))).toEqual(MIN_USER)
      expect(yield* failure(list(platform))).toEqual(IMPERSONATE)
      expect((yield* list(impersonating)).pagination.total).toBe(4)
    }).pipe(Effect.provide(MemoryLoopctl)),
  )

  it.effect("shows nothing of another tenant", () =>
    Effect.gen(function* () {
      yield* seeded
      const theirs = yield* list(stranger.user)
      expect(theirs.data).toEqual([])
      expect(theirs.meta.total_count).toBe(0)
    }).pipe(Effect.provide(MemoryLoopctl)),
  )
})

describe("GET /changes", () => {
  // `since` is required and an instant with a zone: the contract refuses it first (api/test).
  it.effect("a superadmin must impersonate, before anything is read", () =>
    Effect.gen(function* () {
      expect(
        yield* failure(changes(platform, { since: Timestamp.make("2026-01-01T00:00:00.000000Z") })),
      ).toEqual(IMPERSONATE)
    }).pipe(Effect.provide(unreachedPorts)),
  )

  it.effect("answers every role the entries after since, oldest first, without old_state or actor_id", () =>
    Effect.gen(function* () {
      const { s11 } = yield* seeded
      for (const who of [team.implementer, team.orchestrator, team.user, impersonating]) {
        const feed = yield* changes(who, { since: epochPlus(0) })
        expect(feed.data.map((e) => e.action)).toEqual([
          "created",
          "imported",
          "status_changed",
          "status_changed",
        ])
        expect(feed.has_more).toBe(false)
        expect(feed.next_since).toBeNull()
      }
      const after = yield* changes(team.implementer, { since: epochPlus(3) })
      expect(after.data).toHaveLength(1)
      const [claim] = after.data
      expect(claim).toEqual({
        id: expect.any(String),
        entity_type: "story",
        entity_id: s11,
        action: "status_changed",
        actor_type: "api_key",
        actor_label: team.implementer.label,
        new_state: expect.objectContaining({ agent_status: "assigned" }),
        project_id: expect.any(String),
        metadata: {},
        inserted_at: epochPlus(4),
      })
      expect(Object.keys(claim ?? {})).not.toContain("old_state")
      expect(Object.keys(claim ?? {})).not.toContain("actor_id")
      const filtered = yield* changes(team.implementer, {
        since: epochPlus(0),
        entity_type: "project",
        action: "imported",
      })
      expect(filtered.data.map((e) => e.action)).toEqual(["imported"])
    }).pipe(Effect.provide(MemoryLoopctl)),
  )

  it.effect("pages with limit and next_since, never splitting one instant's entries", () =>
    Effect.gen(function* () {
      const { project } = yield* seeded
      // Three stories created at one instant (5 s), then two more entries a second apart.
      yield* tick
      const epicPlanning = yield* EpicPlanning
      const storyPlanning = yield* StoryPlanning
      const epic = yield* epicPlanning
        .createEpic(project.id, { number: 2, title: "Billing" })
        .pipe(performAs(team.user, WorkActions.createEpic))
      for (const n of ["2.1", "2.2"])
        yield* storyPlanning
          .createStory(epic.id, {
            number: StoryNumber.make(n),
            title: `Story ${n}`,
            acceptance_criteria: [],
          })
          .pipe(performAs(team.user, WorkActions.createStory))
      yield* tick
      yield* storyPlanning
        .createStory(epic.id, {
          number: StoryNumber.make("2.3"),
          title: "Story 2.3",
          acceptance_criteria: [],
        })
        .pipe(performAs(team.user, WorkActions.createStory))

      const first = yield* changes(team.implementer, { since: epochPlus(0), limit: 2 })
      expect(first.data.map((e) => e.action)).toEqual(["created", "imported"])
      expect(first).toMatchObject({ has_more: true, next_since: epochPlus(2) })

      const cut = yield* changes(team.implementer, { since: epochPlus(4), limit: 1 })
      // The whole group of one instant, in id order, though the limit is 1.
      expect(cut.data.map((e) => e.id)).toEqual(cut.data.map((e) => e.id).sort())
      expect(cut.data.map((e) => `${e.entity_type}/${e.inserted_at}`).sort()).toEqual([
        `epic/${epochPlus(5)}`,
        `story/${epochPlus(5)}`,
        `story/${epochPlus(5)}`,
      ])
      expect(cut).toMatchObject({ has_more: true, next_since: epochPlus(5) })

      const seen: Array<string> = []
      let since = epochPlus(0)
      for (let round = 0; round < 20; round++) {
        const batch = yield* changes(team.implementer, { since, limit: 2 })
        seen.push(...batch.data.map((e) => e.id))
        if (batch.next_since === null) {
          expect(batch.has_more).toBe(false)
          break
        }
        since = batch.next_since
      }
      const all = yield* changes(team.implementer, { since: epochPlus(0) })
      expect(all.data).toHaveLength(8)
      expect(seen).toEqual(all.data.map((e) => e.id))
    }).pipe(Effect.provide(MemoryLoopctl)),
  )

  it.effect("shows nothing of another tenant", () =>
    Effect.gen(function* () {
      yield* seeded
      expect(yield* changes(stranger.implementer, { since: epochPlus(0) })).toEqual({
        data: [],
        has_more: false,
        next_since: null,
      })
    }).pipe(Effect.provide(MemoryLoopctl)),
  )
})

describe("GET /stories/:id/history", () => {
  it.effect("interleaves the story's entries with its token usage reports, oldest first", () =>
    Effect.gen(function* () {
      const { s11, s12 } = yield* seeded
      yield* tick
      const usage = yield* tokenUsage(s11)
      yield* tokenUsage(s12)
      yield* tick
      yield* performAs(
        team.implementer,
        StoryActions.start,
      )(Effect.flatMap(StoryLifecycle, (l) => l.start(s11)))
      for (const who of [team.implementer, team.orchestrator, team.user, impersonating]) {
        const page = yield* history(who, s11)
        expect(page.data.map((e) => `${e.entity_type}/${e.action}`)).toEqual([
          "story/status_changed",
          "story/status_changed",
          "token_usage_report/created",
          "story/status_changed",
        ])
        expect(page.pagination).toEqual({ total: 4, page: 1, page_size: 100 })
        expect(page.meta).toEqual({ page: 1, page_size: 100, total_count: 4, total_pages: 1 })
      }
      const page = yield* history(team.implementer, s11, { page: 2, page_size: 2 })
      expect(page.data.map((e) => e.action)).toEqual(["created", "status_changed"])
      expect(page.data[0]).toEqual({
        id: usage.id,
        entity_type: "token_usage_report",
        action: "created",
        actor_type: "api_key",
        actor_id: team.implementer.api_key_id,
        actor_label: team.implementer.label,
        old_state: null,
        new_state: { input_tokens: 100, output_tokens: 20 },
        metadata: { story_id: s11 },
        inserted_at: usage.inserted_at,
      })
      expect((yield* history(team.user, s11, { page_size: 1000 })).pagination.page_size).toBe(100)
    }).pipe(Effect.provide(MemoryLoopctl)),
  )

  it.effect("is 404 only when neither the story nor any entry about its id exists", () =>
    Effect.gen(function* () {
      const { project, s11, s12 } = yield* seeded
      const notFound = { status: 404, message: "Story not found" }
      const unknown = StoryId.make(yield* freshId(Schema.UUID))
      expect(yield* failure(history(team.user, unknown))).toEqual(notFound)
      // A story without entries yet: an empty history.
      expect((yield* history(team.user, s12)).data).toEqual([])
      // An id only other entity types name still has a (empty) history, as in the original.
      expect((yield* history(team.user, StoryId.make(project.id))).data).toEqual([])
      // A deleted story keeps its history.
      yield* inTenant(
        team,
        Effect.flatMap(Stories, (s) => s.delete(s11)),
      )
      expect((yield* history(team.user, s11)).pagination.total).toBe(2)
      // Another tenant sees none of it.
      expect(yield* failure(history(stranger.user, s11))).toEqual(notFound)
      expect(yield* failure(history(stranger.user, s12))).toEqual(notFound)
      expect(yield* failure(history(platform, s12))).toEqual(IMPERSONATE)
    }).pipe(Effect.provide(MemoryLoopctl)),
  )
})
