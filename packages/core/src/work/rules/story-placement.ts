import { Either } from "effect"
import { ValidationFailed } from "../../kernel/domain/errors.js"
import type { Epic } from "../domain/epic.js"
import { epicNumberNotFoundMessage, notAnEpicProblem } from "../domain/story-commands.js"

/**
 * Which epic a story created under a project (`POST /projects/:id/stories`) goes into: the one
 * whose number the body's `epic_number` names. The body's own problems (no number, or one that
 * is not a positive integer) are refused as it is decoded (`ProjectStoryCreation`).
 */

/** The project has no epic with the number. */
export const epicNumberNotFound = (number: number) =>
  new ValidationFailed({
    message: epicNumberNotFoundMessage(number),
    details: { epic_number: [notAnEpicProblem] },
  })

/** The project's epic with the number, or the 422 saying there is none. */
export const epicNumbered = <E extends Pick<Epic, "number">>(
  epics: ReadonlyArray<E>,
  number: number,
): Either.Either<E, ValidationFailed> => {
  const found = epics.find((epic) => epic.number === number)
  return found === undefined ? Either.left(epicNumberNotFound(number)) : Either.right(found)
}
