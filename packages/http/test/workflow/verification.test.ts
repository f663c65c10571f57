import { randomUUID } from "node:crypto"
import { describe, expect, layer } from "@effect/vitest"
import { Effect, Layer } from "effect"
import { microsTimestamp } from "../support/answers.js"
import { backends, call } from "../support/identity-support.js"
import { aTeamForTheFile, storedStory } from "../support/mothers.js"
import { collectLogs, realServer } from "../support/support.js"
import {
  type Team,
  act,
  advance,
  auditActions,
  auditOf,
  errorOf,
  eventsAbout,
  eventsOf,
  plan,
  record,
  storyOf,
  team,
  typesOf,
} from "../support/workflow-support.js"

/**
 * Independent verification over HTTP, black-box on the real server: verify, reject (with and
 * without auto-reset), force-unclaim, backfill, the verification list, verify-all and the
 * once-only epic completion.
 */

const evidence = { review_type: "enhanced_review", summary: "checked every criterion" }
const linkRequired = {
  status: 400,
  message:
    "Orchestrator API key must be linked to a registered agent. Register an agent and create the key with its agent_id.",
}

/** The verification results of a story, newest first. */
const resultsOf = (t: Team, id: string, query = "") =>
  Effect.map(
    call("GET", `/api/v1/stories/${id}/verifications${query}`, { key: t.orchestratorKey }),
    (answer) => record(answer.body),
  )

const rows = (body: Record<string, unknown>) => {
  const data = body.data
  if (!Array.isArray(data)) throw new Error("no data")
  return data.map(record)
}

for (const { name, database } of backends) {
  const server = realServer(database).pipe(Layer.provide(collectLogs([])))
  const tenant = aTeamForTheFile("verification")

  layer(server, { timeout: 180_000, excludeTestServices: true })(`verification on ${name}`, (it) => {
    describe("POST /stories/:id/verify", () => {
      it.effect(
        "verifies a reviewed story: the story, a pass result by the caller's agent, audit and event",
        () =>
          Effect.gen(function* () {
            const t = yield* tenant
            const p = yield* plan(t, [
              { number: 1, stories: [{ number: "1.1" }, { number: "1.2" }, { number: "1.3" }] },
            ])
            const id = p.story("1.1")
            yield* advance(t, id, "reviewed")
            const verified = yield* act(t.orchestratorKey, id, "verify", {
              ...evidence,
              findings: { checked: 3 },
            })
            expect(verified.status).toBe(200)
            expect(storyOf(verified)).toMatchObject({
              verified_status: "verified",
              verified_at: expect.stringMatching(microsTimestamp),
              rejected_at: null,
              rejection_reason: null,
            })
            expect(record(verified.body).next_actions).toEqual([])
            const results = yield* resultsOf(t, id)
            expect(rows(results)).toEqual([
              {
                id: expect.any(String),
                tenant_id: t.id,
                story_id: id,
                orchestrator_agent_id: t.orchestratorAgentId,
                result: "pass",
                summary: evidence.summary,
                findings: { checked: 3 },
                review_type: "enhanced_review",
                iteration: 1,
                inserted_at: expect.stringMatching(microsTimestamp),
                updated_at: expect.stringMatching(microsTimestamp),
              },
            ])
            expect((yield* auditActions(t, id)).at(-1)).toBe("story/verified")
            expect((yield* auditOf(t, id)).at(-1)?.new_state).toMatchObject({
              verified_status: "verified",
              orchestrator_agent_id: t.orchestratorAgentId,
            })
            expect((yield* eventsAbout(t, id)).filter((e) => e.event === "story.verified")).toHaveLength(1)

            // result "partial" is kept; a value outside pass/partial is refused (D26), not read as pass.
            const partial = p.story("1.2")
            yield* advance(t, partial, "reviewed")
            expect(
              (yield* act(t.orchestratorKey, partial, "verify", { ...evidence, result: "partial" })).status,
            ).toBe(200)
            expect(rows(yield* resultsOf(t, partial))[0]).toMatchObject({ result: "partial" })
            const failed = p.story("1.3")
            yield* advance(t, failed, "reviewed")
            const refused = yield* act(t.orchestratorKey, failed, "verify", { ...evidence, result: "fail" })
            expect(refused.status).toBe(422)
            expect(record(record(refused.body).error).details).toMatchObject({
              result: [expect.stringContaining("pass, partial")],
            })
            expect(rows(yield* resultsOf(t, failed))).toEqual([])
          }),
      )

      it.effect(
        "refuses: no review, a review older than the report, missing evidence, wrong states, self",
        () =>
          Effect.gen(function* () {
            const t = yield* tenant
            const p = yield* plan(t, [
              { number: 1, stories: ["1.1", "1.2", "1.3", "1.4", "1.5"].map((number) => ({ number })) },
            ])
            const [unreviewed, stale, implementing, verified, reviewed] = [
              p.story("1.1"),
              p.story("1.2"),
              p.story("1.3"),
              p.story("1.4"),
              p.story("1.5"),
            ]
            yield* advance(t, unreviewed, "reported_done")
            yield* advance(t, stale, "reported_done")
            expect(
              (yield* act(t.orchestratorKey, stale, "review-complete", {
                review_type: "team",
                completed_at: "2020-01-01T00:00:00Z",
              })).status,
            ).toBe(201)
            yield* advance(t, implementing, "implementing")
            yield* advance(t, verified, "verified")
            yield* advance(t, reviewed, "reviewed")
            const noReview = {
              status: 422,
              code: "review_not_conducted",
              message: expect.stringContaining("POST /stories/:id/review-complete"),
            }
            const cases: ReadonlyArray<readonly [string, string, unknown, Record<string, unknown>]> = [
              [t.orchestratorKey, unreviewed, evidence, noReview],
              [t.orchestratorKey, stale, evidence, noReview],
              [
                t.orchestratorKey,
                reviewed,
                {},
                {
                  status: 422,
                  message: expect.stringContaining("Review evidence required"),
                  details: { review_type: ["can't be blank"], summary: ["can't be blank"] },
                },
              ],
              [
                t.orchestratorKey,
                reviewed,
                { ...evidence, summary: "   " },
                { status: 422, details: { summary: ["can't be blank"] } },
              ],
              [
                t.orchestratorKey,
                reviewed,
                { ...evidence, findings: ["not", "an", "object"] },
                {
                  status: 422,
                  message: "Validation failed",
                  details: { findings: ["must be a JSON object"] },
                },
              ],
              [
                t.orchestratorKey,
                implementing,
                evidence,
                {
                  status: 409,
                  code: "invalid_transition",
                  current_state: "implementing",
                  attempted_action: "verify",
                  context: {
                    current_agent_status: "implementing",
                    current_verified_status: "unverified",
                    attempted_action: "verify",
                  },
                },
              ],
              [
                t.orchestratorKey,
                verified,
                evidence,
                { status: 409, code: "already_verified", hints: ["Story is already verified"] },
              ],
              // The self check comes first: the caller's own story refuses in any state.
              ...[reviewed, implementing, verified].map(
                (id) =>
                  [
                    t.selfOrchestratorKey,
                    id,
                    evidence,
                    {
                      status: 409,
                      code: "self_verify_blocked",
                      message: expect.stringContaining("Cannot verify your own implementation"),
                      remediation: { learn_more: "https://loopctl.com/wiki/self-verify-blocked" },
                    },
                  ] as const,
              ),
              [t.unlinkedOrchestratorKey, reviewed, evidence, linkRequired],
            ]
            for (const [key, id, body, expected] of cases) {
              const answer = yield* act(key, id, "verify", body)
              expect(answer.status, JSON.stringify(expected)).toBe(expected.status)
              expect(errorOf(answer)).toMatchObject(expected)
            }
            expect((yield* storedStory(t, reviewed)).verified_status).toBe("unverified")
            expect(rows(yield* resultsOf(t, reviewed))).toEqual([])
          }),
      )
    })

    describe("POST /stories/:id/reject", () => {
      it.effect(
        "rejects and auto-resets: pending, rejected, unassigned; a fail result; audit and events",
        () =>
          Effect.gen(function* () {
            const t = yield* tenant
            const p = yield* plan(t, [{ number: 1, stories: [{ number: "1.1" }, { number: "1.2" }] }])
            const id = p.story("1.1")
            yield* advance(t, id, "reported_done")
            const rejected = yield* act(t.orchestratorKey, id, "reject", {
              reason: "tests fail",
              findings: { failing: ["a.test.ts"] },
              review_type: "ci",
            })
            expect(rejected.status).toBe(200)
            expect(Object.keys(record(rejected.body))).toEqual(["story"])
            expect(storyOf(rejected)).toMatchObject({
              agent_status: "pending",
              verified_status: "rejected",
              assigned_agent_id: null,
              assigned_at: null,
              reported_done_at: null,
              rejected_at: expect.stringMatching(microsTimestamp),
              rejection_reason: "tests fail",
            })
            expect(rows(yield* resultsOf(t, id))).toMatchObject([
              {
                result: "fail",
                summary: "tests fail",
                findings: { failing: ["a.test.ts"] },
                review_type: "ci",
                orchestrator_agent_id: t.orchestratorAgentId,
                iteration: 1,
              },
            ])
            const audit = yield* auditOf(t, id)
            expect(audit.slice(-2).map((row) => [row.action, row.actor_type, row.actor_label])).toEqual(
              expect.arrayContaining([
                ["rejected", "api_key", "orchestrator:orchestrator-main"],
                ["auto_reset", "system", "system:auto_reset"],
              ]),
            )
            const events = yield* eventsAbout(t, id)
            expect(events.find((e) => e.event === "story.rejected")).toMatchObject({
              orchestrator_agent_id: t.orchestratorAgentId,
              reason: "tests fail",
              findings: { failing: ["a.test.ts"] },
            })
            expect(events.find((e) => e.event === "story.auto_reset")).toMatchObject({
              reason: "rejected",
              orchestrator_agent_id: t.orchestratorAgentId,
            })

            // A verified story can be rejected again.
            const done = p.story("1.2")
            yield* advance(t, done, "verified")
            const again = yield* act(t.orchestratorKey, done, "reject", { reason: "regressed" })
            expect(storyOf(again)).toMatchObject({ verified_status: "rejected", agent_status: "pending" })
            expect(rows(yield* resultsOf(t, done)).map((r) => [r.iteration, r.result])).toEqual([
              [2, "fail"],
              [1, "pass"],
            ])
          }),
      )

      it.effect("refuses: a blank reason before the lookup, wrong states, self, unlinked", () =>
        Effect.gen(function* () {
          const t = yield* tenant
          const p = yield* plan(t, [{ number: 1, stories: [{ number: "1.1" }, { number: "1.2" }] }])
          const [reported, implementing] = [p.story("1.1"), p.story("1.2")]
          yield* advance(t, reported, "reported_done")
          yield* advance(t, implementing, "implementing")
          const blank = {
            status: 422,
            message: "reason is required and cannot be blank",
            details: { reason: ["can't be blank"] },
          }
          for (const body of [{ reason: "" }, { reason: "   " }, {}, { reason: 7 }]) {
            expect(errorOf(yield* act(t.orchestratorKey, reported, "reject", body))).toEqual(blank)
            expect(errorOf(yield* act(t.orchestratorKey, randomUUID(), "reject", body))).toEqual(blank)
          }
          expect(errorOf(yield* act(t.orchestratorKey, randomUUID(), "reject", { reason: "x" })).status).toBe(
            404,
          )
          expect(
            errorOf(yield* act(t.orchestratorKey, implementing, "reject", { reason: "x" })),
          ).toMatchObject({
            status: 409,
            code: "invalid_transition",
            attempted_action: "reject",
            current_state: "implementing",
          })
          expect(
            errorOf(yield* act(t.selfOrchestratorKey, reported, "reject", { reason: "x" })),
          ).toMatchObject({
            status: 409,
            code: "self_verify_blocked",
          })
          expect(errorOf(yield* act(t.unlinkedOrchestratorKey, reported, "reject", { reason: "x" }))).toEqual(
            linkRequired,
          )
          expect((yield* storedStory(t, reported)).verified_status).toBe("unverified")
        }),
      )

      it.effect("with auto_reset_on_rejection false the story stays reported, assigned and rejected", () =>
        Effect.gen(function* () {
          const t = yield* team("no-reset")
          const patched = yield* call("PATCH", "/api/v1/tenants/me", {
            key: t.userKey,
            body: { settings: { auto_reset_on_rejection: false } },
          })
          expect(patched.status).toBe(200)
          const p = yield* plan(t, [{ number: 1, stories: [{ number: "1.1" }] }])
          const id = p.story("1.1")
          yield* advance(t, id, "reviewed")
          const rejected = yield* act(t.orchestratorKey, id, "reject", { reason: "not yet" })
          expect(storyOf(rejected)).toMatchObject({
            agent_status: "reported_done",
            verified_status: "rejected",
            assigned_agent_id: t.implementerAgentId,
            rejection_reason: "not yet",
          })
          expect(yield* auditActions(t, id)).not.toContain("story/auto_reset")
          expect(typesOf(yield* eventsAbout(t, id))).not.toContain("story.auto_reset")
          // RD/R can be verified once more, which clears the rejection.
          const verified = yield* act(t.orchestratorKey, id, "verify", evidence)
          expect(storyOf(verified)).toMatchObject({
            verified_status: "verified",
            rejected_at: null,
            rejection_reason: null,
          })
        }),
      )
    })

    describe("POST /stories/:id/force-unclaim", () => {
      it.effect("takes any story back to pending, keeps verified_status; pending is a recorded no-op", () =>
        Effect.gen(function* () {
          const t = yield* tenant
          const p = yield* plan(t, [{ number: 1, stories: [{ number: "1.1" }, { number: "1.2" }] }])
          const [verified, pending] = [p.story("1.1"), p.story("1.2")]
          yield* advance(t, verified, "verified")
          const taken = yield* act(t.orchestratorKey, verified, "force-unclaim")
          expect(taken.status).toBe(200)
          expect(storyOf(taken)).toMatchObject({
            agent_status: "pending",
            verified_status: "verified",
            assigned_agent_id: null,
            reported_by_agent_id: null,
          })
          expect(record(taken.body).next_actions).toEqual([expect.objectContaining({ action: "contract" })])
          expect((yield* eventsAbout(t, verified)).at(-1)).toEqual({
            event: "story.force_unclaimed",
            story_id: verified,
            project_id: p.projectId,
            epic_id: p.epic(1),
            old_status: "reported_done",
            new_status: "pending",
            orchestrator_agent_id: t.orchestratorAgentId,
          })
          const noop = yield* act(t.orchestratorKey, pending, "force-unclaim")
          expect(noop.status).toBe(200)
          expect(storyOf(noop).agent_status).toBe("pending")
          expect(yield* auditActions(t, pending)).toEqual(["story/force_unclaimed"])
          expect(typesOf(yield* eventsAbout(t, pending))).toEqual(["story.force_unclaimed"])
          expect(errorOf(yield* act(t.unlinkedOrchestratorKey, pending, "force-unclaim"))).toEqual(
            linkRequired,
          )
          expect(errorOf(yield* act(t.orchestratorKey, "not-a-uuid", "force-unclaim")).status).toBe(404)
        }),
      )
    })

    describe("POST /stories/:id/backfill", () => {
      it.effect("records pre-loopctl work as verified; an identical retry is 200; anything else is 422", () =>
        Effect.gen(function* () {
          const t = yield* tenant
          const p = yield* plan(t, [
            { number: 1, stories: ["1.1", "1.2", "1.3", "1.4"].map((number) => ({ number })) },
          ])
          const [fresh, contracted, rejected, verified] = [
            p.story("1.1"),
            p.story("1.2"),
            p.story("1.3"),
            p.story("1.4"),
          ]
          const body = {
            reason: "Shipped in PR 232",
            evidence_url: "https://github.com/o/r/pull/232",
            pr_number: 232,
          }
          const done = yield* act(t.orchestratorKey, fresh, "backfill", body)
          expect(done.status).toBe(200)
          expect(storyOf(done)).toMatchObject({
            agent_status: "reported_done",
            verified_status: "verified",
            reported_done_at: expect.stringMatching(microsTimestamp),
            verified_at: expect.stringMatching(microsTimestamp),
            metadata: { backfill: { ...body, backfilled_at: expect.stringMatching(microsTimestamp) } },
          })
          expect(yield* auditActions(t, fresh)).toEqual(["story/backfilled"])
          expect((yield* auditOf(t, fresh))[0]?.new_state).toMatchObject({
            source: "pre_loopctl",
            pr_number: 232,
          })
          expect(yield* eventsAbout(t, fresh)).toEqual([
            {
              event: "story.backfilled",
              story_id: fresh,
              project_id: p.projectId,
              epic_id: p.epic(1),
              source: "pre_loopctl",
              actor_id: expect.any(String),
              actor_label: "orchestrator:orchestrator-main",
              reason: body.reason,
              evidence_url: body.evidence_url,
              pr_number: 232,
            },
          ])
          // No verification result and no epic completion from a backfill.
          expect(rows(yield* resultsOf(t, fresh))).toEqual([])

          const retry = yield* act(t.orchestratorKey, fresh, "backfill", { ...body, pr_number: "232" })
          expect(retry.status).toBe(200)
          expect(storyOf(retry)).toEqual(storyOf(done))
          expect(yield* auditActions(t, fresh)).toEqual(["story/backfilled"])

          yield* advance(t, contracted, "contracted")
          yield* advance(t, rejected, "rejected")
          yield* advance(t, verified, "verified")
          const refusals: ReadonlyArray<readonly [string, unknown, Record<string, unknown>]> = [
            [fresh, { ...body, reason: "another reason" }, { code: "already_verified" }],
            [
              verified,
              body,
              { code: "already_verified", message: expect.stringContaining("already verified") },
            ],
            [rejected, body, { code: "backfill_rejected", message: expect.stringContaining("rejected") }],
            [
              contracted,
              body,
              {
                code: "backfill_has_lineage",
                message: expect.stringMatching(/dispatch lineage.*OUTSIDE the loopctl dispatch/),
              },
            ],
            // The body is checked before the story is looked up.
            [
              randomUUID(),
              { evidence_url: "ftp://x" },
              { details: { reason: ["can't be blank"], evidence_url: expect.any(Array) } },
            ],
            [
              fresh,
              { reason: "x", evidence_url: "https://u:p@example.com" },
              { details: { evidence_url: expect.any(Array) } },
            ],
            [
              fresh,
              { reason: "x", pr_number: "twelve" },
              { details: { pr_number: ["must be a positive integer"] } },
            ],
            [fresh, { reason: "x".repeat(2001) }, { details: { reason: ["must be at most 2000 bytes"] } }],
          ]
          for (const [id, refusedBody, expected] of refusals) {
            const answer = yield* act(t.orchestratorKey, id, "backfill", refusedBody)
            expect(answer.status, JSON.stringify(expected)).toBe(422)
            expect(errorOf(answer)).toMatchObject({ status: 422, ...expected })
          }
          expect((yield* storedStory(t, contracted)).agent_status).toBe("contracted")
          expect(errorOf(yield* act(t.orchestratorKey, randomUUID(), "backfill", body)).status).toBe(404)
          // Exact orchestrator with a linked agent (D23); users and agents are refused.
          const q = yield* plan(t, [{ number: 1, stories: [{ number: "1.1" }] }])
          expect(errorOf(yield* act(t.unlinkedOrchestratorKey, q.story("1.1"), "backfill", body))).toEqual(
            linkRequired,
          )
          for (const key of [t.implementerKey, t.userKey])
            expect(errorOf(yield* act(key, q.story("1.1"), "backfill", body))).toEqual({
              status: 403,
              message: "This endpoint requires the orchestrator role",
            })
        }),
      )
    })

    describe("GET /stories/:id/verifications", () => {
      it.effect("pages newest first for orchestrators and users; agents are refused; unknown is 404", () =>
        Effect.gen(function* () {
          const t = yield* tenant
          const p = yield* plan(t, [{ number: 1, stories: [{ number: "1.1" }] }])
          const id = p.story("1.1")
          for (let i = 1; i <= 5; i++) {
            const marked = yield* call("POST", "/api/v1/stories/bulk/mark-complete", {
              key: t.orchestratorKey,
              body: { stories: [{ story_id: id, summary: `round ${i}` }] },
            })
            expect(marked.status).toBe(200)
          }
          const first = yield* resultsOf(t, id, "?page_size=2")
          expect(first.meta).toEqual({ page: 1, page_size: 2, total_count: 5, total_pages: 3 })
          expect(rows(first).map((r) => [r.iteration, r.summary])).toEqual([
            [5, "round 5"],
            [4, "round 4"],
          ])
          const last = yield* resultsOf(t, id, "?page=3&limit=2")
          expect(rows(last).map((r) => r.iteration)).toEqual([1])
          const byUser = yield* call("GET", `/api/v1/stories/${id}/verifications`, { key: t.userKey })
          expect(byUser.status).toBe(200)
          const byAgent = yield* call("GET", `/api/v1/stories/${id}/verifications`, { key: t.implementerKey })
          expect(errorOf(byAgent)).toEqual({
            status: 403,
            message: "Insufficient permissions. Required role: orchestrator",
          })
          for (const unknown of [randomUUID(), "nope"]) {
            const answer = yield* call("GET", `/api/v1/stories/${unknown}/verifications`, { key: t.userKey })
            expect(answer.status).toBe(404)
          }
        }),
      )
    })

    describe("POST /epics/:id/verify-all and epic.completed", () => {
      it.effect(
        "verifies the reviewed stories, skips the unreviewed, lists the caller's own; completes once",
        () =>
          Effect.gen(function* () {
            const t = yield* tenant
            const p = yield* plan(t, [
              { number: 1, stories: ["1.1", "1.2", "1.3"].map((number) => ({ number })) },
              { number: 2, stories: ["2.1", "2.2"].map((number) => ({ number })) },
            ])
            const verifyAll = (key: string, epic: string, body: unknown) =>
              call("POST", `/api/v1/epics/${epic}/verify-all`, { key, body })
            for (const n of ["1.1", "1.2", "1.3"]) yield* advance(t, p.story(n), "reviewed")
            for (const n of ["2.1", "2.2"]) yield* advance(t, p.story(n), "reported_done")

            // Evidence is required (D4): nothing is verified without it.
            const missing = yield* verifyAll(t.orchestratorKey, p.epic(1), { summary: "x" })
            expect(missing.status).toBe(422)
            expect(errorOf(missing).details).toEqual({ review_type: ["can't be blank"] })
            expect((yield* storedStory(t, p.story("1.1"))).verified_status).toBe("unverified")

            const own = yield* verifyAll(t.selfOrchestratorKey, p.epic(1), evidence)
            expect(record(own.body)).toMatchObject({
              verified_count: 0,
              skipped_count: 0,
              total: 3,
              errors: ["1.1", "1.2", "1.3"].map((n) => ({
                story_id: p.story(n),
                reason: "self_verify_blocked",
              })),
            })

            const all = yield* verifyAll(t.orchestratorKey, p.epic(1), evidence)
            expect(all.status).toBe(200)
            expect(record(all.body)).toEqual({
              verified_count: 3,
              skipped_count: 0,
              total: 3,
              total_eligible: 3,
              errors: [],
            })
            const unreviewed = yield* verifyAll(t.orchestratorKey, p.epic(2), evidence)
            expect(record(unreviewed.body)).toMatchObject({ verified_count: 0, skipped_count: 2, total: 2 })

            const completions = () =>
              Effect.map(eventsOf(t), (events) =>
                events.filter((e) => e.event === "epic.completed" && e.project_id === p.projectId),
              )
            const completed = yield* completions()
            expect(completed).toEqual([
              {
                event: "epic.completed",
                epic_id: p.epic(1),
                epic_number: 1,
                epic_title: "Epic 1",
                project_id: p.projectId,
                story_count: 3,
              },
            ])
            expect(yield* auditActions(t, p.epic(1))).toEqual(["epic/completed"])

            // A reject and a re-verify of the last story do not complete the epic again.
            const last = p.story("1.3")
            yield* act(t.orchestratorKey, last, "reject", { reason: "regressed" })
            yield* advance(t, last, "verified")
            expect((yield* storedStory(t, last)).verified_status).toBe("verified")
            expect(yield* completions()).toHaveLength(1)
            expect(yield* auditActions(t, p.epic(1))).toEqual(["epic/completed"])

            const unknown = yield* verifyAll(t.orchestratorKey, randomUUID(), evidence)
            expect(unknown.status).toBe(404)
            expect((yield* verifyAll(t.orchestratorKey, "not-an-epic", evidence)).status).toBe(404)
            expect(errorOf(yield* verifyAll(t.unlinkedOrchestratorKey, p.epic(2), evidence))).toEqual(
              linkRequired,
            )
          }),
      )

      it.effect("the single verify of an epic's last story emits epic.completed exactly once", () =>
        Effect.gen(function* () {
          const t = yield* tenant
          const p = yield* plan(t, [{ number: 1, stories: [{ number: "1.1" }, { number: "1.2" }] }])
          const [first, second] = [p.story("1.1"), p.story("1.2")]
          yield* advance(t, first, "verified")
          const epicEvents = () =>
            Effect.map(eventsOf(t), (events) =>
              events.filter((e) => e.event === "epic.completed" && e.epic_id === p.epic(1)),
            )
          expect(yield* epicEvents()).toEqual([])
          yield* advance(t, second, "verified")
          expect(yield* epicEvents()).toHaveLength(1)
          const audit = yield* auditOf(t, p.epic(1))
          expect(audit).toMatchObject([
            {
              entity_type: "epic",
              action: "completed",
              new_state: { epic_id: p.epic(1), epic_number: 1, story_count: 2, project_id: p.projectId },
            },
          ])
          yield* act(t.orchestratorKey, first, "reject", { reason: "again" })
          yield* advance(t, first, "verified")
          expect(yield* epicEvents()).toHaveLength(1)
        }),
      )
    })
  })
}
