import { Effect, Option } from "effect"
import { NotFound } from "../../kernel/domain/errors.js"
import type { StoryId } from "../../kernel/domain/ids.js"
import { type PageRequest, pageMeta } from "../../kernel/domain/page.js"
import { type Policy, policyRequire } from "../../kernel/policy/policy.js"
import { UnitOfWork } from "../../kernel/ports/unit-of-work.js"
import { ArtifactReports, VerificationResults } from "../../workflow/ports/verification-records.js"
import { WorkActions } from "../policy/work-actions.js"
import { Stories } from "../ports/stories.js"

/**
 * What has been recorded about a story besides its state: its verification results and its
 * artifact reports. Reads only; an unknown story (or another tenant's) is a 404.
 */
export class StoryRecords extends Effect.Service<StoryRecords>()("@loopctl/core/StoryRecords", {
  effect: Effect.gen(function* () {
    const ports = yield* Effect.context<UnitOfWork | Stories | VerificationResults | ArtifactReports>()
    const uow = yield* UnitOfWork

    /** As the granted actor: the story's existence and the read in one transaction of its tenant. */
    const ofStory = <Action extends string, A, R>(
      p: Policy<Action, unknown>,
      id: StoryId,
      read: Effect.Effect<A, never, R>,
    ) =>
      policyRequire(p)((actor) =>
        uow.transact(
          actor.tenant_id,
          Effect.flatMap(
            Effect.flatMap(Stories, (stories) => stories.findById(id)),
            (story) => (Option.isNone(story) ? Effect.fail(NotFound.of("Story")) : read),
          ),
        ),
      ).pipe(Effect.provide(ports))

    return {
      /** A story's verification results, newest first. */
      verifications: (id: StoryId, page: PageRequest) =>
        ofStory(
          WorkActions.readVerifications,
          id,
          Effect.map(
            Effect.flatMap(VerificationResults, (results) => results.listByStory(id, page)),
            (found) => ({ data: found.items, meta: pageMeta(page, found.total_count) }),
          ),
        ),
      /** A story's artifact reports, oldest first. */
      artifacts: (id: StoryId, page: PageRequest) =>
        ofStory(
          WorkActions.readArtifacts,
          id,
          Effect.map(
            Effect.flatMap(ArtifactReports, (reports) => reports.listByStory(id, page)),
            (found) => ({ data: found.items, meta: pageMeta(page, found.total_count) }),
          ),
        ),
    }
  }),
}) {}
