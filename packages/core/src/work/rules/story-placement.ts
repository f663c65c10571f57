import { Either } from "effect"
import { ValidationFailed } from "../../kernel/domain/errors.js"
import { isJsonObject } from "../../kernel/domain/json.js"
import type { Epic } from "../domain/epic.js"
import { parseStoryInput } from "./work-input.js"

/**
 * Which epic a story created under a project (`POST /projects/:id/stories`) goes into: the one
 * whose number the body's `epic_number` names (an integer or a numeric string).
 */

/** The body names no epic. */
export const epicNumberRequired = () =>
  new ValidationFailed({
    message:
      "`epic_number` is required. Pass the number of the epic the story belongs to, or create the story under POST /api/v1/epics/:id/stories.",
    details: { epic_number: ["can't be blank"] },
  })

/** The project has no epic with the number. */
export const epicNumberNotFound = (number: number | string) =>
  new ValidationFailed({
    message: `Epic number ${number} not found in this project. Create the epic first, or pass the number of an existing one.`,
    details: { epic_number: ["does not name an epic of this project"] },
  })

/** The epic number a body names: a positive integer, given as a number or a numeric string. */
export const parseEpicNumber = (body: unknown): Either.Either<number, ValidationFailed> => {
  const value = isJsonObject(body) ? body.epic_number : undefined
  if (value === undefined || value === null || (typeof value === "string" && value.trim() === ""))
    return Either.left(epicNumberRequired())
  const number = typeof value === "string" && /^\s*\d+\s*$/.test(value) ? Number(value) : value
  return typeof number === "number" && Number.isSafeInteger(number) && number > 0
    ? Either.right(number)
    : Either.left(epicNumberNotFound(String(value)))
}

/**
 * The epic number of a project story body; when it is refused, the story fields' own problems
 * are named beside it, so one answer says everything that is wrong with the body.
 */
export const parseStoryPlacement = (body: unknown): Either.Either<number, ValidationFailed> =>
  Either.mapLeft(parseEpicNumber(body), (refused) => {
    const story = parseStoryInput(body)
    const others = Either.isLeft(story) ? (story.left.details ?? {}) : {}
    return new ValidationFailed({ message: refused.message, details: { ...others, ...refused.details } })
  })

/** The project's epic with the number, or the 422 saying there is none. */
export const epicNumbered = <E extends Pick<Epic, "number">>(
  epics: ReadonlyArray<E>,
  number: number,
): Either.Either<E, ValidationFailed> => {
  const found = epics.find((epic) => epic.number === number)
  return found === undefined ? Either.left(epicNumberNotFound(number)) : Either.right(found)
}
