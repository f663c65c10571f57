import { Effect, Option } from "effect"
import { recordChange } from "../../audit/use-cases/recording.js"
import type { Actor } from "../../identity/domain/actor.js"
import { tenantSettings } from "../../identity/domain/tenant.js"
import { Tenants } from "../../identity/ports/tenants.js"
import type { StoryId } from "../../kernel/domain/ids.js"
import type { Story } from "../../work/domain/story.js"
import { Epics } from "../../work/ports/epics.js"
import { VerificationResults } from "../ports/verification-records.js"
import { type Rejection, type VerifyEvidence, epicJustCompleted } from "../rules/evidence.js"
import { StoryCommand } from "../rules/lifecycle.js"
import { transitionStory } from "./story-transition.js"

/**
 * The verifier's steps on one story, run inside the caller's unit of work: shared by the single
 * endpoints, verify-all and the bulk requests so every path applies the same gates.
 */

/** Records `epic.completed` the first time the story's epic has every story verified. */
export const completeEpicIfDone = (actor: Actor, story: Story) =>
  Effect.gen(function* () {
    // Hold the epic first, so verifies of its last stories decide completion one after
    // another and the later one sees the earlier one's committed story.
    // The count is taken under the lock, with the story's own new state in it.
    const held = yield* Effect.flatMap(Epics, (epics) => epics.holdWithTally(story.epic_id))
    if (Option.isNone(held)) return
    const { epic, tally, completion_recorded } = held.value
    if (!epicJustCompleted(tally, completion_recorded)) return
    const summary = {
      epic_id: epic.id,
      epic_number: epic.number,
      epic_title: epic.title,
      project_id: epic.project_id,
      story_count: tally.total,
    }
    yield* recordChange(actor, story.project_id, {
      audit: [
        {
          entity_type: "epic",
          entity_id: epic.id,
          action: "completed",
          actor: "caller",
          old_state: null,
          new_state: summary,
        },
      ],
      events: [{ event: "epic.completed", ...summary }],
    })
  })

/** One full verify: the story, its latest review, the decision, the writes, the epic's completion. */
export const verifyStory = (actor: Actor, id: StoryId, evidence: VerifyEvidence) =>
  Effect.gen(function* () {
    // The latest review and the last iteration in one read: the verdict needs both.
    const { decision } = yield* transitionStory(actor, id, (story) =>
      Effect.map(
        Effect.flatMap(VerificationResults, (results) => results.standingOf(story.id)),
        (standing) => ({
          command: StoryCommand.Verify({
            evidence,
            latest_review_completed_at: standing.latest_review_completed_at,
          }),
          last_iteration: standing.last_iteration,
        }),
      ),
    )
    yield* completeEpicIfDone(actor, decision.story)
    return decision.story
  })

/** Whether the actor's tenant sends rejected stories back to pending (the default). */
export const autoResetOnRejection = (actor: Actor) =>
  Effect.map(
    Effect.flatMap(Tenants, (tenants) => tenants.findById(actor.tenant_id)),
    (tenant) =>
      Option.match(tenant, {
        onNone: () => true,
        onSome: (t) => tenantSettings(t.settings).auto_reset_on_rejection,
      }),
  )

/** One reject, with the tenant's auto-reset setting. */
export const rejectStory = (actor: Actor, id: StoryId, rejection: Rejection) =>
  Effect.flatMap(autoResetOnRejection(actor), (auto_reset) =>
    transitionStory(actor, id, () => Effect.succeed(StoryCommand.Reject({ rejection, auto_reset }))),
  )
