import { Either, Schema } from "effect"

/**
 * A story number is `"M"` or `"M.m"`, each part an integer 0..9999. Stories sort by
 * `sort_key = M×10000 + m×10`, so 1.2 comes before 1.10.
 */
const shape = /^(\d+)(?:\.(\d+))?$/

export type StoryNumberProblem = "format" | "range"

/** Parses a story number into its parts, or says what is wrong with it. */
export const parseStoryNumber = (
  text: string,
): Either.Either<{ readonly major: number; readonly minor: number }, StoryNumberProblem> => {
  const match = shape.exec(text)
  if (match === null) return Either.left("format")
  const major = Number(match[1])
  const minor = match[2] === undefined ? 0 : Number(match[2])
  if (major > 9999 || minor > 9999) return Either.left("range")
  return Either.right({ major, minor })
}

export const storyNumberMessages: Record<StoryNumberProblem, string> = {
  format: "must be in format 'major.minor' or 'major'",
  range: "each part must be a non-negative integer less than 10000",
}

export const StoryNumber = Schema.String.pipe(
  Schema.filter((text) => {
    // Checked for every story of an import: a plain branch, no handler objects per call.
    const parsed = parseStoryNumber(text)
    return Either.isLeft(parsed) ? storyNumberMessages[parsed.left] : true
  }),
  Schema.brand("StoryNumber"),
)
export type StoryNumber = typeof StoryNumber.Type

/** The sort key of a valid story number. */
export const sortKeyOf = (number: StoryNumber): number =>
  Either.match(parseStoryNumber(number), {
    onLeft: () => 0,
    onRight: ({ major, minor }) => major * 10_000 + minor * 10,
  })

/** Decodes an unknown value (a string, or an integer as import allows) as a story number. */
export const decodeStoryNumber = (value: unknown): Either.Either<StoryNumber, string> => {
  const text = typeof value === "number" && Number.isInteger(value) ? String(value) : value
  if (typeof text !== "string") return Either.left(storyNumberMessages.format)
  return Either.match(parseStoryNumber(text), {
    onLeft: (problem) => Either.left(storyNumberMessages[problem]),
    onRight: () => Either.right(StoryNumber.make(text)),
  })
}
