import { expect, layer } from "@effect/vitest"
import { Effect, Layer, Schema } from "effect"
import {
  backends,
  call,
  issueKey,
  provisionTenant,
  read,
  registerAgent,
  uniqueSlug,
} from "../support/identity-support.js"
import { collectLogs, realServer } from "../support/support.js"

/**
 * 32 agents drain one project's ready queue at the same time over HTTP, each doing what an agent
 * does: read the queue, pick a story at random, contract it and claim it. Many pick the same
 * story; whatever the interleaving, every story ends claimed by exactly one agent, the one whose
 * claim was answered 200, and the audit trail holds one claim per story.
 */

const agents = 32
const storyCount = 24

const Ready = Schema.Struct({
  data: Schema.Array(Schema.Struct({ id: Schema.String, title: Schema.String })),
})
const Claimed = Schema.Struct({
  story: Schema.Struct({ id: Schema.String, assigned_agent_id: Schema.String }),
})
const Listed = Schema.Struct({
  data: Schema.Array(
    Schema.Struct({
      id: Schema.String,
      agent_status: Schema.String,
      assigned_agent_id: Schema.NullOr(Schema.String),
    }),
  ),
})

for (const { name, database } of backends) {
  const server = realServer(database).pipe(Layer.provide(collectLogs([])))

  layer(server, { timeout: 180_000, excludeTestServices: true })(`the claim race on ${name}`, (it) => {
    it.effect(
      `${agents} agents race for ${storyCount} stories; no story is claimed twice`,
      () =>
        Effect.gen(function* () {
          const tenant = yield* provisionTenant("race", { rate_limit_requests_per_minute: 100_000 })
          const user = tenant.userKey
          const project = yield* call("POST", "/api/v1/projects", {
            key: user,
            body: { name: "Race", slug: uniqueSlug("race") },
          })
          const projectId = read(Schema.Struct({ project: Schema.Struct({ id: Schema.String }) }), project)
            .project.id
          const stories = Array.from({ length: storyCount }, (_, i) => ({
            number: `1.${i + 1}`,
            title: `Story ${i + 1}`,
            acceptance_criteria: [{ id: "AC-1", description: "done" }],
          }))
          const imported = yield* call("POST", `/api/v1/projects/${projectId}/import`, {
            key: user,
            body: { epics: [{ number: 1, title: "Race", stories }] },
          })
          expect(imported.status, imported.text).toBe(201)

          const team = yield* Effect.forEach(
            Array.from({ length: agents }, (_, i) => `agent-${i + 1}`),
            (agentName) =>
              Effect.gen(function* () {
                const key = (yield* issueKey(user, { name: agentName, role: "agent" })).raw
                const id = yield* registerAgent(key, agentName, "implementer")
                return { key, id }
              }),
            { concurrency: 8 },
          )

          /** One agent: until the queue is empty, pick a ready story at random, contract it, claim it. */
          const work = (agent: { readonly key: string; readonly id: string }) =>
            Effect.gen(function* () {
              const won: Array<string> = []
              for (;;) {
                const queue = yield* call("GET", `/api/v1/stories/ready?project_id=${projectId}`, {
                  key: agent.key,
                })
                expect(queue.status).toBe(200)
                const ready = read(Ready, queue).data
                const pick = ready[Math.floor(Math.random() * ready.length)]
                if (pick === undefined) return won
                const contract = yield* call("POST", `/api/v1/stories/${pick.id}/contract`, {
                  key: agent.key,
                  body: { story_title: pick.title, ac_count: 1 },
                })
                // Someone else contracted it first: it is theirs to claim, or it is gone.
                expect([200, 409]).toContain(contract.status)
                const claim = yield* call("POST", `/api/v1/stories/${pick.id}/claim`, { key: agent.key })
                expect([200, 409], claim.text).toContain(claim.status)
                if (claim.status === 200) {
                  expect(read(Claimed, claim).story.assigned_agent_id).toBe(agent.id)
                  won.push(pick.id)
                }
              }
            })

          const results = yield* Effect.forEach(team, work, { concurrency: "unbounded" })
          const wins = results.flat()
          // Each story was won exactly once, and every story was won.
          expect(new Set(wins).size).toBe(wins.length)
          expect(wins).toHaveLength(storyCount)

          const listed = read(
            Listed,
            yield* call("GET", `/api/v1/stories?project_id=${projectId}&limit=500`, { key: user }),
          ).data
          expect(listed).toHaveLength(storyCount)
          const winnerOf = new Map(
            results.flatMap((storyIds, i) => storyIds.map((storyId) => [storyId, team[i]?.id] as const)),
          )
          for (const story of listed) {
            expect(story.agent_status).toBe("assigned")
            expect(story.assigned_agent_id).toBe(winnerOf.get(story.id))
          }

          // One claim per story in the audit trail (the status change to "assigned").
          const audit = yield* call(
            "GET",
            `/api/v1/audit?project_id=${projectId}&entity_type=story&action=status_changed&page_size=100`,
            { key: user },
          )
          const entries = read(
            Schema.Struct({
              data: Schema.Array(
                Schema.Struct({
                  entity_id: Schema.String,
                  new_state: Schema.NullOr(Schema.Struct({ agent_status: Schema.optional(Schema.String) })),
                }),
              ),
            }),
            audit,
          ).data
          const claims = entries.filter((entry) => entry.new_state?.agent_status === "assigned")
          expect(claims).toHaveLength(storyCount)
          expect(new Set(claims.map((entry) => entry.entity_id)).size).toBe(storyCount)
        }),
      180_000,
    )
  })
}
