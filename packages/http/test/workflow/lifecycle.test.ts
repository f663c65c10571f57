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
  plan,
  record,
  storyOf,
  team,
  titleOf,
  typesOf,
} from "../support/workflow-support.js"

/**
 * The implementer's lifecycle over HTTP, black-box on the real server: contract, claim, start
 * (and /start-work), request-review, report (and /report-done), unclaim and review-complete —
 * the happy path with its audit entries and events, then tables of wrong states, identity gates
 * and invalid bodies, each of which must change nothing.
 */

/** The actions suggested in a transition answer. */
const nextActionsOf = (body: unknown) => {
  const list = record(body).next_actions
  if (!Array.isArray(list)) throw new Error("no next_actions")
  return list.map((entry) => String(record(entry).action))
}

/** The transition 409 of D12: status, message, code, current_state, attempted_action, hints, context. */
const transitionConflict = (
  code: string,
  agent_status: string,
  verified_status: string,
  attempted_action: string,
) => ({
  status: 409,
  message: expect.any(String),
  code,
  current_state: agent_status,
  attempted_action,
  hints: [expect.any(String)],
  context: { current_agent_status: agent_status, current_verified_status: verified_status, attempted_action },
})

for (const { name, database } of backends) {
  const server = realServer(database).pipe(Layer.provide(collectLogs([])))
  /** One tenant for the file: every test plans its own project, so nothing is shared but the keys. */
  const tenant = aTeamForTheFile("lifecycle")

  layer(server, { timeout: 180_000, excludeTestServices: true })(`the story lifecycle on ${name}`, (it) => {
    describe("the happy path", () => {
      it.effect("contract → claim → start → request-review → report by B → review → verify", () =>
        Effect.gen(function* () {
          const t = yield* tenant
          const p = yield* plan(t, [{ number: 1, stories: [{ number: "1.1", acs: 2 }, { number: "1.2" }] }])
          const id = p.story("1.1")

          const contracted = yield* act(t.implementerKey, id, "contract", {
            story_title: titleOf("1.1"),
            ac_count: 2,
          })
          expect(contracted.status).toBe(200)
          expect(storyOf(contracted)).toMatchObject({
            id,
            agent_status: "contracted",
            verified_status: "unverified",
          })
          expect(record(contracted.body).next_actions).toEqual([
            {
              action: "claim",
              method: "POST",
              path: `/api/v1/stories/${id}/claim`,
              required_body: null,
              preconditions: expect.any(Array),
              learn_more: expect.stringContaining("https://"),
            },
          ])

          const claimed = yield* act(t.implementerKey, id, "claim")
          expect(claimed.status).toBe(200)
          expect(storyOf(claimed)).toMatchObject({
            agent_status: "assigned",
            assigned_agent_id: t.implementerAgentId,
            assigned_at: expect.stringMatching(microsTimestamp),
          })
          expect(nextActionsOf(claimed.body)).toEqual(["start"])

          const started = yield* act(t.implementerKey, id, "start")
          expect(storyOf(started).agent_status).toBe("implementing")
          expect(nextActionsOf(started.body)).toEqual(["request_review"])

          const requested = yield* act(t.implementerKey, id, "request-review")
          expect(requested.status).toBe(200)
          expect(storyOf(requested)).toEqual(storyOf(started))

          const reported = yield* act(t.otherKey, id, "report")
          expect(reported.status).toBe(200)
          expect(storyOf(reported)).toMatchObject({
            agent_status: "reported_done",
            verified_status: "unverified",
            assigned_agent_id: t.implementerAgentId,
            reported_by_agent_id: t.otherAgentId,
            reported_done_at: expect.stringMatching(microsTimestamp),
          })
          expect(nextActionsOf(reported.body)).toEqual([])

          const review = yield* act(t.orchestratorKey, id, "review-complete", {
            review_type: "enhanced",
            findings_count: 2,
            fixes_count: 1,
            disproved_count: 1,
            summary: "two findings, settled",
          })
          expect(review.status).toBe(201)
          expect(record(review.body).review_record).toEqual({
            id: expect.any(String),
            tenant_id: t.id,
            story_id: id,
            reviewer_agent_id: t.orchestratorAgentId,
            review_type: "enhanced",
            findings_count: 2,
            fixes_count: 1,
            disproved_count: 1,
            summary: "two findings, settled",
            completed_at: expect.stringMatching(microsTimestamp),
            inserted_at: expect.stringMatching(microsTimestamp),
            updated_at: expect.stringMatching(microsTimestamp),
          })

          const verified = yield* act(t.orchestratorKey, id, "verify", {
            review_type: "enhanced",
            summary: "checked every criterion",
          })
          expect(verified.status).toBe(200)
          expect(storyOf(verified)).toMatchObject({
            agent_status: "reported_done",
            verified_status: "verified",
            verified_at: expect.stringMatching(microsTimestamp),
          })
          expect(record(verified.body).next_actions).toEqual([])

          // Four status changes by the implementer's chain, the review and the verification.
          const audit = yield* auditOf(t, id)
          expect(audit.map((row) => row.action)).toEqual([
            "status_changed",
            "status_changed",
            "status_changed",
            "status_changed",
            "review_completed",
            "verified",
          ])
          expect(audit.slice(0, 4).map((row) => [row.old_state, row.new_state])).toEqual([
            [{ agent_status: "pending" }, { agent_status: "contracted", agent_id: t.implementerAgentId }],
            [{ agent_status: "contracted" }, { agent_status: "assigned", agent_id: t.implementerAgentId }],
            [{ agent_status: "assigned" }, { agent_status: "implementing", agent_id: t.implementerAgentId }],
            [{ agent_status: "implementing" }, { agent_status: "reported_done", agent_id: t.otherAgentId }],
          ])
          expect(audit[0]).toMatchObject({ actor_type: "api_key", actor_label: "agent:worker-1" })

          const events = yield* eventsAbout(t, id)
          expect(typesOf(events)).toEqual([
            "story.review_completed",
            "story.review_requested",
            "story.status_changed",
            "story.status_changed",
            "story.status_changed",
            "story.status_changed",
            "story.verified",
          ])
          const ref = { story_id: id, project_id: p.projectId, epic_id: p.epic(1) }
          expect(events.filter((e) => e.event === "story.status_changed")).toEqual(
            [
              ["pending", "contracted", t.implementerAgentId],
              ["contracted", "assigned", t.implementerAgentId],
              ["assigned", "implementing", t.implementerAgentId],
              ["implementing", "reported_done", t.otherAgentId],
            ].map(([old_status, new_status, agent_id]) => ({
              event: "story.status_changed",
              ...ref,
              old_status,
              new_status,
              agent_id,
            })),
          )
          expect(events.find((e) => e.event === "story.review_requested")).toEqual({
            event: "story.review_requested",
            ...ref,
            agent_id: t.implementerAgentId,
          })
          expect(events.find((e) => e.event === "story.review_completed")).toEqual({
            event: "story.review_completed",
            ...ref,
            reviewer_agent_id: t.orchestratorAgentId,
            review_type: "enhanced",
            findings_count: 2,
          })
          expect(events.find((e) => e.event === "story.verified")).toEqual({
            event: "story.verified",
            ...ref,
            orchestrator_agent_id: t.orchestratorAgentId,
            summary: "checked every criterion",
            review_type: "enhanced",
          })
        }),
      )

      it.effect(
        "/start-work and /report-done are aliases; an orchestrator may contract with {} and report",
        () =>
          Effect.gen(function* () {
            const t = yield* tenant
            const p = yield* plan(t, [{ number: 1, stories: [{ number: "1.1", acs: 3 }] }])
            const id = p.story("1.1")
            expect((yield* act(t.orchestratorKey, id, "contract", {})).status).toBe(200)
            expect((yield* act(t.implementerKey, id, "claim")).status).toBe(200)
            const started = yield* act(t.implementerKey, id, "start-work")
            expect(storyOf(started).agent_status).toBe("implementing")
            const reported = yield* act(t.orchestratorKey, id, "report-done", {
              artifact: { artifact_type: "commit_diff", path: "abc123" },
            })
            expect(storyOf(reported)).toMatchObject({
              agent_status: "reported_done",
              reported_by_agent_id: t.orchestratorAgentId,
            })
            // An orchestrator sees verify and reject next on a reported, unverified story.
            expect(nextActionsOf(reported.body)).toEqual(["verify", "reject"])
            // An artifact riding along a report is recorded as the agent's, whoever reports.
            const artifacts = yield* call("GET", `/api/v1/stories/${id}/artifacts`, { key: t.userKey })
            expect(record(artifacts.body).data).toEqual([
              expect.objectContaining({ reported_by: "agent", reporter_agent_id: t.orchestratorAgentId }),
            ])
            expect(yield* auditActions(t, id)).toEqual([
              "story/status_changed",
              "story/status_changed",
              "story/status_changed",
              "story/status_changed",
            ])
          }),
      )

      it.effect("two concurrent claims of one story: one 200, one 409", () =>
        Effect.gen(function* () {
          const t = yield* tenant
          const p = yield* plan(t, [{ number: 1, stories: [{ number: "1.1" }] }])
          const id = p.story("1.1")
          yield* advance(t, id, "contracted")
          const answers = yield* Effect.all(
            [act(t.implementerKey, id, "claim"), act(t.otherKey, id, "claim")],
            {
              concurrency: 2,
            },
          )
          expect(answers.map((a) => a.status).sort()).toEqual([200, 409])
          const winner = answers.find((a) => a.status === 200)
          expect((yield* storedStory(t, id)).assigned_agent_id).toBe(
            winner === undefined ? null : storyOf(winner).assigned_agent_id,
          )
          expect(yield* auditActions(t, id)).toEqual(["story/status_changed", "story/status_changed"])
        }),
      )

      it.effect("an empty body (no content type) is read as {} (D20)", () =>
        Effect.gen(function* () {
          const t = yield* tenant
          const p = yield* plan(t, [{ number: 1, stories: [{ number: "1.1" }] }])
          const id = p.story("1.1")
          const bare = (key: string, action: string) =>
            call("POST", `/api/v1/stories/${id}/${action}`, { key, headers: { "content-length": "0" } })
          expect((yield* bare(t.orchestratorKey, "contract")).status).toBe(200)
          expect((yield* bare(t.implementerKey, "claim")).status).toBe(200)
          expect((yield* bare(t.implementerKey, "start")).status).toBe(200)
          expect((yield* bare(t.implementerKey, "request-review")).status).toBe(200)
          expect((yield* bare(t.otherKey, "report")).status).toBe(200)
        }),
      )

      it.effect("a report may carry an artifact; an invalid one is a 422 and nothing is written", () =>
        Effect.gen(function* () {
          const t = yield* tenant
          const p = yield* plan(t, [{ number: 1, stories: [{ number: "1.1" }, { number: "1.2" }] }])
          const [good, bad] = [p.story("1.1"), p.story("1.2")]
          yield* advance(t, good, "implementing")
          yield* advance(t, bad, "implementing")
          const reported = yield* act(t.otherKey, good, "report", {
            artifact: { artifact_type: "migration", path: "priv/repo/migrations/1_add.exs" },
          })
          expect(reported.status).toBe(200)
          const artifacts = yield* call("GET", `/api/v1/stories/${good}/artifacts`, { key: t.userKey })
          expect(record(artifacts.body).data).toEqual([
            expect.objectContaining({
              artifact_type: "migration",
              path: "priv/repo/migrations/1_add.exs",
              exists: true,
              reporter_agent_id: t.otherAgentId,
            }),
          ])
          expect(typesOf(yield* eventsAbout(t, good))).toContain("artifact.reported")

          const before = yield* auditActions(t, bad)
          const refused = yield* act(t.otherKey, bad, "report", { artifact: { artifact_type: "test" } })
          expect(refused.status).toBe(422)
          expect(errorOf(refused)).toEqual({
            status: 422,
            message: "Validation failed",
            details: { "artifact.path": ["can't be blank"] },
          })
          expect((yield* storedStory(t, bad)).agent_status).toBe("implementing")
          expect(yield* auditActions(t, bad)).toEqual(before)
          const none = yield* call("GET", `/api/v1/stories/${bad}/artifacts`, { key: t.userKey })
          expect(record(none.body).data).toEqual([])
        }),
      )

      it.effect("the assignee unclaims: back to pending, unassigned, the verification kept", () =>
        Effect.gen(function* () {
          const t = yield* tenant
          const p = yield* plan(t, [{ number: 1, stories: [{ number: "1.1" }, { number: "1.2" }] }])
          const [working, verified] = [p.story("1.1"), p.story("1.2")]
          yield* advance(t, working, "implementing")
          yield* advance(t, verified, "verified")
          const released = yield* act(t.implementerKey, working, "unclaim")
          expect(released.status).toBe(200)
          expect(storyOf(released)).toMatchObject({
            agent_status: "pending",
            assigned_agent_id: null,
            assigned_at: null,
          })
          expect(nextActionsOf(released.body)).toEqual(["contract"])
          const events = yield* eventsAbout(t, working)
          expect(events.at(-1)).toMatchObject({
            event: "story.status_changed",
            old_status: "implementing",
            new_status: "pending",
            agent_id: t.implementerAgentId,
          })
          const back = yield* act(t.implementerKey, verified, "unclaim")
          expect(storyOf(back)).toMatchObject({
            agent_status: "pending",
            verified_status: "verified",
            reported_done_at: null,
            reported_by_agent_id: null,
          })
        }),
      )
    })

    describe("refusals change nothing", () => {
      /** One story in each state the table needs, driven there through the API. */
      const states = (t: Team) =>
        Effect.gen(function* () {
          const p = yield* plan(t, [
            {
              number: 1,
              stories: ["1.1", "1.2", "1.3", "1.4", "1.5", "1.6", "1.7"].map((number) => ({
                number,
                acs: 2,
              })),
            },
          ])
          yield* advance(t, p.story("1.2"), "contracted")
          yield* advance(t, p.story("1.3"), "assigned")
          yield* advance(t, p.story("1.4"), "implementing")
          yield* advance(t, p.story("1.5"), "reported_done")
          yield* advance(t, p.story("1.6"), "verified")
          yield* advance(t, p.story("1.7"), "rejected")
          return {
            P: p.story("1.1"),
            C: p.story("1.2"),
            A: p.story("1.3"),
            I: p.story("1.4"),
            RDU: p.story("1.5"),
            RDV: p.story("1.6"),
            PR: p.story("1.7"),
          }
        })
      const allStates = ["P", "C", "A", "I", "RDU", "RDV", "PR"] as const
      type State = (typeof allStates)[number]
      const statusOf: Record<State, readonly [string, string]> = {
        P: ["pending", "unverified"],
        C: ["contracted", "unverified"],
        A: ["assigned", "unverified"],
        I: ["implementing", "unverified"],
        RDU: ["reported_done", "unverified"],
        RDV: ["reported_done", "verified"],
        PR: ["pending", "rejected"],
      }

      type Expected =
        | { readonly conflict: string }
        | { readonly status: 403 | 422; readonly message?: string; readonly code?: string }

      interface Row {
        readonly action: string
        readonly who: (t: Team) => string
        readonly body?: unknown
        readonly cells: Partial<Record<State, Expected>>
      }
      const A = (t: Team) => t.implementerKey
      const B = (t: Team) => t.otherKey
      const O = (t: Team) => t.orchestratorKey
      const invalid: Expected = { conflict: "invalid_transition" }
      const notReported: Expected = { status: 422, code: "story_not_reported_done" }
      const forbidden: Expected = { status: 403, message: "Forbidden" }

      // The refusal cells of the state × action table (workflow.md §2.3), with a caller that
      // passes every identity gate so the state decides.
      const table: ReadonlyArray<Row> = [
        {
          action: "contract",
          who: A,
          body: { story_title: "whatever", ac_count: 9 },
          cells: { C: invalid, A: invalid, I: invalid, RDU: invalid, RDV: invalid },
        },
        {
          action: "claim",
          who: A,
          cells: {
            P: { conflict: "must_contract_first" },
            A: invalid,
            I: invalid,
            RDU: invalid,
            RDV: invalid,
          },
        },
        {
          action: "start",
          who: A,
          cells: {
            P: { conflict: "must_contract_first" },
            C: { conflict: "must_claim_first" },
            I: invalid,
            RDU: invalid,
            RDV: invalid,
          },
        },
        {
          action: "start-work",
          who: A,
          cells: { P: { conflict: "must_contract_first" }, C: { conflict: "must_claim_first" } },
        },
        {
          action: "request-review",
          who: A,
          cells: { P: invalid, C: invalid, A: invalid, RDU: invalid, RDV: invalid, PR: invalid },
        },
        {
          action: "report",
          who: B,
          cells: { P: invalid, C: invalid, A: invalid, RDU: invalid, RDV: invalid },
        },
        { action: "report-done", who: B, cells: { C: invalid } },
        { action: "unclaim", who: A, cells: { P: invalid, C: forbidden } },
        {
          action: "review-complete",
          who: O,
          body: { review_type: "team" },
          cells: { P: notReported, C: notReported, A: notReported, I: notReported, PR: notReported },
        },
        {
          action: "verify",
          who: O,
          body: { review_type: "team", summary: "ok" },
          cells: {
            P: invalid,
            C: invalid,
            A: invalid,
            I: invalid,
            PR: invalid,
            RDV: { conflict: "already_verified" },
            RDU: { status: 422, code: "review_not_conducted" },
          },
        },
        {
          action: "reject",
          who: O,
          body: { reason: "no" },
          cells: { P: invalid, C: invalid, A: invalid, I: invalid },
        },
      ]

      it.effect("every wrong state is a 409 with current_state, attempted_action, hints and context", () =>
        Effect.gen(function* () {
          const t = yield* tenant
          const ids = yield* states(t)
          const before = new Map<string, unknown>()
          for (const [state, id] of Object.entries(ids))
            before.set(state, JSON.stringify(yield* storedStory(t, id)))
          const auditBefore = yield* auditOf(t, ids.P)
          for (const row of table) {
            for (const state of allStates) {
              const expected = row.cells[state]
              if (expected === undefined) continue
              const answer = yield* act(row.who(t), ids[state], row.action, row.body)
              const where = `${row.action} on ${state}`
              if ("conflict" in expected) {
                const [agent, verified] = statusOf[state]
                const attempted =
                  row.action === "start-work" ? "start" : row.action === "report-done" ? "report" : row.action
                expect(answer.status, where).toBe(409)
                expect(errorOf(answer), where).toEqual(
                  transitionConflict(expected.conflict, agent, verified, attempted),
                )
              } else {
                expect(answer.status, where).toBe(expected.status)
                expect(errorOf(answer), where).toMatchObject({
                  status: expected.status,
                  ...(expected.message === undefined ? {} : { message: expected.message }),
                  ...(expected.code === undefined ? {} : { code: expected.code }),
                })
              }
            }
          }
          for (const [state, id] of Object.entries(ids)) {
            expect(JSON.stringify(yield* storedStory(t, id)), state).toBe(before.get(state))
          }
          expect(yield* auditOf(t, ids.P)).toEqual(auditBefore)
        }),
      )

      it.effect(
        "the spec's exact words: must contract/claim first, request-review's hint, unclaim's Conflict",
        () =>
          Effect.gen(function* () {
            const t = yield* tenant
            const p = yield* plan(t, [{ number: 1, stories: [{ number: "1.1" }, { number: "1.2" }] }])
            const [pending, contracted] = [p.story("1.1"), p.story("1.2")]
            yield* advance(t, contracted, "contracted")
            expect(errorOf(yield* act(t.implementerKey, pending, "claim")).message).toBe(
              "Story must be contracted before claiming. Call POST /stories/:id/contract first.",
            )
            expect(errorOf(yield* act(t.implementerKey, contracted, "start")).message).toBe(
              "Story must be claimed before starting. Call POST /stories/:id/claim first.",
            )
            expect(errorOf(yield* act(t.implementerKey, pending, "request-review"))).toMatchObject({
              message:
                "Cannot request-review: story is in agent_status='pending', verified_status='unverified'. Story must be in 'implementing' status to request review",
              hints: ["Story must be in 'implementing' status to request review"],
            })
            expect(errorOf(yield* act(t.implementerKey, pending, "unclaim"))).toMatchObject({
              status: 409,
              message: "Conflict",
            })
            expect(errorOf(yield* act(t.orchestratorKey, contracted, "contract", {}))).toMatchObject({
              code: "invalid_transition",
              context: { current_agent_status: "contracted", attempted_action: "contract" },
            })
          }),
      )

      it.effect("claiming before a prerequisite is verified is a 409 and the story stays contracted", () =>
        Effect.gen(function* () {
          const t = yield* tenant
          const p = yield* plan(
            t,
            [{ number: 1, stories: [{ number: "1.1" }, { number: "1.2" }] }],
            [{ story: "1.2", depends_on: "1.1" }],
          )
          const [first, second] = [p.story("1.1"), p.story("1.2")]
          yield* advance(t, second, "contracted")
          yield* advance(t, first, "reported_done")
          const refused = yield* act(t.implementerKey, second, "claim")
          expect(refused.status).toBe(409)
          expect(errorOf(refused)).toMatchObject({
            code: "dependencies_not_met",
            current_state: "contracted",
            attempted_action: "claim",
            hints: ["Story has 1 unverified dependency(ies)"],
          })
          expect((yield* storedStory(t, second)).agent_status).toBe("contracted")
          yield* advance(t, first, "verified", "reported_done")
          expect((yield* act(t.implementerKey, second, "claim")).status).toBe(200)
        }),
      )

      it.effect(
        "identity gates: not the assignee (403), self report (409), self review (409), no agent (422)",
        () =>
          Effect.gen(function* () {
            const t = yield* tenant
            const p = yield* plan(t, [
              { number: 1, stories: [{ number: "1.1" }, { number: "1.2" }, { number: "1.3" }] },
            ])
            const [assigned, implementing, reported] = [p.story("1.1"), p.story("1.2"), p.story("1.3")]
            yield* advance(t, assigned, "assigned")
            yield* advance(t, implementing, "implementing")
            yield* advance(t, reported, "reported_done")
            const before = yield* Effect.all(
              [assigned, implementing, reported].map((id) => storedStory(t, id)),
            )
            const selfReport = {
              status: 409,
              code: "self_report_blocked",
              message: expect.stringContaining("Cannot report your own implementation"),
              current_state: "implementing",
              attempted_action: "report",
              hints: [expect.any(String)],
              context: expect.any(Object),
              remediation: { learn_more: "https://loopctl.com/wiki/self-report-blocked" },
            }
            const selfReview = {
              status: 409,
              code: "self_review_blocked",
              message:
                "Cannot review your own implementation. The reviewer agent must be different from the implementing agent.",
              current_state: "reported_done",
              attempted_action: "review-complete",
            }
            const agentIdRequired = {
              status: 422,
              code: "agent_id_required",
              message: expect.stringContaining("Agent ID required for chain-of-custody"),
            }
            const rows: ReadonlyArray<readonly [string, string, string, unknown, Record<string, unknown>]> = [
              [t.otherKey, assigned, "start", undefined, { status: 403, message: "Forbidden" }],
              [t.otherKey, implementing, "request-review", undefined, { status: 403, message: "Forbidden" }],
              [t.otherKey, assigned, "unclaim", undefined, { status: 403, message: "Forbidden" }],
              [t.otherKey, reported, "unclaim", undefined, { status: 403, message: "Forbidden" }],
              [t.implementerKey, implementing, "report", {}, selfReport],
              [t.implementerKey, implementing, "report-done", {}, selfReport],
              [t.selfOrchestratorKey, implementing, "report", {}, selfReport],
              [t.implementerKey, reported, "review-complete", { review_type: "self" }, selfReview],
              [t.selfOrchestratorKey, reported, "review-complete", { review_type: "self" }, selfReview],
              [t.unlinkedAgentKey, implementing, "report", {}, agentIdRequired],
              [t.unlinkedOrchestratorKey, implementing, "report", {}, agentIdRequired],
              [t.unlinkedAgentKey, reported, "review-complete", { review_type: "x" }, agentIdRequired],
              [t.unlinkedOrchestratorKey, reported, "review-complete", { review_type: "x" }, agentIdRequired],
            ]
            for (const [key, id, action, body, expected] of rows) {
              const answer = yield* act(key, id, action, body)
              expect(answer.status, action).toBe(expected.status)
              expect(errorOf(answer), action).toMatchObject(expected)
            }
            // D5: a claim needs a key linked to a registered agent.
            const q = yield* plan(t, [{ number: 1, stories: [{ number: "1.1" }] }])
            yield* advance(t, q.story("1.1"), "contracted")
            const unlinked = yield* act(t.unlinkedAgentKey, q.story("1.1"), "claim")
            expect(unlinked.status).toBe(422)
            expect(errorOf(unlinked)).toMatchObject(agentIdRequired)
            expect(
              yield* Effect.all([assigned, implementing, reported].map((id) => storedStory(t, id))),
            ).toEqual(before)
          }),
      )

      it.effect("contract terms: exact title, numeric count, with context on a count mismatch", () =>
        Effect.gen(function* () {
          const t = yield* tenant
          const p = yield* plan(t, [{ number: 1, stories: [{ number: "1.1", acs: 2 }, { number: "1.2" }] }])
          const id = p.story("1.1")
          const title = titleOf("1.1")
          const rows: ReadonlyArray<readonly [unknown, Record<string, unknown>]> = [
            [{ story_title: title.toUpperCase(), ac_count: 2 }, { message: "story_title does not match" }],
            [{ story_title: `${title} `, ac_count: 2 }, { message: "story_title does not match" }],
            [{ ac_count: 2 }, { message: "story_title does not match" }],
            [
              { story_title: title, ac_count: 5 },
              {
                message: "Contract mismatch: expected ac_count 2 but got 5. Story has 2 acceptance criteria.",
                context: { expected_ac_count: 2, provided_ac_count: 5 },
              },
            ],
            [
              { story_title: title, ac_count: "2" },
              { context: { expected_ac_count: 2, provided_ac_count: "2" } },
            ],
            [{ story_title: title }, { context: { expected_ac_count: 2, provided_ac_count: null } }],
          ]
          for (const [body, expected] of rows) {
            const answer = yield* act(t.implementerKey, id, "contract", body)
            expect(answer.status, JSON.stringify(body)).toBe(422)
            expect(errorOf(answer), JSON.stringify(body)).toMatchObject({ status: 422, ...expected })
          }
          expect((yield* storedStory(t, id)).agent_status).toBe("pending")
          expect(yield* auditActions(t, id)).toEqual([])
          // No criteria and ac_count 0 is a match.
          const none = yield* act(t.implementerKey, p.story("1.2"), "contract", {
            story_title: titleOf("1.2"),
            ac_count: 0,
          })
          expect(none.status).toBe(200)
        }),
      )

      it.effect("review-complete bodies: review_type required, counts checked, every finding settled", () =>
        Effect.gen(function* () {
          const t = yield* tenant
          const p = yield* plan(t, [{ number: 1, stories: [{ number: "1.1" }] }])
          const id = p.story("1.1")
          yield* advance(t, id, "reported_done")
          const rows: ReadonlyArray<readonly [unknown, Record<string, ReadonlyArray<string>>]> = [
            [{}, { review_type: ["can't be blank"] }],
            [{ review_type: "  " }, { review_type: ["can't be blank"] }],
            [
              { review_type: "team", findings_count: -1, fixes_count: "3" },
              {
                findings_count: ["must be a non-negative integer"],
                fixes_count: ["must be a non-negative integer"],
              },
            ],
            [
              { review_type: "team", completed_at: "yesterday" },
              { completed_at: ["must be an ISO-8601 timestamp"] },
            ],
            [
              { review_type: "team", findings_count: 6, fixes_count: 4, disproved_count: 0 },
              {
                fixes_count: [
                  "6 findings confirmed but only 4 fixed and 0 disproved. All findings must be either fixed or explicitly disproved. 2 findings unaccounted for.",
                ],
              },
            ],
          ]
          for (const [body, details] of rows) {
            const answer = yield* act(t.orchestratorKey, id, "review-complete", body)
            expect(answer.status, JSON.stringify(body)).toBe(422)
            expect(errorOf(answer)).toEqual({ status: 422, message: "Validation failed", details })
          }
          expect(typesOf(yield* eventsAbout(t, id))).not.toContain("story.review_completed")
          const settled = yield* act(t.orchestratorKey, id, "review-complete", {
            review_type: "team",
            findings_count: 6,
            fixes_count: 4,
            disproved_count: 2,
          })
          expect(settled.status).toBe(201)
          // Repeatable: a story may have several reviews.
          expect((yield* act(t.otherKey, id, "review-complete", { review_type: "second look" })).status).toBe(
            201,
          )
        }),
      )
    })

    describe("ids", () => {
      it.effect("an unknown, malformed or other tenant's story is a 404 on every transition", () =>
        Effect.gen(function* () {
          const t = yield* tenant
          const theirs = yield* team("lifecycle-other")
          const q = yield* plan(theirs, [{ number: 1, stories: [{ number: "1.1" }] }])
          const foreign = q.story("1.1")
          const rows: ReadonlyArray<readonly [string, string, unknown]> = [
            [t.implementerKey, "contract", { story_title: "x", ac_count: 0 }],
            [t.implementerKey, "claim", undefined],
            [t.implementerKey, "start", undefined],
            [t.implementerKey, "start-work", undefined],
            [t.implementerKey, "request-review", undefined],
            [t.otherKey, "report", {}],
            [t.otherKey, "report-done", {}],
            [t.implementerKey, "unclaim", undefined],
            [t.orchestratorKey, "review-complete", { review_type: "team" }],
          ]
          for (const [key, action, body] of rows) {
            for (const id of [randomUUID(), "not-a-uuid", foreign]) {
              const answer = yield* act(key, id, action, body)
              expect(answer.status, `${action} ${id}`).toBe(404)
              expect(errorOf(answer).status).toBe(404)
            }
          }
          expect((yield* storedStory(theirs, foreign)).agent_status).toBe("pending")
        }),
      )
    })
  })
}
