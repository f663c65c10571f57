import { describe, expect, layer } from "@effect/vitest"
import { Epic, Forbidden, Project, ReviewRecord, Story, StoryNumber, TransitionConflict } from "@loopctl/core"
import { Effect, Layer } from "effect"
import { backends } from "../support/identity-support.js"
import { collectLogs, realServer } from "../support/support.js"
import { typedClient } from "../support/typed-client-support.js"
import { team } from "../support/workflow-support.js"

/**
 * One story through the loop on the typed client of `@loopctl/api` (`HttpApiClient.make`), the
 * client the CLI and MCP server build on, against the real server: plan the work, then contract,
 * claim, start, report, review-complete and verify, each with the key the trust model wants. The
 * answers decode into the core's classes, and refusals into its typed errors.
 */

for (const { name, database } of backends) {
  const server = realServer(database).pipe(Layer.provide(collectLogs([])))

  layer(server, { timeout: 180_000, excludeTestServices: true })(`the typed client on ${name}`, (it) => {
    describe("drives a story through the loop", () => {
      it.effect(
        "plan → contract → claim → start → report → review-complete → verify; refusals are typed",
        () =>
          Effect.gen(function* () {
            const t = yield* team("typed-loop")
            const user = yield* typedClient(t.userKey)
            const orchestrator = yield* typedClient(t.orchestratorKey)
            const implementer = yield* typedClient(t.implementerKey)
            const reporter = yield* typedClient(t.otherKey)
            const ownOrchestrator = yield* typedClient(t.selfOrchestratorKey)

            // The user plans the work.
            const { project } = yield* user.projects.create({
              payload: { name: "Typed shop", slug: `typed-${t.slug}`.slice(0, 63) },
            })
            expect(project).toBeInstanceOf(Project)
            const { epic } = yield* user.epics.create({
              path: { id: project.id },
              payload: { number: 1, title: "Checkout" },
            })
            expect(epic).toBeInstanceOf(Epic)
            const created = yield* user.stories.create({
              path: { id: epic.id },
              payload: {
                number: StoryNumber.make("1.1"),
                title: "Pay by card",
                acceptance_criteria: [{ id: "AC-1", description: "a card payment succeeds" }],
              },
            })
            expect(created.story).toBeInstanceOf(Story)
            expect(created.story).toMatchObject({ agent_status: "pending", verified_status: "unverified" })
            const path = { id: created.story.id }

            // The implementer takes the story on its terms and works on it.
            const contracted = yield* implementer.lifecycle.contract({
              path,
              payload: { story_title: "Pay by card", ac_count: 1 },
            })
            expect(contracted.story.agent_status).toBe("contracted")
            expect((yield* implementer.lifecycle.claim({ path })).story).toMatchObject({
              agent_status: "assigned",
              assigned_agent_id: t.implementerAgentId,
            })
            expect((yield* implementer.lifecycle.start({ path })).story.agent_status).toBe("implementing")

            // Chain of custody: the implementer may not report its own work; another agent does.
            const selfReport = yield* Effect.flip(implementer.lifecycle.report({ path, payload: {} }))
            expect(selfReport).toBeInstanceOf(TransitionConflict)
            expect(selfReport).toMatchObject({ code: "self_report_blocked" })
            const reported = yield* reporter.lifecycle.report({ path, payload: {} })
            expect(reported.story).toMatchObject({
              agent_status: "reported_done",
              reported_by_agent_id: t.otherAgentId,
            })

            // An independent orchestrator reviews.
            const review = yield* orchestrator.lifecycle.reviewComplete({
              path,
              payload: { review_type: "team", summary: "read the diff" },
            })
            expect(review.review_record).toBeInstanceOf(ReviewRecord)
            expect(review.review_record.story_id).toBe(created.story.id)

            // Only an orchestrator verifies, and never one linked to the implementer.
            const byImplementer = yield* Effect.flip(
              implementer.verification.verify({ path, payload: { review_type: "team", summary: "mine" } }),
            )
            expect(byImplementer).toBeInstanceOf(Forbidden)
            expect(byImplementer).toEqual(
              new Forbidden({ message: "Insufficient permissions. Required role: orchestrator" }),
            )
            const byOwnOrchestrator = yield* Effect.flip(
              ownOrchestrator.verification.verify({
                path,
                payload: { review_type: "team", summary: "mine" },
              }),
            )
            expect(byOwnOrchestrator).toBeInstanceOf(TransitionConflict)
            expect(byOwnOrchestrator).toMatchObject({ code: "self_verify_blocked" })

            const verified = yield* orchestrator.verification.verify({
              path,
              payload: { review_type: "team", summary: "every criterion checked" },
            })
            expect(verified.story).toMatchObject({
              agent_status: "reported_done",
              verified_status: "verified",
            })

            // Read back through the client: the story is done and verified once.
            const shown = yield* user.stories.show({ path })
            expect(shown.story).toMatchObject({ agent_status: "reported_done", verified_status: "verified" })
            const results = yield* orchestrator.verification.verifications({ path, urlParams: {} })
            expect(results.data.map((r) => r.result)).toEqual(["pass"])
          }),
      )
    })
  })
}
