import * as SqlClient from "@effect/sql/SqlClient"
import { expect, layer } from "@effect/vitest"
import { DatabaseAccess } from "@loopctl/adapters-pg"
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
import { type Answer, collectLogs, realServer } from "../support/support.js"

/**
 * The seed README's "Typical Agent Workflow", end to end over HTTP with three agents: a tenant's
 * user creates a project and imports an epic of three stories (the later ones depending on the
 * earlier), then for each story in readiness order the implementer contracts, claims, starts and
 * requests review; a different agent (the reviewer) reports and completes the review; the
 * orchestrator verifies. Every status on the way, every refusal of the chain of custody, the
 * events in the outbox and the audit entries are checked, up to `epic.completed`.
 */

const Story = Schema.Struct({
  id: Schema.String,
  number: Schema.String,
  title: Schema.String,
  agent_status: Schema.String,
  verified_status: Schema.String,
  assigned_agent_id: Schema.NullOr(Schema.String),
  reported_by_agent_id: Schema.NullOr(Schema.String),
  acceptance_criteria: Schema.Array(Schema.Unknown),
})
const StoryBody = Schema.Struct({ story: Story })
const StoryList = Schema.Struct({ data: Schema.Array(Story) })
const NumberList = Schema.Struct({ data: Schema.Array(Schema.Struct({ number: Schema.String })) })

/** The events the tenant's outbox holds, oldest first: type and the story or epic they name. */
const eventsOf = (tenantId: string) =>
  Effect.gen(function* () {
    const sql = yield* SqlClient.SqlClient
    const database = yield* DatabaseAccess
    return yield* database.asOwner(
      sql<{ readonly event_type: string; readonly subject: string | null }>`
        SELECT event_type, coalesce(payload->>'story_id', payload->>'epic_id') AS subject
        FROM outbox WHERE tenant_id = ${tenantId} ORDER BY occurred_at, id`,
    )
  }).pipe(Effect.orDie)

for (const { name, database } of backends) {
  const server = realServer(database).pipe(Layer.provide(collectLogs([])))

  layer(server, { timeout: 120_000, excludeTestServices: true })(`the README workflow on ${name}`, (it) => {
    it.effect("import → three stories verified by three agents → epic.completed", () =>
      Effect.gen(function* () {
        // Setup: the tenant (the superadmin's non-browser path), its project and import.
        const tenant = yield* provisionTenant("workflow")
        const user = tenant.userKey
        const created = yield* call("POST", "/api/v1/projects", {
          key: user,
          body: { name: "Workflow", slug: uniqueSlug("wf"), description: "README walk" },
        })
        expect(created.status).toBe(201)
        const projectId = read(Schema.Struct({ project: Schema.Struct({ id: Schema.String }) }), created)
          .project.id

        const criteria = (n: number) =>
          Array.from({ length: n }, (_, i) => ({ id: `AC-${i + 1}`, description: `criterion ${i + 1}` }))
        const imported = yield* call("POST", `/api/v1/projects/${projectId}/import`, {
          key: user,
          body: {
            epics: [
              {
                number: 1,
                title: "Authentication",
                stories: [
                  { number: "1.1", title: "Sign-in form", acceptance_criteria: criteria(2) },
                  { number: "1.2", title: "Session cookie", acceptance_criteria: criteria(3) },
                  { number: "1.3", title: "Sign-out", acceptance_criteria: criteria(1) },
                ],
              },
            ],
            story_dependencies: [
              { story: "1.2", depends_on: "1.1" },
              { story: "1.3", depends_on: "1.2" },
            ],
          },
        })
        expect(imported.status, imported.text).toBe(201)

        // Three agents: the implementer, a reviewer, and the orchestrator with its linked key.
        const implementerKey = (yield* issueKey(user, { name: "implementer", role: "agent" })).raw
        const implementerId = yield* registerAgent(implementerKey, "implementer", "implementer")
        const reviewerKey = (yield* issueKey(user, { name: "reviewer", role: "agent" })).raw
        const reviewerId = yield* registerAgent(reviewerKey, "reviewer", "implementer")
        const bootstrap = (yield* issueKey(user, { name: "orchestrator-agent", role: "agent" })).raw
        const orchestratorAgentId = yield* registerAgent(bootstrap, "orchestrator", "orchestrator")
        const orchestratorKey = (yield* issueKey(user, {
          name: "orchestrator",
          role: "orchestrator",
          agent_id: orchestratorAgentId,
        })).raw

        const post = (key: string, path: string, body: unknown = {}) =>
          call("POST", `/api/v1/stories/${path}`, { key, body })
        const ready = Effect.map(
          call("GET", `/api/v1/stories/ready?project_id=${projectId}`, { key: implementerKey }),
          (answer) => read(NumberList, answer).data.map((story) => story.number),
        )

        const expectStory = (answer: Answer, status: number, fields: Partial<typeof Story.Type>) => {
          expect(answer.status, answer.text).toBe(status)
          expect(read(StoryBody, answer).story).toMatchObject(fields)
        }

        for (const number of ["1.1", "1.2", "1.3"]) {
          // 5. Only the story whose prerequisites are verified is ready.
          expect(yield* ready).toEqual([number])
          const story = (yield* Effect.map(
            call("GET", `/api/v1/stories?project_id=${projectId}`, { key: implementerKey }),
            (answer) => read(StoryList, answer).data,
          )).find((s) => s.number === number)
          if (story === undefined) throw new Error(`story ${number} is not listed`)
          const id = story.id

          // 6–9. The implementer: contract (echoing title and AC count), claim, start, request review.
          const wrongContract = yield* post(implementerKey, `${id}/contract`, {
            story_title: story.title,
            ac_count: story.acceptance_criteria.length + 1,
          })
          expect(wrongContract.status).toBe(422)
          expectStory(
            yield* post(implementerKey, `${id}/contract`, {
              story_title: story.title,
              ac_count: story.acceptance_criteria.length,
            }),
            200,
            { agent_status: "contracted" },
          )
          expectStory(yield* post(implementerKey, `${id}/claim`), 200, {
            agent_status: "assigned",
            assigned_agent_id: implementerId,
          })
          expectStory(yield* post(implementerKey, `${id}/start-work`), 200, { agent_status: "implementing" })
          expectStory(yield* post(implementerKey, `${id}/request-review`), 200, {
            agent_status: "implementing",
          })
          // The orchestrator cannot claim or start; the implementer cannot verify.
          expect((yield* post(orchestratorKey, `${id}/start`)).status).toBe(403)
          expect(
            (yield* post(implementerKey, `${id}/verify`, { review_type: "x", summary: "y" })).status,
          ).toBe(403)

          // 10–11. Nobody marks their own work as done: the implementer is refused, the reviewer is not.
          const selfReport = yield* post(implementerKey, `${id}/report`)
          expect(selfReport.status).toBe(409)
          expect(selfReport.body).toMatchObject({ error: { status: 409, code: "self_report_blocked" } })
          expectStory(yield* post(reviewerKey, `${id}/report`), 200, {
            agent_status: "reported_done",
            verified_status: "unverified",
            reported_by_agent_id: reviewerId,
          })
          const selfReview = yield* post(implementerKey, `${id}/review-complete`, {
            review_type: "code_review",
            findings_count: 0,
          })
          expect(selfReview.status).toBe(409)
          expect(selfReview.body).toMatchObject({ error: { code: "self_review_blocked" } })
          const review = yield* post(reviewerKey, `${id}/review-complete`, {
            review_type: "code_review",
            findings_count: 0,
            summary: "looks right",
          })
          expect(review.status, review.text).toBe(201)

          // 12. The orchestrator verifies (review_type and summary required).
          const bare = yield* post(orchestratorKey, `${id}/verify`, {})
          expect(bare.status).toBe(422)
          expectStory(
            yield* post(orchestratorKey, `${id}/verify`, { review_type: "code_review", summary: "verified" }),
            200,
            { agent_status: "reported_done", verified_status: "verified", assigned_agent_id: implementerId },
          )
          const again = yield* post(orchestratorKey, `${id}/verify`, {
            review_type: "code_review",
            summary: "x",
          })
          expect(again.status).toBe(409)
        }
        expect(yield* ready).toEqual([])

        // The events, in order: per story four status changes, the review request, the review, the
        // verification; after the last story, the epic's completion — exactly once.
        const events = yield* eventsOf(tenant.id)
        const types = events.map((event) => event.event_type)
        expect(types.filter((type) => type === "project.imported")).toHaveLength(1)
        expect(types.filter((type) => type === "story.status_changed")).toHaveLength(12)
        expect(types.filter((type) => type === "story.review_requested")).toHaveLength(3)
        expect(types.filter((type) => type === "story.review_completed")).toHaveLength(3)
        expect(types.filter((type) => type === "story.verified")).toHaveLength(3)
        expect(types.filter((type) => type === "epic.completed")).toHaveLength(1)
        expect(types[types.length - 1]).toBe("epic.completed")
        const perStory = events
          .filter((event) => event.event_type.startsWith("story."))
          .slice(0, 7)
          .map((event) => event.event_type)
        expect(perStory).toEqual([
          "story.status_changed",
          "story.status_changed",
          "story.status_changed",
          "story.review_requested",
          "story.status_changed",
          "story.review_completed",
          "story.verified",
        ])

        // The audit trail: each story's history, and the epic's completion.
        const stories = read(
          StoryList,
          yield* call("GET", `/api/v1/stories?project_id=${projectId}`, { key: user }),
        ).data
        for (const story of stories) {
          const history = yield* call("GET", `/api/v1/stories/${story.id}/history`, { key: user })
          const actions = read(
            Schema.Struct({ data: Schema.Array(Schema.Struct({ action: Schema.String })) }),
            history,
          ).data.map((entry) => entry.action)
          expect(actions.filter((action) => action === "status_changed")).toHaveLength(4)
          expect(actions.filter((action) => action === "verified")).toHaveLength(1)
        }
        const completion = yield* call("GET", "/api/v1/audit?entity_type=epic&action=completed", {
          key: user,
        })
        expect(read(Schema.Struct({ data: Schema.Array(Schema.Unknown) }), completion).data).toHaveLength(1)
        const epic = yield* call("GET", `/api/v1/projects/${projectId}/progress`, { key: user })
        expect(epic.status, epic.text).toBe(200)
      }),
    )
  })
}
