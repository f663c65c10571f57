import { Data, Either } from "effect"
import type { DomainEvent } from "../../events/domain/events.js"
import type { Actor } from "../../identity/domain/actor.js"
import { type Forbidden, type TransitionConflict, ValidationFailed } from "../../kernel/domain/errors.js"
import type { JsonObject } from "../../kernel/domain/json.js"
import type { Timestamp } from "../../kernel/domain/timestamp.js"
import type { VerificationOutcome } from "../../work/domain/status.js"
import { Story } from "../../work/domain/story.js"
import { type BlockerCounts, isHeldBack } from "../../work/rules/readiness.js"
import type { ContractTerms } from "../domain/contract-terms.js"
import type { StoryAction } from "../domain/story-action.js"
import { type BackfillClaim, backfillRecord, backfillRefusal } from "./backfill.js"
import { checkContract } from "./contract.js"
import { isHeldByAgent, isImplementer, withClaimant } from "./custody.js"
import type { Completion, Rejection, ReviewSubmission, VerifyEvidence } from "./evidence.js"
import {
  conflict,
  inProgress,
  invalid,
  notAssignee,
  requiredState,
  selfBlocked,
  stepsFirst,
} from "./refusals.js"

/**
 * The story state machine. Who may attempt an action (role, then agent link) is its policy's to
 * say (policy/story-actions.ts), checked once before the story is loaded; `decide` takes the
 * admitted actor, the loaded story and a command and returns the next story with the audit
 * entries and events to record — or the refusal, leaving the story untouched.
 */

/** Unverified prerequisites counted for a claim: direct story edges, and stories of prerequisite epics. */
export type ClaimBlockers = BlockerCounts

/** A request to move a story, with what the service loaded for it. */
export type StoryCommand = Data.TaggedEnum<{
  Contract: { readonly terms: ContractTerms }
  Claim: { readonly blockers: ClaimBlockers }
  Start: {}
  RequestReview: {}
  Report: {}
  Unclaim: {}
  ForceUnclaim: {}
  ReviewComplete: { readonly review: ReviewSubmission }
  Verify: { readonly evidence: VerifyEvidence; readonly latest_review_completed_at: Timestamp | null }
  Reject: { readonly rejection: Rejection; readonly auto_reset: boolean }
  MarkComplete: { readonly completion: Completion }
  Backfill: { readonly claim: BackfillClaim }
}>
export const StoryCommand = Data.taggedEnum<StoryCommand>()

const actionOf: { readonly [Tag in StoryCommand["_tag"]]: StoryAction } = {
  Contract: "contract",
  Claim: "claim",
  Start: "start",
  RequestReview: "request-review",
  Report: "report",
  Unclaim: "unclaim",
  ForceUnclaim: "force-unclaim",
  ReviewComplete: "review-complete",
  Verify: "verify",
  Reject: "reject",
  MarkComplete: "mark-complete",
  Backfill: "backfill",
}

/** The action a command performs. */
export const commandAction = (command: StoryCommand): StoryAction => actionOf[command._tag]

/** An audit entry to append, before the store gives it an id, a time and the actor's fields. */
export interface AuditIntent {
  readonly entity_type: string
  readonly entity_id: string
  readonly action: string
  /** `caller` records the API key; `system` records an automatic follow-up such as auto-reset. */
  readonly actor: "caller" | "system"
  readonly old_state: JsonObject | null
  readonly new_state: JsonObject | null
}

/** A verification result to insert (its iteration is numbered by the store). */
export interface VerificationIntent {
  readonly result: VerificationOutcome
  readonly summary: string | null
  readonly findings: JsonObject
  readonly review_type: string | null
}

/** What a successful transition changes and records. */
export interface Decision {
  readonly story: Story
  readonly changed: boolean
  readonly audit: ReadonlyArray<AuditIntent>
  readonly events: ReadonlyArray<DomainEvent>
  readonly verification: VerificationIntent | null
  readonly review: ReviewSubmission | null
}

/** Why a transition is refused: not the holder (403), an invalid request (422), the wrong state or custody (409). */
export type TransitionFailure = Forbidden | ValidationFailed | TransitionConflict

/** Whether the actor's agent holds the story now (start, request-review and unclaim are the holder's). */
const isAssignee = (story: Story, actor: Actor): boolean =>
  actor.agent_id !== null && actor.agent_id === story.assigned_agent_id

/** An audit entry about this story. */
const storyAudit = (
  story: Story,
  action: string,
  old_state: JsonObject | null,
  new_state: JsonObject | null,
  actor: AuditIntent["actor"] = "caller",
): AuditIntent => ({ entity_type: "story", entity_id: story.id, action, actor, old_state, new_state })

const storyRef = (story: Story) => ({
  story_id: story.id,
  project_id: story.project_id,
  epic_id: story.epic_id,
})

const next = (story: Story, changes: Partial<Story>, now: Timestamp): Story =>
  new Story({ ...story, ...changes, updated_at: now }, { disableValidation: true })

const statusChange = (before: Story, after: Story, actor: Actor): Pick<Decision, "audit" | "events"> => ({
  audit: [
    storyAudit(
      before,
      "status_changed",
      { agent_status: before.agent_status },
      { agent_status: after.agent_status, agent_id: actor.agent_id },
    ),
  ],
  events: [
    {
      event: "story.status_changed",
      ...storyRef(before),
      old_status: before.agent_status,
      new_status: after.agent_status,
      agent_id: actor.agent_id,
    },
  ],
})

const decided = (
  before: Story,
  story: Story,
  records: Pick<Decision, "audit" | "events">,
  extra: Partial<Pick<Decision, "verification" | "review">> = {},
): Either.Either<Decision, TransitionFailure> =>
  Either.right({
    story,
    changed: story !== before,
    audit: records.audit,
    events: records.events,
    verification: extra.verification ?? null,
    review: extra.review ?? null,
  })

/** The assignment fields an unclaim or reset clears. */
const released = {
  assigned_agent_id: null,
  assigned_at: null,
  reported_done_at: null,
} as const

/**
 * Decides a transition for an actor that its action's policy already admitted. Never mutates `story`;
 * on failure the caller must write nothing.
 */
export const decide = (
  story: Story,
  command: StoryCommand,
  actor: Actor,
  now: Timestamp,
): Either.Either<Decision, TransitionFailure> => {
  const action = commandAction(command)
  return StoryCommand.$match(command, {
    Contract: ({ terms }) => {
      if (story.agent_status !== "pending") return Either.left(invalid(story, action))
      const checked = checkContract(story, terms, actor.role)
      if (Either.isLeft(checked)) return Either.left(checked.left)
      const after = next(story, { agent_status: "contracted" }, now)
      return decided(story, after, statusChange(story, after, actor))
    },
    Claim: ({ blockers }) => {
      if (story.agent_status === "pending") {
        return Either.left(
          stepsFirst(story, action, "must_contract_first", "Story must be contracted before claiming.", [
            "contract",
          ]),
        )
      }
      if (story.agent_status !== "contracted") return Either.left(invalid(story, action))
      if (isHeldBack(blockers)) {
        const hints = [
          ...(blockers.stories > 0 ? [`Story has ${blockers.stories} unverified dependency(ies)`] : []),
          ...(blockers.epic_stories > 0
            ? [`Parent epic has ${blockers.epic_stories} unverified prerequisite story(ies)`]
            : []),
        ]
        return Either.left(
          conflict(
            story,
            action,
            "dependencies_not_met",
            `Cannot claim: dependencies are not verified. ${hints.join(". ")}`,
            hints,
          ),
        )
      }
      const after = next(
        story,
        {
          agent_status: "assigned",
          assigned_agent_id: actor.agent_id,
          claimed_by_agent_ids: withClaimant(story, actor.agent_id),
          assigned_at: now,
        },
        now,
      )
      return decided(story, after, statusChange(story, after, actor))
    },
    Start: () => {
      if (story.agent_status === "pending") {
        return Either.left(
          stepsFirst(story, action, "must_contract_first", "Story must be contracted before claiming.", [
            "contract",
            "claim",
          ]),
        )
      }
      if (story.agent_status === "contracted") {
        return Either.left(
          stepsFirst(story, action, "must_claim_first", "Story must be claimed before starting.", ["claim"]),
        )
      }
      if (story.agent_status !== "assigned") return Either.left(invalid(story, action))
      if (!isAssignee(story, actor)) return Either.left(notAssignee())
      const after = next(story, { agent_status: "implementing" }, now)
      return decided(story, after, statusChange(story, after, actor))
    },
    RequestReview: () => {
      if (story.agent_status !== "implementing") return Either.left(invalid(story, action))
      if (!isAssignee(story, actor)) return Either.left(notAssignee())
      return decided(story, story, {
        audit: [],
        events: [{ event: "story.review_requested", ...storyRef(story), agent_id: actor.agent_id }],
      })
    },
    Report: () => {
      if (story.agent_status !== "implementing") return Either.left(invalid(story, action))
      if (isImplementer(story, actor)) return Either.left(selfBlocked(story, action, "report"))
      const after = next(
        story,
        { agent_status: "reported_done", reported_done_at: now, reported_by_agent_id: actor.agent_id },
        now,
      )
      return decided(story, after, statusChange(story, after, actor))
    },
    Unclaim: () => {
      if (story.agent_status === "pending") {
        return Either.left(conflict(story, action, "invalid_transition", "Conflict", [requiredState.unclaim]))
      }
      if (story.agent_status === "contracted" || !isAssignee(story, actor)) return Either.left(notAssignee())
      const after = next(story, { agent_status: "pending", ...released, reported_by_agent_id: null }, now)
      return decided(story, after, statusChange(story, after, actor))
    },
    ForceUnclaim: () => {
      const after = next(story, { agent_status: "pending", ...released, reported_by_agent_id: null }, now)
      return decided(story, after, {
        audit: [
          storyAudit(
            story,
            "force_unclaimed",
            { agent_status: story.agent_status, assigned_agent_id: story.assigned_agent_id },
            { agent_status: "pending", assigned_agent_id: null },
          ),
        ],
        events: [
          {
            event: "story.force_unclaimed",
            ...storyRef(story),
            old_status: story.agent_status,
            new_status: "pending",
            orchestrator_agent_id: actor.agent_id,
          },
        ],
      })
    },
    ReviewComplete: ({ review }) => {
      if (story.agent_status !== "reported_done") {
        return Either.left(
          new ValidationFailed({
            message:
              "Story must be in reported_done status before a review record can be created. The agent must report it first.",
            code: "story_not_reported_done",
          }),
        )
      }
      if (isImplementer(story, actor)) return Either.left(selfBlocked(story, action, "review"))
      return decided(
        story,
        story,
        {
          audit: [
            storyAudit(story, "review_completed", null, {
              reviewer_agent_id: actor.agent_id,
              review_type: review.review_type,
              findings_count: review.findings_count,
              completed_at: review.completed_at,
            }),
          ],
          events: [
            {
              event: "story.review_completed",
              ...storyRef(story),
              reviewer_agent_id: actor.agent_id,
              review_type: review.review_type,
              findings_count: review.findings_count,
            },
          ],
        },
        { review },
      )
    },
    Verify: ({ evidence, latest_review_completed_at }) => {
      if (isImplementer(story, actor)) return Either.left(selfBlocked(story, action, "verify"))
      if (story.agent_status !== "reported_done") return Either.left(invalid(story, action))
      if (story.verified_status === "verified") {
        return Either.left(
          conflict(
            story,
            action,
            "already_verified",
            `Cannot verify: story is in agent_status='${story.agent_status}', verified_status='${story.verified_status}'. Story is already verified`,
            ["Story is already verified"],
          ),
        )
      }
      const reportedAt = story.reported_done_at
      if (
        latest_review_completed_at === null ||
        (reportedAt !== null && latest_review_completed_at < reportedAt)
      ) {
        return Either.left(
          new ValidationFailed({
            message:
              "No review record found for this story. Run the review pipeline and record its completion before attempting to verify. The review must be completed AFTER the story was reported done.",
            code: "review_not_conducted",
          }),
        )
      }
      const after = next(
        story,
        { verified_status: "verified", verified_at: now, rejected_at: null, rejection_reason: null },
        now,
      )
      return decided(
        story,
        after,
        {
          audit: [
            storyAudit(
              story,
              "verified",
              { verified_status: story.verified_status },
              {
                verified_status: "verified",
                result: evidence.result,
                review_type: evidence.review_type,
                orchestrator_agent_id: actor.agent_id,
              },
            ),
          ],
          events: [
            {
              event: "story.verified",
              ...storyRef(story),
              orchestrator_agent_id: actor.agent_id,
              summary: evidence.summary,
              review_type: evidence.review_type,
            },
          ],
        },
        {
          verification: {
            result: evidence.result,
            summary: evidence.summary,
            findings: evidence.findings,
            review_type: evidence.review_type,
          },
        },
      )
    },
    Reject: ({ rejection, auto_reset }) => {
      if (isImplementer(story, actor)) return Either.left(selfBlocked(story, action, "verify"))
      if (story.agent_status !== "reported_done" && story.verified_status !== "verified") {
        return Either.left(invalid(story, action))
      }
      const rejected = {
        verified_status: "rejected",
        rejected_at: now,
        rejection_reason: rejection.reason,
      } as const
      const after = next(
        story,
        auto_reset ? { ...rejected, agent_status: "pending", ...released } : rejected,
        now,
      )
      const audit: Array<AuditIntent> = [
        storyAudit(
          story,
          "rejected",
          { agent_status: story.agent_status, verified_status: story.verified_status },
          { verified_status: "rejected", reason: rejection.reason },
        ),
      ]
      const events: Array<DomainEvent> = [
        {
          event: "story.rejected",
          ...storyRef(story),
          orchestrator_agent_id: actor.agent_id,
          reason: rejection.reason,
          findings: rejection.findings,
        },
      ]
      if (auto_reset) {
        audit.push(
          storyAudit(
            story,
            "auto_reset",
            { agent_status: story.agent_status, assigned_agent_id: story.assigned_agent_id },
            { agent_status: "pending", assigned_agent_id: null },
            "system",
          ),
        )
        events.push({
          event: "story.auto_reset",
          ...storyRef(story),
          reason: "rejected",
          orchestrator_agent_id: actor.agent_id,
        })
      }
      return decided(
        story,
        after,
        { audit, events },
        {
          verification: {
            result: "fail",
            summary: rejection.reason,
            findings: rejection.findings,
            review_type: rejection.review_type,
          },
        },
      )
    },
    MarkComplete: ({ completion }) => {
      // D19: bulk paths keep the single-verify identity gate, item by item; identity before state.
      if (isImplementer(story, actor)) return Either.left(selfBlocked(story, action, "verify"))
      // D23: work an agent holds goes through its review chain instead.
      if (isHeldByAgent(story)) return Either.left(inProgress(story, action))
      const after = next(
        story,
        {
          agent_status: "reported_done",
          verified_status: "verified",
          reported_done_at: now,
          verified_at: now,
          rejected_at: null,
          rejection_reason: null,
        },
        now,
      )
      return decided(
        story,
        after,
        {
          audit: [
            storyAudit(
              story,
              "mark_complete",
              { agent_status: story.agent_status, verified_status: story.verified_status },
              { agent_status: "reported_done", verified_status: "verified" },
            ),
          ],
          events: [
            {
              event: "story.verified",
              ...storyRef(story),
              orchestrator_agent_id: actor.agent_id,
              summary: completion.summary,
              review_type: completion.review_type,
            },
          ],
        },
        {
          verification: {
            result: "pass",
            summary: completion.summary,
            findings: {},
            review_type: completion.review_type,
          },
        },
      )
    },
    Backfill: ({ claim }) => backfill(story, claim, actor, now),
  })
}

/** Records pre-loopctl work as verified; an identical retry is answered with the story as it is. */
const backfill = (
  story: Story,
  claim: BackfillClaim,
  actor: Actor,
  now: Timestamp,
): Either.Either<Decision, TransitionFailure> => {
  // The same identity gate, then work in progress, as mark-complete (D22, D23).
  if (isImplementer(story, actor)) return Either.left(selfBlocked(story, "backfill", "verify"))
  if (isHeldByAgent(story)) return Either.left(inProgress(story, "backfill"))
  const refusal = backfillRefusal(story, claim)
  if (refusal === "retry") return decided(story, story, { audit: [], events: [] })
  if (refusal !== null) return Either.left(refusal)
  const after = next(
    story,
    {
      agent_status: "reported_done",
      verified_status: "verified",
      reported_done_at: story.reported_done_at ?? now,
      verified_at: now,
      metadata: { ...story.metadata, backfill: backfillRecord(claim, now) },
    },
    now,
  )
  return decided(story, after, {
    audit: [
      storyAudit(
        story,
        "backfilled",
        { agent_status: story.agent_status, verified_status: story.verified_status },
        {
          agent_status: "reported_done",
          verified_status: "verified",
          source: "pre_loopctl",
          reason: claim.reason,
          evidence_url: claim.evidence_url ?? null,
          pr_number: claim.pr_number ?? null,
        },
      ),
    ],
    events: [
      {
        event: "story.backfilled",
        ...storyRef(story),
        source: "pre_loopctl",
        actor_id: actor.api_key_id,
        actor_label: actor.label,
        reason: claim.reason,
        evidence_url: claim.evidence_url ?? null,
        pr_number: claim.pr_number ?? null,
      },
    ],
  })
}
