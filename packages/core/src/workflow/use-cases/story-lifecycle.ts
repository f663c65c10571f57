import { Effect } from "effect"
import type { AuditLog } from "../../audit/ports/audit-log.js"
import { recordChange } from "../../audit/use-cases/recording.js"
import type { Outbox } from "../../events/ports/outbox.js"
import type { Actor } from "../../identity/domain/actor.js"
import { NotFound } from "../../kernel/domain/errors.js"
import { ArtifactReportId, type StoryId } from "../../kernel/domain/ids.js"
import { now } from "../../kernel/domain/timestamp.js"
import { type Policy, policyRequire } from "../../kernel/policy/policy.js"
import type { Ids } from "../../kernel/ports/ids.js"
import { freshId } from "../../kernel/ports/ids.js"
import { UnitOfWork } from "../../kernel/ports/unit-of-work.js"
import { holdStories } from "../../kernel/use-cases/lock-order.js"
import type { Story } from "../../work/domain/story.js"
import { Stories } from "../../work/ports/stories.js"
import type { ArtifactClaimRequest, ReportRequest } from "../domain/artifact-claim.js"
import type { ContractTerms } from "../domain/contract-terms.js"
import type { ReviewRequest } from "../domain/evidence.js"
import { ArtifactReport } from "../domain/verification.js"
import { StoryActions } from "../policy/story-actions.js"
import {
  ArtifactReports,
  type ReviewRecords,
  type VerificationResults,
} from "../ports/verification-records.js"
import { type ArtifactClaim, artifactClaimOf } from "../rules/artifact.js"
import type { Batch } from "../rules/bulk.js"
import { reviewSubmissionOf } from "../rules/evidence.js"
import { StoryCommand } from "../rules/lifecycle.js"
import { nextActions } from "../rules/next-actions.js"
import { runBatch } from "./batch-run.js"
import { claimCommandFor, transitionStory } from "./story-transition.js"

/**
 * The implementer's side of a story: contract, claim, start, request-review, report, unclaim,
 * and the reviewer's review-complete. Every method requires the grant of its own action (see
 * policy/story-actions.ts), which only that action's policy issues; it runs as the actor the
 * policy admitted, and checks no gate of its own.
 */
export class StoryLifecycle extends Effect.Service<StoryLifecycle>()("@loopctl/core/StoryLifecycle", {
  effect: Effect.gen(function* () {
    const ports = yield* Effect.context<
      UnitOfWork | Stories | ReviewRecords | VerificationResults | ArtifactReports | AuditLog | Outbox | Ids
    >()
    const uow = yield* UnitOfWork

    /** As the admitted actor, one transaction: load, decide, write. */
    const act = <Action extends string, E, R>(
      p: Policy<Action, unknown>,
      id: StoryId,
      commandFor: (story: Story, actor: Actor) => Effect.Effect<StoryCommand, E, R>,
      after: (story: Story, actor: Actor) => Effect.Effect<void, E, R> = () => Effect.void,
    ) =>
      policyRequire(p)((actor) =>
        Effect.map(
          uow.transact(
            actor.tenant_id,
            Effect.tap(
              transitionStory(actor, id, (story) => commandFor(story, actor)),
              ({ decision }) => after(decision.story, actor),
            ),
          ),
          ({ decision }) => ({
            story: decision.story,
            next_actions: nextActions(decision.story, actor.role),
          }),
        ),
      ).pipe(Effect.provide(ports))

    const simple =
      <Action extends string>(p: Policy<Action, unknown>, command: StoryCommand) =>
      (id: StoryId) =>
        act(p, id, () => Effect.succeed(command))

    /** Records an artifact report; `reported_by` follows the caller's role unless the path fixes it. */
    const insertArtifact = (
      story: Story,
      actor: Actor,
      claim: ArtifactClaim,
      reported_by: ArtifactReport["reported_by"] = actor.role === "orchestrator" ? "orchestrator" : "agent",
    ) =>
      Effect.gen(function* () {
        const at = yield* now
        const report = new ArtifactReport({
          id: yield* freshId(ArtifactReportId),
          tenant_id: story.tenant_id,
          story_id: story.id,
          reported_by,
          reporter_agent_id: actor.agent_id,
          ...claim,
          inserted_at: at,
          updated_at: at,
        })
        yield* Effect.flatMap(ArtifactReports, (reports) => reports.insert(report))
        yield* recordChange(actor, story.project_id, {
          audit: [
            {
              entity_type: "artifact_report",
              entity_id: report.id,
              action: "created",
              actor: "caller",
              old_state: null,
              new_state: { artifact_type: report.artifact_type, path: report.path, story_id: story.id },
            },
          ],
          events: [
            {
              event: "artifact.reported",
              artifact_report_id: report.id,
              story_id: story.id,
              project_id: story.project_id,
              artifact_type: report.artifact_type,
              path: report.path,
              reported_by: report.reported_by,
              reporter_agent_id: report.reporter_agent_id,
            },
          ],
        })
        return report
      })

    return {
      contract: (id: StoryId, terms: ContractTerms) =>
        act(StoryActions.contract, id, () => Effect.succeed(StoryCommand.Contract({ terms }))),
      claim: (id: StoryId) => act(StoryActions.claim, id, claimCommandFor),
      /** Claims a batch, item by item in one transaction, each as a single claim would. */
      claimBatch: (batch: Batch<string>) =>
        policyRequire(StoryActions.claim)((actor) =>
          uow.transact(
            actor.tenant_id,
            runBatch(batch, (id) => transitionStory(actor, id, claimCommandFor), holdStories),
          ),
        ).pipe(Effect.provide(ports)),
      start: simple(StoryActions.start, StoryCommand.Start()),
      requestReview: simple(StoryActions.requestReview, StoryCommand.RequestReview()),
      /** Report done; an `artifact` in the request is recorded in the same transaction. */
      report: (id: StoryId, request: ReportRequest = {}) => {
        const artifact = request.artifact ?? null
        return act(
          StoryActions.report,
          id,
          () => Effect.succeed(StoryCommand.Report()),
          (story, actor) =>
            // An artifact riding along a report is the implementer's work, whoever reports it.
            artifact === null
              ? Effect.void
              : Effect.asVoid(insertArtifact(story, actor, artifactClaimOf(artifact), "agent")),
        )
      },
      unclaim: simple(StoryActions.unclaim, StoryCommand.Unclaim()),
      /** Records a review of a reported story by someone other than its implementer (201). */
      reviewComplete: (id: StoryId, request: ReviewRequest) =>
        policyRequire(StoryActions.reviewComplete)((actor) =>
          Effect.gen(function* () {
            const { review } = yield* uow.transact(
              actor.tenant_id,
              transitionStory(actor, id, () =>
                Effect.map(now, (at) =>
                  StoryCommand.ReviewComplete({ review: reviewSubmissionOf(request, at) }),
                ),
              ),
            )
            if (review === null) return yield* Effect.dieMessage("a completed review wrote no review record")
            return { review_record: review }
          }),
        ).pipe(Effect.provide(ports)),
      /** Records an artifact report for a story, in any state. */
      reportArtifact: (id: StoryId, request: ArtifactClaimRequest) =>
        policyRequire(StoryActions.reportArtifact)((actor) => {
          const claim = artifactClaimOf(request)
          return uow.transact(
            actor.tenant_id,
            Effect.gen(function* () {
              const story = yield* Effect.flatMap(Stories, (stories) => stories.findById(id))
              if (story._tag === "None") return yield* Effect.fail(NotFound.of("Story"))
              return yield* insertArtifact(story.value, actor, claim)
            }),
          )
        }).pipe(Effect.provide(ports)),
    }
  }),
}) {}
