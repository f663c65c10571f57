import { Either, Schema } from "effect"
import { NotFound, type ValidationFailed } from "../../kernel/domain/errors.js"
import { EpicId, StoryId } from "../../kernel/domain/ids.js"
import { isJsonObject } from "../../kernel/domain/json.js"
import { FieldProblems } from "../../kernel/rules/field-problems.js"
import { checkEpicSelfDependency, checkStorySelfDependency } from "./graph.js"

/**
 * The create bodies of dependency edges (workflow.md §4.3). The checks that need no stored rows
 * come first and in the spec's order: both ids present (422, where the original crashed), not
 * the same id (422), and each a uuid (a malformed id names nothing: 404, like an unknown one).
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

/** The two ids of a body, trimmed and lower-cased, or the 422 naming what is missing. */
const idPair = (
  body: unknown,
  first: string,
  second: string,
): Either.Either<readonly [string, string], ValidationFailed> => {
  const input = isJsonObject(body) ? body : {}
  const problems = new FieldProblems()
  const read = (field: string): string => {
    const value = input[field]
    if (value === undefined || value === null || (typeof value === "string" && value.trim() === "")) {
      problems.add(field, "can't be blank")
      return ""
    }
    if (typeof value !== "string") {
      problems.add(field, "is invalid")
      return ""
    }
    return value.trim().toLowerCase()
  }
  const pair = [read(first), read(second)] as const
  return problems.result(() => pair)
}

const decodeId =
  <A>(schema: Schema.Schema<A, string>) =>
  (raw: string): Either.Either<A, NotFound> =>
    Either.mapLeft(Schema.decodeUnknownEither(schema)(raw), () => new NotFound({ message: "Not found" }))

export const parseStoryDependencyInput = (
  body: unknown,
): Either.Either<StoryDependencyInput, ValidationFailed | NotFound> =>
  Either.gen(function* () {
    const [story, dependsOn] = yield* idPair(body, "story_id", "depends_on_story_id")
    yield* checkStorySelfDependency(story, dependsOn)
    return {
      story_id: yield* decodeId(StoryId)(story),
      depends_on_story_id: yield* decodeId(StoryId)(dependsOn),
    }
  })

export const parseEpicDependencyInput = (
  body: unknown,
): Either.Either<EpicDependencyInput, ValidationFailed | NotFound> =>
  Either.gen(function* () {
    const [epic, dependsOn] = yield* idPair(body, "epic_id", "depends_on_epic_id")
    yield* checkEpicSelfDependency(epic, dependsOn)
    return {
      epic_id: yield* decodeId(EpicId)(epic),
      depends_on_epic_id: yield* decodeId(EpicId)(dependsOn),
    }
  })
