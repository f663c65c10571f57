import { describe, expect, layer } from "@effect/vitest"
import {
  AuditLog,
  LoopctlServices,
  Outbox,
  StoryActions,
  type StoryId,
  StoryLifecycle,
  StoryPlanning,
  type TenantId,
  UnitOfWork,
  Verification,
  WorkActions,
} from "@loopctl/core"
import { Effect, Layer } from "effect"
import { performAs } from "../../core/test/fixtures/perform-as.js"
import { makeTeam } from "../../core/test/fixtures/team.js"
import { SqlPorts } from "../src/index.js"
import { databaseUrl, pgliteBackend, postgresBackend, postgresTitle } from "./support.js"
import { seedStories } from "./work-fixtures.js"

/**
 * The core's use cases on the SQL adapters: one story's whole life, and all-or-nothing writes
 * when a use case fails midway. (Races between agents need real connections: concurrency.test.ts.)
 */

const auditOf = (tenant: TenantId, story: StoryId) =>
  Effect.flatMap(UnitOfWork, (uow) =>
    uow.transact(
      tenant,
      Effect.flatMap(AuditLog, (log) => log.list({ entity_id: story }, { page: 1, page_size: 100 })),
    ),
  )

/** One story's whole life with three agents; the history it leaves. */
const walkthrough = Effect.gen(function* () {
  const team = makeTeam(11)
  const { stories } = yield* seedStories(team, "walk", 1)
  const [story] = stories
  if (story === undefined) return yield* Effect.dieMessage("seeded story missing")
  const lifecycle = yield* StoryLifecycle
  const verification = yield* Verification
  yield* performAs(
    team.implementer,
    StoryActions.contract,
  )(lifecycle.contract(story, { story_title: "Story 1", ac_count: 0 }))
  yield* performAs(team.implementer, StoryActions.claim)(lifecycle.claim(story))
  yield* performAs(team.implementer, StoryActions.start)(lifecycle.start(story))
  const self = yield* Effect.flip(performAs(team.implementer, StoryActions.report)(lifecycle.report(story)))
  expect(self).toMatchObject({ code: "self_report_blocked" })
  yield* performAs(
    team.reviewer,
    StoryActions.report,
  )(lifecycle.report(story, { artifact: { artifact_type: "test", path: "test/a.test.ts" } }))
  yield* performAs(
    team.bystander,
    StoryActions.reviewComplete,
  )(lifecycle.reviewComplete(story, { review_type: "team" }))
  const verified = yield* performAs(
    team.orchestrator,
    StoryActions.verify,
  )(verification.verify(story, { review_type: "team", summary: "checked" }))
  expect(verified.story).toMatchObject({ agent_status: "reported_done", verified_status: "verified" })
  const audit = yield* auditOf(team.tenant_id, story)
  expect(audit.items.map((e) => e.action).sort()).toEqual(
    [
      "review_completed",
      "status_changed",
      "status_changed",
      "status_changed",
      "status_changed",
      "verified",
    ].sort(),
  )
})

/** An outbox whose writes fail: every use case that emits an event must then leave nothing. */
const BrokenOutbox = Layer.succeed(
  Outbox,
  Outbox.of({ enqueue: () => Effect.dieMessage("outbox unavailable"), list: () => Effect.succeed([]) }),
)

/** A use case failing after its first writes leaves nothing behind. */
const atomicity = Effect.gen(function* () {
  const team = makeTeam(12)
  const { stories } = yield* seedStories(team, "atomic", 1)
  const [story] = stories
  if (story === undefined) return yield* Effect.dieMessage("seeded story missing")
  const lifecycle = yield* StoryLifecycle
  const before = yield* auditOf(team.tenant_id, story)
  // The same use case, wired to an outbox that fails after the story and audit writes.
  const failing = yield* Effect.exit(
    Effect.flatMap(StoryLifecycle, (broken) =>
      performAs(
        team.implementer,
        StoryActions.contract,
      )(broken.contract(story, { story_title: "Story 1", ac_count: 0 })),
    ).pipe(Effect.provide(StoryLifecycle.Default.pipe(Layer.provide(BrokenOutbox)))),
  )
  expect(failing._tag).toBe("Failure")
  const after = yield* (yield* StoryPlanning)
    .getStory(story)
    .pipe(performAs(team.user, WorkActions.readStory))
  expect(after.agent_status).toBe("pending")
  expect((yield* auditOf(team.tenant_id, story)).total_count).toBe(before.total_count)
  const events = yield* Effect.flatMap(UnitOfWork, (uow) =>
    uow.transact(
      team.tenant_id,
      Effect.flatMap(Outbox, (o) => o.list(1000)),
    ),
  )
  expect(events.filter((e) => "story_id" in e.event && e.event.story_id === story)).toEqual([])
  // And the intact wiring still works on the same story.
  yield* performAs(
    team.implementer,
    StoryActions.contract,
  )(lifecycle.contract(story, { story_title: "Story 1", ac_count: 0 }))
})

layer(LoopctlServices.pipe(Layer.provideMerge(SqlPorts), Layer.provideMerge(pgliteBackend)), {
  timeout: 60_000,
})("use cases on PGlite", (it) => {
  it.effect(
    "a story goes from import to verified with three agents, and history is recorded",
    () => walkthrough,
  )
  it.effect(
    "a use case that fails after its first writes leaves no row, no audit entry and no event",
    () => atomicity,
  )
})

describe.skipIf(databaseUrl === undefined)(postgresTitle("use cases on Postgres"), () => {
  if (databaseUrl === undefined) return
  layer(
    LoopctlServices.pipe(Layer.provideMerge(SqlPorts), Layer.provideMerge(postgresBackend(databaseUrl))),
    {
      timeout: 60_000,
    },
  )("Postgres", (it) => {
    it.effect(
      "a story goes from import to verified with three agents, and history is recorded",
      () => walkthrough,
    )
    it.effect(
      "a use case that fails after its first writes leaves no row, no audit entry and no event",
      () => atomicity,
    )
  })
})
