import { randomUUID } from "node:crypto"
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
  eventsAbout,
  plan,
  record,
  typesOf,
} from "../support/workflow-support.js"

/**
 * The bulk endpoints over HTTP, black-box on the real server: the list rules, the per-item
 * outcomes (sorted by story id), 200 when one item succeeded and 422 when none did, and the
 * single-story gates applied to every item.
 */

const bulk = (key: string, action: string, body?: unknown) =>
  call("POST", `/api/v1/stories/bulk/${action}`, body === undefined ? { key } : { key, body })

const resultsOf = (body: unknown) => {
  const results = record(body).results
  if (!Array.isArray(results)) throw new Error("no results")
  return results.map(record)
}

/** Each item's outcome by story id: "success", or its code (its reason when it has none). */
const outcomes = (body: unknown) =>
  Object.fromEntries(
    resultsOf(body).map((r) => [
      String(r.story_id),
      r.status === "success" ? "success" : String(r.code ?? r.reason),
    ]),
  )

const stored = (t: Team, id: string) =>
  Effect.flatMap(actorOf(t.userKey), (user) =>
    Effect.flatMap(StoryPlanning, (storyPlanning) =>
      storyPlanning.getStory(StoryId.make(id)).pipe(performAs(user, WorkActions.readStory)),
    ),
  ).pipe(Effect.orDie)

const linkRequired = {
  status: 400,
  message:
    "Orchestrator API key must be linked to a registered agent. Register an agent and create the key with its agent_id.",
}

for (const { name, database } of backends) {
  const server = realServer(database).pipe(Layer.provide(collectLogs([])))
  const tenant = aTeamForTheFile("bulk")

  layer(server, { timeout: 180_000, excludeTestServices: true })(`the bulk endpoints on ${name}`, (it) => {
    describe("the list", () => {
      it.effect("1..50 items, checked before the agent link", () =>
        Effect.gen(function* () {
          const t = yield* tenant
          const cases: ReadonlyArray<readonly [string, string, unknown, string]> = [
            ["claim", "story_ids", {}, "story_ids is required and must be an array"],
            ["claim", "story_ids", { story_ids: "x" }, "story_ids is required and must be an array"],
            ["claim", "story_ids", { story_ids: [] }, "story_ids must not be empty"],
            [
              "claim",
              "story_ids",
              { story_ids: Array.from({ length: 51 }, () => randomUUID()) },
              "Maximum batch size is 50 stories",
            ],
            ["verify", "stories", {}, "stories is required and must be an array"],
            ["reject", "stories", { stories: [] }, "stories must not be empty"],
            ["mark-complete", "stories", { stories: {} }, "stories is required and must be an array"],
          ]
          for (const [action, field, body, message] of cases) {
            const key = action === "claim" ? t.unlinkedAgentKey : t.unlinkedOrchestratorKey
            const answer = yield* bulk(key, action, body)
            expect(answer.status, `${action} ${message}`).toBe(422)
            expect(errorOf(answer)).toEqual({ status: 422, message, details: { [field]: [message] } })
          }
          // A good list from an unlinked key: the link is checked next.
          for (const action of ["verify", "reject", "mark-complete"]) {
            const answer = yield* bulk(t.unlinkedOrchestratorKey, action, {
              stories: [{ story_id: randomUUID() }],
            })
            expect(errorOf(answer), action).toEqual(linkRequired)
          }
          const unlinkedClaim = yield* bulk(t.unlinkedAgentKey, "claim", { story_ids: [randomUUID()] })
          expect(unlinkedClaim.status).toBe(422)
          expect(errorOf(unlinkedClaim).code).toBe("agent_id_required")
        }),
      )

      it.effect("the routes are not taken for /stories/:id/… with id 'bulk'", () =>
        Effect.gen(function* () {
          const t = yield* tenant
          const p = yield* plan(t, [{ number: 1, stories: [{ number: "1.1" }] }])
          yield* advance(t, p.story("1.1"), "contracted")
          // /stories/:id/claim would answer a 404 envelope for the id "bulk"; the bulk route answers results.
          const claimed = yield* bulk(t.implementerKey, "claim", { story_ids: [p.story("1.1")] })
          expect(claimed.status).toBe(200)
          expect(record(claimed.body)).toEqual({ results: [{ story_id: p.story("1.1"), status: "success" }] })
          for (const action of ["verify", "reject"]) {
            const answer = yield* bulk(t.orchestratorKey, action, {
              stories: [{ story_id: randomUUID(), reason: "x" }],
            })
            expect(Object.keys(record(answer.body)).sort(), action).toEqual(["error", "results"])
          }
          // Other verbs on the bulk paths are not story transitions: the path serves POST only (D28).
          const get = yield* call("GET", "/api/v1/stories/bulk/claim", { key: t.implementerKey })
          expect(get.status).toBe(405)
          expect(record(get.body).error).toMatchObject({ status: 405 })
        }),
      )
    })

    describe("POST /stories/bulk/claim", () => {
      it.effect(
        "[contracted, assigned, contracted, blocked, unknown] → 200, each item as a single claim",
        () =>
          Effect.gen(function* () {
            const t = yield* tenant
            const p = yield* plan(
              t,
              [{ number: 1, stories: ["1.1", "1.2", "1.3", "1.4", "1.5"].map((number) => ({ number })) }],
              [{ story: "1.4", depends_on: "1.5" }],
            )
            const [c1, assigned, c2, blocked] = [
              p.story("1.1"),
              p.story("1.2"),
              p.story("1.3"),
              p.story("1.4"),
            ]
            yield* advance(t, c1, "contracted")
            yield* advance(t, assigned, "assigned")
            yield* advance(t, c2, "contracted")
            yield* advance(t, blocked, "contracted")
            const unknown = randomUUID()
            const answer = yield* bulk(t.otherKey, "claim", {
              story_ids: [c1, assigned, c2, blocked, unknown, "nope"],
            })
            expect(answer.status).toBe(200)
            const results = resultsOf(answer.body)
            expect(results.map((r) => r.story_id)).toEqual([...results.map((r) => String(r.story_id))].sort())
            expect(results.find((r) => r.story_id === assigned)).toEqual({
              story_id: assigned,
              status: "error",
              reason: "Story is not in contracted status (current: assigned)",
              code: "invalid_transition",
            })
            expect(results.find((r) => r.story_id === blocked)).toMatchObject({
              reason: "Story has 1 unverified dependency(ies)",
            })
            expect(outcomes(answer.body)).toEqual({
              [c1]: "success",
              [c2]: "success",
              [assigned]: "invalid_transition",
              [blocked]: "dependencies_not_met",
              [unknown]: "Story not found",
              nope: "Story not found",
            })
            for (const id of [c1, c2]) {
              expect(yield* stored(t, id)).toMatchObject({
                agent_status: "assigned",
                assigned_agent_id: t.otherAgentId,
              })
              expect((yield* auditActions(t, id)).at(-1)).toBe("story/status_changed")
              expect((yield* eventsAbout(t, id)).at(-1)).toMatchObject({
                event: "story.status_changed",
                new_status: "assigned",
                agent_id: t.otherAgentId,
              })
            }
            expect((yield* stored(t, blocked)).agent_status).toBe("contracted")
            expect(yield* auditActions(t, blocked)).toEqual(["story/status_changed"])
          }),
      )

      it.effect("every item refused → 422 with the results beside the envelope", () =>
        Effect.gen(function* () {
          const t = yield* tenant
          const p = yield* plan(t, [{ number: 1, stories: [{ number: "1.1" }] }])
          const answer = yield* bulk(t.implementerKey, "claim", { story_ids: [p.story("1.1")] })
          expect(answer.status).toBe(422)
          expect(answer.body).toEqual({
            error: { status: 422, message: "No item of the request succeeded" },
            results: [
              {
                story_id: p.story("1.1"),
                status: "error",
                reason: "Story is not in contracted status (current: pending)",
                code: "must_contract_first",
              },
            ],
          })
        }),
      )
    })

    describe("POST /stories/bulk/verify", () => {
      it.effect("applies the single verify's gates per item; evidence defaults; epic completion", () =>
        Effect.gen(function* () {
          const t = yield* tenant
          const p = yield* plan(t, [
            { number: 1, stories: [{ number: "1.1" }, { number: "1.2" }] },
            { number: 2, stories: ["2.1", "2.2", "2.3", "2.4"].map((number) => ({ number })) },
          ])
          const [r1, r2] = [p.story("1.1"), p.story("1.2")]
          const [unreviewed, implementing, verified] = [p.story("2.1"), p.story("2.2"), p.story("2.3")]
          yield* advance(t, r1, "reviewed")
          yield* advance(t, r2, "reviewed")
          yield* advance(t, unreviewed, "reported_done")
          yield* advance(t, implementing, "implementing")
          yield* advance(t, verified, "verified")
          const answer = yield* bulk(t.orchestratorKey, "verify", {
            stories: [
              { story_id: r1 },
              { story_id: r2, summary: "reviewed twice", review_type: "team", findings: { ok: true } },
              { story_id: unreviewed },
              { story_id: implementing },
              { story_id: verified },
            ],
          })
          expect(answer.status).toBe(200)
          expect(outcomes(answer.body)).toEqual({
            [r1]: "success",
            [r2]: "success",
            [unreviewed]: "review_not_conducted",
            [implementing]: "invalid_transition",
            [verified]: "already_verified",
          })
          expect(resultsOf(answer.body).find((r) => r.story_id === unreviewed)?.reason).toContain(
            "call POST /stories/:id/review-complete before attempting to verify",
          )
          const results = (id: string) =>
            Effect.map(call("GET", `/api/v1/stories/${id}/verifications`, { key: t.orchestratorKey }), (a) =>
              record(a.body),
            )
          expect(record(yield* results(r1)).data).toMatchObject([
            { result: "pass", summary: "Verified via bulk operation", review_type: "bulk_verify" },
          ])
          expect(record(yield* results(r2)).data).toMatchObject([
            { summary: "reviewed twice", review_type: "team", findings: { ok: true } },
          ])
          expect((yield* auditActions(t, r1)).at(-1)).toBe("story/verified")
          expect(typesOf(yield* eventsAbout(t, r1))).toContain("story.verified")
          // Epic 1's last story was verified here: it completes as with a single verify.
          expect(yield* auditActions(t, p.epic(1))).toEqual(["epic/completed"])
          expect((yield* stored(t, unreviewed)).verified_status).toBe("unverified")
        }),
      )

      it.effect("never verifies the caller's own story (D19); all refused → 422", () =>
        Effect.gen(function* () {
          const t = yield* tenant
          const p = yield* plan(t, [{ number: 1, stories: [{ number: "1.1" }] }])
          const id = p.story("1.1")
          yield* advance(t, id, "reviewed")
          const answer = yield* bulk(t.selfOrchestratorKey, "verify", { stories: [{ story_id: id }] })
          expect(answer.status).toBe(422)
          expect(outcomes(answer.body)).toEqual({ [id]: "self_verify_blocked" })
          expect((yield* stored(t, id)).verified_status).toBe("unverified")
        }),
      )
    })

    describe("POST /stories/bulk/reject", () => {
      it.effect("a blank reason fails its item only; each item as a single reject", () =>
        Effect.gen(function* () {
          const t = yield* tenant
          const p = yield* plan(t, [
            { number: 1, stories: ["1.1", "1.2", "1.3"].map((number) => ({ number })) },
          ])
          const [good, blank, own] = [p.story("1.1"), p.story("1.2"), p.story("1.3")]
          for (const id of [good, blank, own]) yield* advance(t, id, "reported_done")
          const onlyBlank = yield* bulk(t.orchestratorKey, "reject", {
            stories: [{ story_id: blank, reason: "" }],
          })
          expect(onlyBlank.status).toBe(422)
          expect(resultsOf(onlyBlank.body)).toEqual([
            {
              story_id: blank,
              status: "error",
              reason: "reason is required and cannot be blank",
            },
          ])
          const answer = yield* bulk(t.orchestratorKey, "reject", {
            stories: [
              { story_id: good, reason: "fails CI", findings: { ci: "red" } },
              { story_id: blank, reason: "   " },
            ],
          })
          expect(answer.status).toBe(200)
          expect(outcomes(answer.body)).toEqual({
            [good]: "success",
            [blank]: "reason is required and cannot be blank",
          })
          expect(yield* stored(t, good)).toMatchObject({
            agent_status: "pending",
            verified_status: "rejected",
            rejection_reason: "fails CI",
          })
          expect((yield* stored(t, blank)).agent_status).toBe("reported_done")
          expect((yield* auditActions(t, good)).slice(-2).sort()).toEqual([
            "story/auto_reset",
            "story/rejected",
          ])
          expect(typesOf(yield* eventsAbout(t, good))).toEqual(
            expect.arrayContaining(["story.rejected", "story.auto_reset"]),
          )
          const results = yield* call("GET", `/api/v1/stories/${good}/verifications`, { key: t.userKey })
          expect(record(results.body).data).toMatchObject([{ result: "fail", review_type: "bulk_reject" }])
          const self = yield* bulk(t.selfOrchestratorKey, "reject", {
            stories: [{ story_id: own, reason: "x" }],
          })
          expect(outcomes(self.body)).toEqual({ [own]: "self_verify_blocked" })
        }),
      )
    })

    describe("POST /stories/bulk/mark-complete", () => {
      it.effect(
        "[a good id, an unknown id] → 200; no state but work in progress refused; defaults; the caller's own refused",
        () =>
          Effect.gen(function* () {
            const t = yield* tenant
            const p = yield* plan(t, [
              { number: 1, stories: ["1.1", "1.2", "1.3", "1.4"].map((number) => ({ number })) },
            ])
            const [pending, contracted, own, implementing] = [
              p.story("1.1"),
              p.story("1.2"),
              p.story("1.3"),
              p.story("1.4"),
            ]
            yield* advance(t, contracted, "contracted")
            yield* advance(t, own, "assigned")
            yield* advance(t, implementing, "implementing")
            const unknown = randomUUID()
            const answer = yield* bulk(t.orchestratorKey, "mark-complete", {
              stories: [
                { story_id: pending },
                { story_id: contracted, summary: "done in 2023", review_type: "legacy" },
                { story_id: implementing },
                { story_id: unknown },
              ],
            })
            expect(answer.status).toBe(200)
            // D23: a story an agent holds goes through its review chain instead.
            expect(outcomes(answer.body)).toEqual({
              [pending]: "success",
              [contracted]: "success",
              [implementing]: "story_in_progress",
              [unknown]: "Story not found",
            })
            expect((yield* stored(t, implementing)).agent_status).toBe("implementing")
            expect(yield* stored(t, pending)).toMatchObject({
              agent_status: "reported_done",
              verified_status: "verified",
            })
            expect(yield* auditActions(t, pending)).toEqual(["story/mark_complete"])
            expect((yield* eventsAbout(t, pending)).at(-1)).toMatchObject({
              event: "story.verified",
              summary: "Marked complete (pre-existing work)",
              review_type: "pre_existing",
              orchestrator_agent_id: t.orchestratorAgentId,
            })
            expect((yield* eventsAbout(t, contracted)).at(-1)).toMatchObject({
              summary: "done in 2023",
              review_type: "legacy",
            })
            // Mark-complete does not complete the epic (only a single verify or verify-all does).
            expect(yield* auditActions(t, p.epic(1))).toEqual([])
            const self = yield* bulk(t.selfOrchestratorKey, "mark-complete", { stories: [{ story_id: own }] })
            expect(self.status).toBe(422)
            expect(outcomes(self.body)).toEqual({ [own]: "self_verify_blocked" })
            expect((yield* stored(t, own)).agent_status).toBe("assigned")
            // Roles: exact orchestrator; a user is refused.
            expect(
              errorOf(yield* bulk(t.userKey, "mark-complete", { stories: [{ story_id: pending }] })),
            ).toEqual({
              status: 403,
              message: "This endpoint requires the orchestrator role",
            })
            expect(errorOf(yield* act(t.userKey, pending, "claim"))).toEqual({
              status: 403,
              message: "This endpoint requires the agent role",
            })
          }),
      )
    })
  })
}
