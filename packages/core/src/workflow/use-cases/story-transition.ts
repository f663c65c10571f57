import { Effect, Option } from "effect"
import type { AuditLog } from "../../audit/ports/audit-log.js"
import { recordChange } from "../../audit/use-cases/recording.js"
import type { Outbox } from "../../events/ports/outbox.js"
import type { Actor } from "../../identity/domain/actor.js"
import { NotFound } from "../../kernel/domain/errors.js"
import { ReviewRecordId, type StoryId, VerificationResultId } from "../../kernel/domain/ids.js"
import { now } from "../../kernel/domain/timestamp.js"
import { type Ids, freshId } from "../../kernel/ports/ids.js"
import type { Story } from "../../work/domain/story.js"
import { Stories } from "../../work/ports/stories.js"
import { blockerCounts } from "../../work/rules/readiness.js"
import { ReviewRecord, VerificationResult } from "../domain/verification.js"
import { ReviewRecords, VerificationResults } from "../ports/verification-records.js"
import { type Decision, StoryCommand, decide } from "../rules/lifecycle.js"

/** The story's highest recorded iteration, when it is already known. */
export interface KnownIteration {
  readonly last_iteration?: number
}

/** The ports one story transition touches. */
export type TransitionPorts = Stories | ReviewRecords | VerificationResults | AuditLog | Outbox | Ids

/** Loads a story (held for the rest of the transaction) or fails with 404. */
export const loadStoryForUpdate = (id: StoryId) =>
  Effect.flatMap(Stories, (stories) =>
    Effect.flatMap(
      stories.findForUpdate(id),
      Option.match({ onNone: () => Effect.fail(NotFound.of("Story")), onSome: Effect.succeed }),
    ),
  )

/**
 * Applies one decided transition: saves the story, inserts the review record or verification
 * result it produced, and records its audit entries and events — all in the caller's unit of
 * work. Nothing is written when `decide` refuses.
 */
export const applyDecision = (actor: Actor, story: Story, decision: Decision, known?: KnownIteration) =>
  Effect.gen(function* () {
    const at = yield* now
    if (decision.changed) yield* Effect.flatMap(Stories, (stories) => stories.update(decision.story))
    let record: ReviewRecord | null = null
    if (decision.review !== null) {
      record = new ReviewRecord({
        id: yield* freshId(ReviewRecordId),
        tenant_id: story.tenant_id,
        story_id: story.id,
        reviewer_agent_id: actor.agent_id,
        ...decision.review,
        inserted_at: at,
        updated_at: at,
      })
      const inserted = record
      yield* Effect.flatMap(ReviewRecords, (records) => records.insert(inserted))
    }
    if (decision.verification !== null) {
      const results = yield* VerificationResults
      const iteration = (known?.last_iteration ?? (yield* results.lastIteration(story.id))) + 1
      yield* results.insert(
        new VerificationResult({
          id: yield* freshId(VerificationResultId),
          tenant_id: story.tenant_id,
          story_id: story.id,
          orchestrator_agent_id: actor.agent_id,
          ...decision.verification,
          iteration,
          inserted_at: at,
          updated_at: at,
        }),
      )
    }
    yield* recordChange(actor, story.project_id, decision)
    return { review: record }
  })

/** A command, with the story's last iteration when reading the command already read it. */
export interface PreparedCommand extends KnownIteration {
  readonly command: StoryCommand
}

/**
 * Load → build the command from what was loaded → decide → apply. Runs inside a unit of work.
 * A command built from a read that also answered the story's last iteration passes it on, so
 * recording the verdict does not read it again.
 */
export const transitionStory = <E, R>(
  actor: Actor,
  id: StoryId,
  commandFor: (story: Story) => Effect.Effect<StoryCommand | PreparedCommand, E, R>,
) =>
  Effect.gen(function* () {
    const story = yield* loadStoryForUpdate(id)
    const built = yield* commandFor(story)
    const prepared: PreparedCommand = "command" in built ? built : { command: built }
    const decision = yield* decide(story, prepared.command, actor, yield* now)
    const { review } = yield* applyDecision(actor, story, decision, prepared)
    return { before: story, decision, review }
  })

/** A claim of `story`, with the unverified prerequisites it has to wait for. */
export const claimCommandFor = (story: Story) =>
  Effect.map(
    Effect.flatMap(Stories, (stories) => stories.prerequisitesOf(story)),
    (prerequisites) => StoryCommand.Claim({ blockers: blockerCounts(prerequisites) }),
  )
