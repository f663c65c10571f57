import { Effect, Either, Option } from "effect"
import type { AuditLog } from "../../audit/ports/audit-log.js"
import type { Outbox } from "../../events/ports/outbox.js"
import type { Actor } from "../../identity/domain/actor.js"
import type { Tenants } from "../../identity/ports/tenants.js"
import { NotFound } from "../../kernel/domain/errors.js"
import type { EpicId, StoryId } from "../../kernel/domain/ids.js"
import { policyRequire } from "../../kernel/policy/policy.js"
import type { Ids } from "../../kernel/ports/ids.js"
import { UnitOfWork } from "../../kernel/ports/unit-of-work.js"
import { holdStories, holdStoriesThenEpics } from "../../kernel/use-cases/lock-order.js"
import type { Story } from "../../work/domain/story.js"
import { Epics } from "../../work/ports/epics.js"
import { Stories } from "../../work/ports/stories.js"
import type { BackfillRequest } from "../domain/backfill.js"
import type { BulkCompletionItem, BulkRejectItem, BulkVerifyItem } from "../domain/bulk.js"
import type { RejectRequest, VerifyRequest } from "../domain/evidence.js"
import { StoryActions } from "../policy/story-actions.js"
import type { ReviewRecords, VerificationResults } from "../ports/verification-records.js"
import { type Batch, bulkRejectDefaults, bulkVerifyDefaults, orDefault } from "../rules/bulk.js"
import { completionOf, rejectionOf, verifyEvidenceOf } from "../rules/evidence.js"
import { StoryCommand } from "../rules/lifecycle.js"
import { nextActions } from "../rules/next-actions.js"
import { runBatch } from "./batch-run.js"
import { transitionStory } from "./story-transition.js"
import { rejectStory, verifyStory } from "./verifying.js"

/**
 * The verifier's side: verify, reject, force-unclaim, backfill, verify-all and the bulk verify,
 * reject and mark-complete. Every method requires the grant of its action (verify-all and bulk
 * verify that of verify, and so on), issued only by that action's policy; the identity gate then
 * keeps the caller's agent off its own stories.
 */
export class Verification extends Effect.Service<Verification>()("@loopctl/core/Verification", {
  effect: Effect.gen(function* () {
    const ports = yield* Effect.context<
      UnitOfWork | Tenants | Epics | Stories | ReviewRecords | VerificationResults | AuditLog | Outbox | Ids
    >()
    const uow = yield* UnitOfWork

    /** The story after a transition, with what the caller can do next. */
    const answer = (actor: Actor, story: Story) => ({ story, next_actions: nextActions(story, actor.role) })

    return {
      /** Verifies a reported story that someone else implemented and someone reviewed after the report. */
      verify: (id: StoryId, request: VerifyRequest) =>
        policyRequire(StoryActions.verify)((actor) =>
          Effect.gen(function* () {
            const story = yield* uow.transact(
              actor.tenant_id,
              verifyStory(actor, id, verifyEvidenceOf(request)),
            )
            return answer(actor, story)
          }),
        ).pipe(Effect.provide(ports)),

      /** Rejects a reported or verified story; by default the story goes back to pending. */
      reject: (id: StoryId, request: RejectRequest) =>
        policyRequire(StoryActions.reject)((actor) =>
          Effect.gen(function* () {
            const { decision } = yield* uow.transact(
              actor.tenant_id,
              rejectStory(actor, id, rejectionOf(request)),
            )
            return { story: decision.story }
          }),
        ).pipe(Effect.provide(ports)),

      /** Takes a story back from whoever holds it, in any state; verified_status is kept. */
      forceUnclaim: (id: StoryId) =>
        policyRequire(StoryActions.forceUnclaim)((actor) =>
          Effect.gen(function* () {
            const { decision } = yield* uow.transact(
              actor.tenant_id,
              transitionStory(actor, id, () => Effect.succeed(StoryCommand.ForceUnclaim())),
            )
            return answer(actor, decision.story)
          }),
        ).pipe(Effect.provide(ports)),

      /**
       * Records a story done before loopctl tracked it as verified, with its provenance; an
       * identical retry changes nothing.
       */
      backfill: (id: StoryId, claim: BackfillRequest) =>
        policyRequire(StoryActions.backfill)((actor) =>
          Effect.gen(function* () {
            const { decision } = yield* uow.transact(
              actor.tenant_id,
              transitionStory(actor, id, () => Effect.succeed(StoryCommand.Backfill({ claim }))),
            )
            return answer(actor, decision.story)
          }),
        ).pipe(Effect.provide(ports)),

      /**
       * Verifies every reported, unverified story of an epic with one set of evidence, each as a
       * full single verify, all in one transaction: an error leaves every story as it was.
       * Stories without a qualifying review are skipped; other refusals (such as the caller's
       * own stories) are listed with their code.
       */
      verifyAll: (epicId: EpicId, request: VerifyRequest) =>
        policyRequire(StoryActions.verify)((actor) =>
          Effect.gen(function* () {
            const evidence = verifyEvidenceOf(request)
            return yield* uow.transact(
              actor.tenant_id,
              Effect.gen(function* () {
                const epic = yield* Effect.flatMap(Epics, (epics) => epics.findById(epicId))
                if (Option.isNone(epic)) return yield* Effect.fail(NotFound.of("Epic"))
                const listed = yield* Effect.flatMap(Stories, (s) => s.listByEpic(epicId))
                // Held in the order a bulk request holds its stories, then judged as read under the
                // lock: a story verified by someone else meanwhile is no longer eligible.
                const held = yield* holdStoriesThenEpics(listed.filter(awaitsVerification).map((s) => s.id))
                const stillEligible = new Set(held.filter(awaitsVerification).map((s) => s.id))
                const eligible = listed.filter((s) => stillEligible.has(s.id))
                let verified_count = 0
                let skipped_count = 0
                const errors: Array<{ story_id: StoryId; reason: string }> = []
                for (const story of eligible) {
                  const outcome = yield* Effect.either(verifyStory(actor, story.id, evidence))
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
              }),
            )
          }),
        ).pipe(Effect.provide(ports)),

      /**
       * Verifies a batch, item by item in one transaction, each as a full single verify (D19 and
       * the spec's recommendation: self, state and review gates apply). Missing evidence takes the
       * bulk defaults.
       */
      verifyBatch: (batch: Batch<BulkVerifyItem>) =>
        policyRequire(StoryActions.verify)((actor) =>
          Effect.gen(function* () {
            return yield* uow.transact(
              actor.tenant_id,
              runBatch(
                batch,
                (id, item) =>
                  verifyStory(
                    actor,
                    id,
                    verifyEvidenceOf({
                      ...item,
                      summary: orDefault(item.summary, bulkVerifyDefaults.summary),
                      review_type: orDefault(item.review_type, bulkVerifyDefaults.review_type),
                    }),
                  ),
                // A verify decides its epic's completion, so the epics are held too.
                holdStoriesThenEpics,
              ),
            )
          }),
        ).pipe(Effect.provide(ports)),

      /** Rejects a batch, item by item in one transaction, each as a single reject. */
      rejectBatch: (batch: Batch<BulkRejectItem>) =>
        policyRequire(StoryActions.reject)((actor) =>
          Effect.gen(function* () {
            return yield* uow.transact(
              actor.tenant_id,
              runBatch(
                batch,
                (id, item) =>
                  rejectStory(
                    actor,
                    id,
                    rejectionOf({
                      ...item,
                      review_type: orDefault(item.review_type, bulkRejectDefaults.review_type),
                    }),
                  ),
                holdStories,
              ),
            )
          }),
        ).pipe(Effect.provide(ports)),

      /**
       * Records pre-existing work as verified, item by item in one transaction: a refused item
       * (unknown, or the caller's own story) writes nothing and does not stop the others.
       */
      markComplete: (batch: Batch<BulkCompletionItem>) =>
        policyRequire(StoryActions.markComplete)((actor) =>
          Effect.gen(function* () {
            return yield* uow.transact(
              actor.tenant_id,
              runBatch(
                batch,
                (id, item) =>
                  transitionStory(actor, id, () =>
                    Effect.succeed(StoryCommand.MarkComplete({ completion: completionOf(item) })),
                  ),
                holdStories,
              ),
            )
          }),
        ).pipe(Effect.provide(ports)),
    }
  }),
}) {}

/** Whether verify-all takes the story: reported and not verified (reworked stories, reported again after a reject, too). */
const awaitsVerification = (story: Story): boolean =>
  story.agent_status === "reported_done" && story.verified_status !== "verified"

/** The machine-readable reason of a refusal: its code when it has one, else its tag. */
const codeOf = (error: { readonly _tag: string }): string =>
  "code" in error && typeof error.code === "string" ? error.code : error._tag
