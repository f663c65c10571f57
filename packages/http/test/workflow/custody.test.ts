import { describe, expect, layer } from "@effect/vitest"
import { StoryId, StoryPlanning, WorkActions } from "@loopctl/core"
import { Effect, Layer } from "effect"
import { performAs } from "../../../core/test/fixtures/perform-as.js"
import { backends, call } from "../support/identity-support.js"
import { aTeamForTheFile } from "../support/mothers.js"
import { collectLogs, realServer } from "../support/support.js"
import {
  type Team,
  act,
  actorOf,
  advance,
  auditActions,
  errorOf,
  expectStatus,
  plan,
  record,
  storyOf,
} from "../support/workflow-support.js"

/**
 * Custody over HTTP, black-box on the real server (D22, D23): an agent that claimed a story and
 * let it go — by unclaim, force-unclaim or a reject's auto-reset — is still its implementer at
 * every identity gate, for its agent key and for an orchestrator key linked to the same agent;
 * backfill is the linked orchestrator's; work an agent holds is never marked done past its
 * review chain. Every refusal writes nothing.
 */

const evidence = { review_type: "team", summary: "checked" }
const backfillBody = { reason: "Shipped before loopctl", pr_number: 7 }

const bulk = (key: string, action: string, body: unknown) =>
  call("POST", `/api/v1/stories/bulk/${action}`, { key, body })

const verifyAll = (key: string, epic: string) =>
  call("POST", `/api/v1/epics/${epic}/verify-all`, { key, body: evidence })

/** Each bulk item's outcome by story id: "success", or its code. */
const outcomes = (body: unknown) => {
  const results = record(body).results
  if (!Array.isArray(results)) throw new Error("no results")
  return Object.fromEntries(
    results
      .map(record)
      .map((r) => [String(r.story_id), r.status === "success" ? "success" : String(r.code ?? r.reason)]),
  )
}

const stored = (t: Team, id: string) =>
  Effect.flatMap(actorOf(t.userKey), (user) =>
    Effect.flatMap(StoryPlanning, (storyPlanning) =>
      storyPlanning.getStory(StoryId.make(id)).pipe(performAs(user, WorkActions.readStory)),
    ),
  ).pipe(Effect.orDie)

/** The implementer (agent A) contracts, claims and starts the story, then lets go of it. */
const claimAndRelease = (t: Team, id: string, how: "unclaim" | "force-unclaim") =>
  Effect.gen(function* () {
    yield* advance(t, id, "implementing")
    const release =
      how === "unclaim" ? yield* act(t.implementerKey, id, "unclaim") : yield* act(t.orchestratorKey, id, how)
    expectStatus(release, 200, how)
    expect(storyOf(release)).toMatchObject({ agent_status: "pending", assigned_agent_id: null })
  })

for (const { name, database } of backends) {
  const server = realServer(database).pipe(Layer.provide(collectLogs([])))
  const tenant = aTeamForTheFile("custody")

  layer(server, { timeout: 180_000, excludeTestServices: true })(`custody on ${name}`, (it) => {
    describe("the claim history (D22)", () => {
      it.effect(
        "after unclaim or force-unclaim, the implementer's orchestrator can neither backfill nor mark complete",
        () =>
          Effect.gen(function* () {
            const t = yield* tenant
            const p = yield* plan(t, [{ number: 1, stories: [{ number: "1.1" }, { number: "1.2" }] }])
            const [unclaimed, forced] = [p.story("1.1"), p.story("1.2")]
            yield* claimAndRelease(t, unclaimed, "unclaim")
            yield* claimAndRelease(t, forced, "force-unclaim")
            for (const id of [unclaimed, forced]) {
              const before = yield* auditActions(t, id)
              const backfilled = yield* act(t.selfOrchestratorKey, id, "backfill", backfillBody)
              expect(backfilled.status).toBe(409)
              expect(errorOf(backfilled)).toMatchObject({
                status: 409,
                code: "self_verify_blocked",
                attempted_action: "backfill",
              })
              const marked = yield* bulk(t.selfOrchestratorKey, "mark-complete", {
                stories: [{ story_id: id }],
              })
              expect(marked.status).toBe(422)
              expect(outcomes(marked.body)).toEqual({ [id]: "self_verify_blocked" })
              expect(yield* stored(t, id)).toMatchObject({
                agent_status: "pending",
                verified_status: "unverified",
                claimed_by_agent_ids: [t.implementerAgentId],
              })
              expect(yield* auditActions(t, id)).toEqual(before)
            }
          }),
      )

      it.effect(
        "a released implementer cannot report, review, verify, bulk-verify, verify-all or reject the next holder's work",
        () =>
          Effect.gen(function* () {
            const t = yield* tenant
            const p = yield* plan(t, [{ number: 1, stories: [{ number: "1.1" }] }])
            const id = p.story("1.1")
            yield* claimAndRelease(t, id, "unclaim")
            // B takes the story up; A (the first claimant) is not its holder any more.
            expectStatus(yield* act(t.orchestratorKey, id, "contract", {}), 200, "contract")
            expectStatus(yield* act(t.otherKey, id, "claim"), 200, "claim by B")
            expectStatus(yield* act(t.otherKey, id, "start"), 200, "start by B")
            const ownReport = yield* act(t.implementerKey, id, "report", {})
            expect(ownReport.status).toBe(409)
            expect(errorOf(ownReport)).toMatchObject({ code: "self_report_blocked" })
            expect(errorOf(yield* act(t.selfOrchestratorKey, id, "report", {}))).toMatchObject({
              code: "self_report_blocked",
            })
            expect((yield* stored(t, id)).agent_status).toBe("implementing")

            // Someone who never claimed it reports it; A's keys still may not review or judge it.
            expectStatus(yield* act(t.orchestratorKey, id, "report", {}), 200, "report by the orchestrator")
            for (const key of [t.implementerKey, t.selfOrchestratorKey]) {
              const review = yield* act(key, id, "review-complete", { review_type: "team" })
              expect(review.status).toBe(409)
              expect(errorOf(review)).toMatchObject({ code: "self_review_blocked" })
            }
            expectStatus(
              yield* act(t.orchestratorKey, id, "review-complete", { review_type: "team" }),
              201,
              "review by the orchestrator",
            )
            const verify = yield* act(t.selfOrchestratorKey, id, "verify", evidence)
            expect(verify.status).toBe(409)
            expect(errorOf(verify)).toMatchObject({ code: "self_verify_blocked", attempted_action: "verify" })
            const bulkVerify = yield* bulk(t.selfOrchestratorKey, "verify", { stories: [{ story_id: id }] })
            expect(bulkVerify.status).toBe(422)
            expect(outcomes(bulkVerify.body)).toEqual({ [id]: "self_verify_blocked" })
            const all = yield* verifyAll(t.selfOrchestratorKey, p.epic(1))
            expect(record(all.body)).toMatchObject({
              verified_count: 0,
              errors: [{ story_id: id, reason: "self_verify_blocked" }],
            })
            expect(errorOf(yield* act(t.selfOrchestratorKey, id, "reject", { reason: "no" }))).toMatchObject({
              code: "self_verify_blocked",
            })
            expect(yield* stored(t, id)).toMatchObject({
              agent_status: "reported_done",
              verified_status: "unverified",
              assigned_agent_id: t.otherAgentId,
              claimed_by_agent_ids: [t.implementerAgentId, t.otherAgentId],
            })
            // The independent orchestrator still verifies it.
            expectStatus(yield* act(t.orchestratorKey, id, "verify", evidence), 200, "verify")
          }),
      )

      it.effect("a reject's auto-reset keeps the implementer out of the reworked story's report", () =>
        Effect.gen(function* () {
          const t = yield* tenant
          const p = yield* plan(t, [{ number: 1, stories: [{ number: "1.1" }] }])
          const id = p.story("1.1")
          yield* advance(t, id, "rejected")
          expect(yield* stored(t, id)).toMatchObject({
            agent_status: "pending",
            verified_status: "rejected",
            assigned_agent_id: null,
            claimed_by_agent_ids: [t.implementerAgentId],
          })
          expectStatus(yield* act(t.orchestratorKey, id, "contract", {}), 200, "contract")
          expectStatus(yield* act(t.otherKey, id, "claim"), 200, "claim by B")
          expectStatus(yield* act(t.otherKey, id, "start"), 200, "start by B")
          const report = yield* act(t.implementerKey, id, "report", {})
          expect(report.status).toBe(409)
          expect(errorOf(report)).toMatchObject({ code: "self_report_blocked" })
          // The history is on the story as the API shows it (additive).
          const shown = yield* call("GET", `/api/v1/stories/${id}`, { key: t.userKey })
          expect(JSON.stringify(shown.body)).toContain(JSON.stringify([t.implementerAgentId, t.otherAgentId]))
        }),
      )
    })

    describe("backfill and mark-complete (D23)", () => {
      it.effect(
        "backfill is exact orchestrator with a linked agent: a user key 403, an unlinked key 400",
        () =>
          Effect.gen(function* () {
            const t = yield* tenant
            const p = yield* plan(t, [{ number: 1, stories: [{ number: "1.1" }] }])
            const id = p.story("1.1")
            expect(errorOf(yield* act(t.userKey, id, "backfill", backfillBody))).toEqual({
              status: 403,
              message: "This endpoint requires the orchestrator role",
            })
            expect(
              errorOf(yield* act(t.unlinkedOrchestratorKey, id, "backfill", backfillBody)),
            ).toMatchObject({
              status: 400,
              message: expect.stringContaining("must be linked to a registered agent"),
            })
            expect(yield* stored(t, id)).toMatchObject({
              agent_status: "pending",
              verified_status: "unverified",
            })
            expect(yield* auditActions(t, id)).toEqual([])
            expectStatus(yield* act(t.orchestratorKey, id, "backfill", backfillBody), 200, "backfill")
          }),
      )

      it.effect(
        "work another agent holds is refused per item with 409 story_in_progress; the rest proceed",
        () =>
          Effect.gen(function* () {
            const t = yield* tenant
            const p = yield* plan(t, [
              { number: 1, stories: ["1.1", "1.2", "1.3", "1.4"].map((number) => ({ number })) },
            ])
            const [assigned, implementing, reported, open] = [
              p.story("1.1"),
              p.story("1.2"),
              p.story("1.3"),
              p.story("1.4"),
            ]
            yield* advance(t, assigned, "assigned")
            yield* advance(t, implementing, "implementing")
            yield* advance(t, reported, "reported_done")
            const held = [
              [assigned, "assigned"],
              [implementing, "implementing"],
              [reported, "reported_done"],
            ] as const
            const marked = yield* bulk(t.orchestratorKey, "mark-complete", {
              stories: [assigned, implementing, reported, open].map((story_id) => ({ story_id })),
            })
            expect(marked.status).toBe(200)
            expect(outcomes(marked.body)).toEqual({
              [assigned]: "story_in_progress",
              [implementing]: "story_in_progress",
              [reported]: "story_in_progress",
              [open]: "success",
            })
            for (const [id, state] of held) {
              expect(yield* stored(t, id)).toMatchObject({
                agent_status: state,
                verified_status: "unverified",
              })
              expect(yield* auditActions(t, id)).not.toContain("story/mark_complete")
              const backfilled = yield* act(t.orchestratorKey, id, "backfill", backfillBody)
              expect(backfilled.status).toBe(409)
              // D12: the whole transition 409.
              expect(errorOf(backfilled)).toEqual({
                status: 409,
                code: "story_in_progress",
                message: expect.stringContaining("Cannot backfill"),
                current_state: state,
                attempted_action: "backfill",
                hints: [expect.stringContaining("POST /stories/:id/review-complete")],
                context: {
                  current_agent_status: state,
                  current_verified_status: "unverified",
                  attempted_action: "backfill",
                },
              })
              expect(yield* auditActions(t, id)).not.toContain("story/backfilled")
            }
            // The refusal comes after the identity gate: the holder's own orchestrator is told so.
            const own = yield* bulk(t.selfOrchestratorKey, "mark-complete", {
              stories: [{ story_id: implementing }],
            })
            expect(outcomes(own.body)).toEqual({ [implementing]: "self_verify_blocked" })
          }),
      )
    })
  })
}
