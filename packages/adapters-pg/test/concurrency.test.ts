import { describe, expect, layer } from "@effect/vitest"
import {
  Actor,
  AgentId,
  ApiKeyId,
  AuditLog,
  LoopctlServices,
  ProjectPlanning,
  StoryActions,
  type StoryId,
  StoryLifecycle,
  StoryPlanning,
  type TenantId,
  UnitOfWork,
  Verification,
  WorkActions,
} from "@loopctl/core"
import { Deferred, Effect, Either, Fiber, Layer } from "effect"
import { performAs } from "../../core/test/fixtures/perform-as.js"
import { makeTeam } from "../../core/test/fixtures/team.js"
import { SqlPorts } from "../src/index.js"
import { databaseUrl, postgresBackend, postgresTitle } from "./support.js"
import { seedStories } from "./work-fixtures.js"

/**
 * Races on real Postgres, each request on its own pooled connection. (PGlite runs one session and
 * serialises everything, so it cannot show a race.) Nothing here relies on the isolation level:
 * the story's row lock (`SELECT … FOR UPDATE`) is what makes the second claimant see the first.
 */

const agentsOf = (tenant: TenantId, count: number, offset: number) =>
  Array.from({ length: count }, (_, i) => {
    const n = (offset + i).toString(16).padStart(12, "0")
    return new Actor({
      tenant_id: tenant,
      api_key_id: ApiKeyId.make(`10000000-0000-4000-8000-${n}`),
      key_name: `agent-${offset + i}`,
      role: "agent",
      agent_id: AgentId.make(`20000000-0000-4000-8000-${n}`),
    })
  })

const claimsOf = (tenant: TenantId, story: StoryId) =>
  Effect.flatMap(UnitOfWork, (uow) =>
    uow.transact(
      tenant,
      Effect.map(
        Effect.flatMap(AuditLog, (log) =>
          log.list({ entity_id: story, action: "status_changed" }, { page: 1, page_size: 100 }),
        ),
        (page) => page.items.filter((e) => e.new_state?.agent_status === "assigned").length,
      ),
    ),
  )

/** N agents claim one contracted story at the same instant: exactly one wins, once. */
const raceForOneStory = (tenantNumber: number, racers: number, rounds: number) =>
  Effect.gen(function* () {
    const team = makeTeam(tenantNumber)
    const { stories } = yield* seedStories(team, `race-${racers}`, rounds)
    const lifecycle = yield* StoryLifecycle
    const agents = agentsOf(team.tenant_id, racers, tenantNumber * 1000)
    for (const story of stories) {
      yield* performAs(team.orchestrator, StoryActions.contract)(lifecycle.contract(story, {}))
      // Every claimant waits at the gate; opening it releases them together.
      const gate = yield* Deferred.make<void>()
      const racing = yield* Effect.fork(
        Effect.forEach(
          agents,
          (agent) =>
            Effect.zipRight(
              Deferred.await(gate),
              Effect.either(performAs(agent, StoryActions.claim)(lifecycle.claim(story))),
            ),
          { concurrency: "unbounded" },
        ),
      )
      yield* Deferred.succeed(gate, undefined)
      const outcomes = yield* Fiber.join(racing)
      const wins = outcomes.filter(Either.isRight)
      const losses = outcomes.filter(Either.isLeft).map((o) => o.left)
      expect(wins).toHaveLength(1)
      expect(losses).toHaveLength(racers - 1)
      for (const loss of losses)
        expect(loss).toMatchObject({ _tag: "TransitionConflict", code: "invalid_transition" })
      expect(yield* claimsOf(team.tenant_id, story)).toBe(1)
    }
  })

/** Agents drain a queue of contracted stories in parallel: each story is claimed exactly once. */
const drainQueue = (agentCount: number, storyCount: number) =>
  Effect.gen(function* () {
    const team = makeTeam(90)
    const { project, stories } = yield* seedStories(team, "drain", storyCount)
    const lifecycle = yield* StoryLifecycle
    const projectPlanning = yield* ProjectPlanning
    const storyPlanning = yield* StoryPlanning
    yield* Effect.forEach(
      stories,
      (story) => performAs(team.orchestrator, StoryActions.contract)(lifecycle.contract(story, {})),
      {
        concurrency: 8,
      },
    )
    const agents = agentsOf(team.tenant_id, agentCount, 90_000)
    const claimed = new Map<StoryId, Array<string>>()
    const worker = (agent: Actor, index: number) =>
      Effect.gen(function* () {
        // Each agent walks the queue from its own offset, as independent agents would.
        for (let round = 0; round < storyCount; round++) {
          const story = stories[(index * 7 + round) % storyCount]
          if (story === undefined) continue
          const outcome = yield* Effect.either(performAs(agent, StoryActions.claim)(lifecycle.claim(story)))
          if (Either.isRight(outcome)) claimed.set(story, [...(claimed.get(story) ?? []), agent.key_name])
        }
      })
    yield* Effect.forEach(agents, worker, { concurrency: "unbounded", discard: true })
    expect([...claimed.values()].every((winners) => winners.length === 1)).toBe(true)
    expect(claimed.size).toBe(storyCount)
    const page = yield* projectPlanning
      .listProjects({ status: "any" }, { page: 1, page_size: 10 })
      .pipe(performAs(team.user, WorkActions.listProjects))
    expect(page.data.map((p) => p.id)).toContain(project.id)
    const all = yield* Effect.forEach(
      stories,
      (id) => storyPlanning.getStory(id).pipe(performAs(team.user, WorkActions.readStory)),
      {
        concurrency: 8,
      },
    )
    expect(all.every((s) => s.agent_status === "assigned" && s.assigned_agent_id !== null)).toBe(true)
  })

/** The last two stories of an epic verified at the same instant: the epic completes exactly once. */
const raceToCompleteAnEpic = (round: number) =>
  Effect.gen(function* () {
    const team = makeTeam(200 + round)
    const { stories } = yield* seedStories(team, `complete-${round}`, 2)
    const lifecycle = yield* StoryLifecycle
    const verification = yield* Verification
    for (const story of stories) {
      yield* performAs(team.orchestrator, StoryActions.contract)(lifecycle.contract(story, {}))
      yield* performAs(team.implementer, StoryActions.claim)(lifecycle.claim(story))
      yield* performAs(team.implementer, StoryActions.start)(lifecycle.start(story))
      yield* performAs(team.reviewer, StoryActions.report)(lifecycle.report(story))
      yield* performAs(
        team.bystander,
        StoryActions.reviewComplete,
      )(lifecycle.reviewComplete(story, { review_type: "team" }))
    }
    const gate = yield* Deferred.make<void>()
    const racing = yield* Effect.fork(
      Effect.forEach(
        stories,
        (story) =>
          Effect.zipRight(
            Deferred.await(gate),
            performAs(
              team.orchestrator,
              StoryActions.verify,
            )(verification.verify(story, { review_type: "team", summary: "ok" })),
          ),
        { concurrency: "unbounded" },
      ),
    )
    yield* Deferred.succeed(gate, undefined)
    yield* Fiber.join(racing)
    const completions = yield* Effect.flatMap(UnitOfWork, (uow) =>
      uow.transact(
        team.tenant_id,
        Effect.flatMap(AuditLog, (log) =>
          log.list({ entity_type: "epic", action: "completed" }, { page: 1, page_size: 10 }),
        ),
      ),
    )
    expect(completions.total_count).toBe(1)
  })

describe.skipIf(databaseUrl === undefined)(postgresTitle("concurrency on Postgres"), () => {
  if (databaseUrl === undefined) return
  const app = LoopctlServices.pipe(
    Layer.provideMerge(SqlPorts),
    Layer.provideMerge(postgresBackend(databaseUrl, { maxConnections: 70 })),
  )
  layer(app, { timeout: 240_000 })("claims", (it) => {
    for (const [racers, rounds] of [
      [2, 25],
      [8, 15],
      [32, 8],
      [64, 5],
    ] as const) {
      it.effect(
        `${racers} parallel claims of one story, ${rounds} times: exactly one succeeds, one audit entry`,
        () => raceForOneStory(30 + racers, racers, rounds),
      )
    }
    it.effect("20 agents draining 200 stories: none claimed twice, none lost", () => drainQueue(20, 200))
    it.effect("an epic whose last two stories are verified at once completes exactly once (10 rounds)", () =>
      Effect.forEach(
        Array.from({ length: 10 }, (_, i) => i),
        raceToCompleteAnEpic,
        { discard: true },
      ),
    )
  })
})
