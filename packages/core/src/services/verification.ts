import { Effect, Either, Option } from "effect"
import type { Actor } from "../domain/actor.js"
import { NotFound } from "../domain/errors.js"
import type { EpicId, StoryId } from "../domain/ids.js"
import { type PageRequest, pageMeta } from "../domain/page.js"
import type { Story } from "../domain/story.js"
import { tenantSettings } from "../domain/tenant.js"
import { now } from "../domain/timestamp.js"
import { VerifierCapability } from "../policy/grants.js"
import { AuditLog } from "../ports/audit-log.js"
import { Epics } from "../ports/epics.js"
import type { Ids } from "../ports/ids.js"
import type { Outbox } from "../ports/outbox.js"
import { Stories } from "../ports/stories.js"
import { Tenants } from "../ports/tenants.js"
import { UnitOfWork } from "../ports/unit-of-work.js"
import { ReviewRecords, VerificationResults } from "../ports/verification-records.js"
import {
  type Batch,
  type BulkItemResult,
  bulkHttpStatus,
  itemStoryId,
  sortBulkResults,
} from "../rules/bulk.js"
import {
  type VerifyEvidence,
  epicFullyVerified,
  epicJustCompleted,
  parseCompletion,
  parseRejection,
  parseVerifyEvidence,
} from "../rules/evidence.js"
import { type StoryAction, authorize } from "../rules/gates.js"
import { StoryCommand, decide } from "../rules/lifecycle.js"
import { nextActions } from "../rules/next-actions.js"
import { recordChange } from "./recording.js"
import { applyDecision, transitionStory } from "./story-transition.js"

/**
 * The verifier's side: verify, reject, force-unclaim, verify-all and bulk mark-complete. Every
 * method needs `VerifierCapability` — an orchestrator linked to an agent — which only
 * `asVerifier` grants; the identity gate then keeps that agent off its own stories.
 */
export class Verification extends Effect.Service<Verification>()("@loopctl/core/Verification", {
  effect: Effect.gen(function* () {
    const ports = yield* Effect.context<
      UnitOfWork | Tenants | Epics | Stories | ReviewRecords | VerificationResults | AuditLog | Outbox | Ids
    >()
    const uow = yield* UnitOfWork

    const verifier = (action: StoryAction) =>
      Effect.flatMap(VerifierCapability, ({ actor }) => Effect.as(authorize(action, actor), actor))

    /** Records `epic.completed` the first time the story's epic has every story verified. */
    const completeEpicIfDone = (actor: Actor, story: Story) =>
      Effect.gen(function* () {
        // Hold the epic first, so verifies of its last stories decide completion one after
        // another and the later one sees the earlier one's committed story.
        const epic = yield* Effect.flatMap(Epics, (epics) => epics.findForUpdate(story.epic_id))
        if (Option.isNone(epic)) return
        const tally = yield* Effect.flatMap(Stories, (stories) => stories.tallyByEpic(story.epic_id))
        if (!epicFullyVerified(tally)) return
        const already = yield* Effect.flatMap(AuditLog, (log) =>
          log.exists("epic", story.epic_id, "completed"),
        )
        if (!epicJustCompleted(tally, already)) return
        const summary = {
          epic_id: epic.value.id,
          epic_number: epic.value.number,
          epic_title: epic.value.title,
          project_id: epic.value.project_id,
          story_count: tally.total,
        }
        yield* recordChange(actor, story.project_id, {
          audit: [
            {
              entity_type: "epic",
              entity_id: epic.value.id,
              action: "completed",
              actor: "caller",
              old_state: null,
              new_state: summary,
            },
          ],
          events: [{ event: "epic.completed", ...summary }],
        })
      })

    /** One verify inside the caller's transaction: the story, its review, the decision, the writes. */
    const verifyOne = (actor: Actor, id: StoryId, evidence: VerifyEvidence) =>
      Effect.gen(function* () {
        const { decision } = yield* transitionStory(actor, id, (story) =>
          Effect.map(
            Effect.flatMap(ReviewRecords, (reviews) => reviews.latestCompletedAt(story.id)),
            (reviewedAt) => StoryCommand.Verify({ evidence, latest_review_completed_at: reviewedAt }),
          ),
        )
        yield* completeEpicIfDone(actor, decision.story)
        return decision.story
      })

    const autoResetOnRejection = (actor: Actor) =>
      Effect.map(
        Effect.flatMap(Tenants, (tenants) => tenants.findById(actor.tenant_id)),
        (tenant) =>
          Option.match(tenant, {
            onNone: () => true,
            onSome: (t) => tenantSettings(t.settings).auto_reset_on_rejection,
          }),
      )

    return {
      /** Verifies a reported story that someone else implemented and someone reviewed after the report. */
      verify: (id: StoryId, body: unknown) =>
        Effect.gen(function* () {
          const actor = yield* verifier("verify")
          const evidence = yield* parseVerifyEvidence(body)
          const story = yield* uow.transact(actor.tenant_id, verifyOne(actor, id, evidence))
          return { story, next_actions: nextActions(story, actor.role) }
        }).pipe(Effect.provide(ports)),

      /** Rejects a reported or verified story; by default the story goes back to pending. */
      reject: (id: StoryId, body: unknown) =>
        Effect.gen(function* () {
          const actor = yield* verifier("reject")
          const rejection = yield* parseRejection(body)
          const { decision } = yield* uow.transact(
            actor.tenant_id,
            Effect.flatMap(autoResetOnRejection(actor), (auto_reset) =>
              transitionStory(actor, id, () =>
                Effect.succeed(StoryCommand.Reject({ rejection, auto_reset })),
              ),
            ),
          )
          return { story: decision.story }
        }).pipe(Effect.provide(ports)),

      /** Takes a story back from whoever holds it, in any state; verified_status is kept. */
      forceUnclaim: (id: StoryId) =>
        Effect.gen(function* () {
          const actor = yield* verifier("force-unclaim")
          const { decision } = yield* uow.transact(
            actor.tenant_id,
            transitionStory(actor, id, () => Effect.succeed(StoryCommand.ForceUnclaim())),
          )
          return { story: decision.story, next_actions: nextActions(decision.story, actor.role) }
        }).pipe(Effect.provide(ports)),

      /**
       * Verifies every reported, unverified story of an epic with one set of evidence, each as a
       * full single verify in its own transaction. Stories without a qualifying review are
       * skipped; other refusals (such as the caller's own stories) are listed with their code.
       */
      verifyAll: (epicId: EpicId, body: unknown) =>
        Effect.gen(function* () {
          const actor = yield* verifier("verify")
          const evidence = yield* parseVerifyEvidence(body)
          const eligible = yield* uow.transact(
            actor.tenant_id,
            Effect.gen(function* () {
              const epic = yield* Effect.flatMap(Epics, (epics) => epics.findById(epicId))
              if (Option.isNone(epic)) return yield* Effect.fail(NotFound.of("Epic"))
              const stories = yield* Effect.flatMap(Stories, (s) => s.listByEpic(epicId))
              // Reworked stories (reported again after a reject) are eligible too, as single verify allows.
              return stories.filter(
                (s) => s.agent_status === "reported_done" && s.verified_status !== "verified",
              )
            }),
          )
          let verified_count = 0
          let skipped_count = 0
          const errors: Array<{ story_id: StoryId; reason: string }> = []
          for (const story of eligible) {
            const outcome = yield* Effect.either(
              uow.transact(actor.tenant_id, verifyOne(actor, story.id, evidence)),
            )
            if (Either.isRight(outcome)) verified_count += 1
            else if (codeOf(outcome.left) === "review_not_conducted") skipped_count += 1
            else errors.push({ story_id: story.id, reason: codeOf(outcome.left) })
          }
          return {
            verified_count,
            skipped_count,
            total: eligible.length,
            total_eligible: eligible.length,
            errors,
          }
        }).pipe(Effect.provide(ports)),

      /**
       * Records pre-existing work as verified, item by item in one transaction: a refused item
       * (unknown, or the caller's own story) writes nothing and does not stop the others.
       */
      markComplete: (batch: Batch<unknown>) =>
        Effect.gen(function* () {
          const actor = yield* verifier("mark-complete")
          const results = yield* uow.transact(
            actor.tenant_id,
            Effect.forEach(batch, (item) => markOne(actor, item)),
          )
          const sorted = sortBulkResults(results)
          return { results: sorted, http_status: bulkHttpStatus(sorted) }
        }).pipe(Effect.provide(ports)),

      /** Verification results of a story, newest first (orchestrators and up). */
      listResults: (id: StoryId, page: PageRequest) =>
        Effect.gen(function* () {
          const actor = yield* verifier("verify")
          return yield* uow.transact(
            actor.tenant_id,
            Effect.gen(function* () {
              const story = yield* Effect.flatMap(Stories, (s) => s.findById(id))
              if (Option.isNone(story)) return yield* Effect.fail(NotFound.of("Story"))
              const found = yield* Effect.flatMap(VerificationResults, (r) => r.listByStory(id, page))
              return { data: found.items, meta: pageMeta(page, found.total_count) }
            }),
          )
        }).pipe(Effect.provide(ports)),
    }
  }),
}) {}

/** The machine-readable reason of a refusal: its code when it has one, else its tag. */
const codeOf = (error: { readonly _tag: string }): string =>
  "code" in error && typeof error.code === "string" ? error.code : error._tag

const failedItem = (story_id: string, reason: string): BulkItemResult => ({
  story_id,
  status: "error",
  reason,
})

const markOne = (actor: Actor, item: unknown) =>
  Effect.gen(function* () {
    const { raw, id } = itemStoryId(item)
    if (id === undefined) return failedItem(raw, "Story not found")
    const story = yield* Effect.flatMap(Stories, (s) => s.findForUpdate(id))
    if (Option.isNone(story)) return failedItem(raw, "Story not found")
    const decision = decide(
      story.value,
      StoryCommand.MarkComplete({ completion: parseCompletion(item) }),
      actor,
      yield* now,
    )
    if (Either.isLeft(decision)) return failedItem(raw, codeOf(decision.left))
    yield* applyDecision(actor, story.value, decision.right)
    const done: BulkItemResult = { story_id: raw, status: "success" }
    return done
  })
