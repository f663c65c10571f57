import { Either, Schema } from "effect"
import { NotFound, type ValidationFailed } from "../../kernel/domain/errors.js"
import { EpicId, StoryId } from "../../kernel/domain/ids.js"
import type { EpicDependencyCreation, StoryDependencyCreation } from "../domain/dependency.js"
import { checkEpicSelfDependency, checkStorySelfDependency } from "./graph.js"

/**
 * The ids of a decoded edge creation (workflow.md §4.3). The checks that need no stored rows
 * come first and in the spec's order: both ids present (the contract's 422), not the same id
 * (422), and each a uuid (a malformed id names nothing: 404, like an unknown one). Ids are read
 * trimmed and lower-cased.
 */

/** A valid story edge request: `story_id` waits for `depends_on_story_id`. */
export interface StoryDependencyInput {
  readonly story_id: StoryId
  readonly depends_on_story_id: StoryId
}

/** A valid epic edge request: the stories of `epic_id` wait for those of `depends_on_epic_id`. */
export interface EpicDependencyInput {
  readonly epic_id: EpicId
  readonly depends_on_epic_id: EpicId
}

const normalised = (id: string) => id.trim().toLowerCase()

const decodeId =
  <A>(schema: Schema.Schema<A, string>) =>
  (raw: string): Either.Either<A, NotFound> =>
    Either.mapLeft(Schema.decodeUnknownEither(schema)(raw), () => new NotFound({ message: "Not found" }))

export const storyDependencyInput = (
  creation: StoryDependencyCreation,
): Either.Either<StoryDependencyInput, ValidationFailed | NotFound> =>
  Either.gen(function* () {
    const story = normalised(creation.story_id)
    const dependsOn = normalised(creation.depends_on_story_id)
    yield* checkStorySelfDependency(story, dependsOn)
    return {
      story_id: yield* decodeId(StoryId)(story),
      depends_on_story_id: yield* decodeId(StoryId)(dependsOn),
    }
  })

export const epicDependencyInput = (
  creation: EpicDependencyCreation,
): Either.Either<EpicDependencyInput, ValidationFailed | NotFound> =>
  Either.gen(function* () {
    const epic = normalised(creation.epic_id)
    const dependsOn = normalised(creation.depends_on_epic_id)
    yield* checkEpicSelfDependency(epic, dependsOn)
    return {
      epic_id: yield* decodeId(EpicId)(epic),
      depends_on_epic_id: yield* decodeId(EpicId)(dependsOn),
    }
  })
