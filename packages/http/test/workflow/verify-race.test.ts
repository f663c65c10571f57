import { expect, layer } from "@effect/vitest"
import { Effect, Layer, Schema } from "effect"
import { backends, call, read } from "../support/identity-support.js"
import { allAtOnce, rounds } from "../support/race-support.js"
import { collectLogs, realServer } from "../support/support.js"
import { advance, auditActions, expectStatus, plan, team } from "../support/workflow-support.js"

/**
 * `POST /epics/:id/verify-all` and `POST /stories/bulk/verify` over the same reviewed stories at
 * the same instant, round after round. Both lock stories and then their epic; taken in
 * different orders they deadlocked, and verify-all (which committed each story on its own)
 * answered 500 after keeping a verification. Now neither fails: each story is verified exactly
 * once, by one of the two, the epic completes once, and the two answers add up.
 */

const storiesPerEpic = 3

const VerifyAll = Schema.Struct({ verified_count: Schema.Number })
const Bulk = Schema.Struct({
  results: Schema.Array(Schema.Struct({ story_id: Schema.String, status: Schema.String })),
})
const Verifications = Schema.Struct({
  data: Schema.Array(Schema.Struct({ summary: Schema.NullOr(Schema.String) })),
})
/** The summary bulk verify stores when an item gives none. */
const bulkSummary = "Verified via bulk operation"

for (const { name, database } of backends) {
  const server = realServer(database).pipe(Layer.provide(collectLogs([])))

  layer(server, { timeout: 240_000, excludeTestServices: true })(`verify races on ${name}`, (it) => {
    it.effect(
      `verify-all and bulk verify of one epic at the same instant, ${rounds} epics: every story verified once`,
      () =>
        Effect.gen(function* () {
          const t = yield* team("verify-race")
          const numbers = (epic: number) =>
            Array.from({ length: storiesPerEpic }, (_, s) => `${epic}.${s + 1}`)
          const epics = Array.from({ length: rounds }, (_, e) => e + 1)
          const p = yield* plan(
            t,
            epics.map((number) => ({ number, stories: numbers(number).map((n) => ({ number: n })) })),
          )
          for (const epic of epics) for (const n of numbers(epic)) yield* advance(t, p.story(n), "reviewed")

          const evidence = { review_type: "team", summary: "checked" }
          const rounded: Array<unknown> = []
          for (const epic of epics) {
            const ids = numbers(epic).map(p.story)
            const [all, bulk] = yield* allAtOnce([
              call("POST", `/api/v1/epics/${p.epic(epic)}/verify-all`, {
                key: t.orchestratorKey,
                body: evidence,
              }),
              call("POST", "/api/v1/stories/bulk/verify", {
                key: t.orchestratorKey,
                body: { stories: ids.map((story_id) => ({ story_id })) },
              }),
            ])
            if (all === undefined || bulk === undefined) throw new Error("two answers expected")
            // What each answer claims it verified (an error claims nothing)…
            const claimedByAll = all.status === 200 ? read(VerifyAll, all).verified_count : 0
            // (bulk answers 422 when every item was refused: verify-all took them all)
            const claimedByBulk = [200, 422].includes(bulk.status)
              ? read(Bulk, bulk).results.filter((r) => r.status === "success").length
              : 0
            // …and what was stored, told apart by the summary each path writes.
            const summaries = yield* Effect.forEach(ids, (id) =>
              Effect.map(
                call("GET", `/api/v1/stories/${id}/verifications`, { key: t.orchestratorKey }),
                (answer) =>
                  read(Verifications, expectStatus(answer, 200, "verifications")).data.map((v) => v.summary),
              ),
            )
            const storedBy = (summary: string) => summaries.flat().filter((s) => s === summary).length
            const completions = (yield* auditActions(t, p.epic(epic))).filter((a) => a === "epic/completed")
            rounded.push({
              statuses: [all.status, bulk.status === 422 ? 200 : bulk.status],
              verifiedOncePerStory: summaries.map((list) => list.length),
              answersMatchWhatWasStored:
                claimedByAll === storedBy(evidence.summary) && claimedByBulk === storedBy(bulkSummary),
              completions: completions.length,
            })
          }
          const clean = {
            statuses: [200, 200],
            verifiedOncePerStory: Array.from({ length: storiesPerEpic }, () => 1),
            answersMatchWhatWasStored: true,
            completions: 1,
          }
          expect(rounded).toEqual(Array.from({ length: rounds }, () => clean))
        }),
      240_000,
    )
  })
}
