import { Either, ParseResult, Schema } from "effect"
import type { FieldErrors } from "../../kernel/domain/errors.js"
import { blankMessage, overridingMessage } from "../../kernel/domain/fields.js"
import { JsonObjectField } from "../../kernel/domain/json-fields.js"
import { JsonObject, isJsonObject } from "../../kernel/domain/json.js"
import { nullOr, omittable } from "../../kernel/domain/optional-fields.js"
import { RefusalSummaryId } from "../../kernel/domain/refusal.js"
import { RequiredText, TextField } from "../../kernel/domain/text-fields.js"
import { StoryNumber, decodeStoryNumber, storyNumberMessages } from "./story-number.js"

/**
 * The limits of a story's fields, stated once: the create bodies, the PATCH and the import read
 * each field with the same Schema, so they refuse the same values with the same words.
 */

/** The most characters (code points, as the column's CHECK counts them; see characterCount) a title holds. */
export const STORY_TITLE_MAX = 500

/** The most characters a description holds. */
export const STORY_DESCRIPTION_MAX = 50_000

/** A story's title: not blank, at most 500 characters, storable. */
export const StoryTitle = RequiredText({ max: STORY_TITLE_MAX })

/** A story's description: text of at most 50,000 characters. */
export const StoryDescription = TextField({ max: STORY_DESCRIPTION_MAX })

/** A story's metadata: a free-form JSON object. */
export const StoryMetadata = JsonObjectField

/**
 * A story number as a body sends it: `"M"` or `"M.m"` (an integer is read as its text, as the
 * import always allowed). Null and empty text are blank; any other value is not in the format.
 */
export const StoryNumberInput = Schema.transformOrFail(
  Schema.Union(Schema.String, Schema.Number).annotations(
    overridingMessage((issue) => (issue.actual === null ? blankMessage : storyNumberMessages.format)),
  ),
  Schema.typeSchema(StoryNumber),
  {
    strict: true,
    decode: (value, _, ast) =>
      value === ""
        ? ParseResult.fail(new ParseResult.Type(ast, value, blankMessage))
        : Either.match(decodeStoryNumber(value), {
            onLeft: (problem) => ParseResult.fail(new ParseResult.Type(ast, value, problem)),
            onRight: ParseResult.succeed,
          }),
    encode: ParseResult.succeed,
  },
).annotations({ jsonSchema: { type: "string" } })

/** The acceptance criteria of a story: a list of objects, each kept as it was sent. */
export const AcceptanceCriteriaInput = Schema.Array(JsonObject).annotations(
  overridingMessage(() => "must be an array of objects"),
)

/** The problem of an estimate that is not a number of hours. */
export const hoursProblem = "must be a number of hours of at least 0"

/** A decimal number as text, as a numeric column casts it. */
const decimalText = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/

/**
 * `estimated_hours`: a finite number of at least 0, or text holding one (`"2.5"`). Anything else
 * is refused (D26) — on create, PATCH and import alike — rather than dropped.
 */
export const EstimatedHours = Schema.transformOrFail(
  Schema.Union(Schema.Number, Schema.String).annotations(overridingMessage(() => hoursProblem)),
  Schema.Number.pipe(Schema.finite(), Schema.nonNegative()),
  {
    strict: true,
    decode: (value, _, ast) => {
      const text = typeof value === "string" ? value.trim() : ""
      const hours = typeof value === "number" ? value : decimalText.test(text) ? Number(text) : Number.NaN
      return Number.isFinite(hours) && hours >= 0
        ? ParseResult.succeed(hours)
        : ParseResult.fail(new ParseResult.Type(ast, value, hoursProblem))
    },
    encode: ParseResult.succeed,
  },
).annotations({ jsonSchema: { type: "number", minimum: 0 } })

/** The fields of a story create body, shared by both create routes. */
const storyCreationFields = {
  number: StoryNumberInput.annotations({
    description: '"M" or "M.m", each part 0..9999, unique in the project (required)',
  }),
  title: StoryTitle.annotations({ description: "1..500 characters (required)" }),
  description: omittable(nullOr(StoryDescription).annotations({ description: "At most 50,000 characters" })),
  acceptance_criteria: omittable(
    nullOr(AcceptanceCriteriaInput).annotations({
      description: "An array of objects, stored as sent (default [])",
    }),
  ),
  estimated_hours: omittable(
    nullOr(EstimatedHours).annotations({
      description: "A number of hours of at least 0, or text holding one",
    }),
  ),
  metadata: omittable(nullOr(StoryMetadata).annotations({ description: "Free-form object" })),
}

/** The body of a story's creation in an epic (the epic comes from the route): every problem at once. */
export const StoryCreation = Schema.Struct(storyCreationFields).annotations({
  parseOptions: { errors: "all" },
})
export type StoryCreation = typeof StoryCreation.Type

/** What `epic_number` says when it names no epic: not a positive integer, or no such epic. */
export const notAnEpicProblem = "does not name an epic of this project"

/**
 * The `epic_number` of a project story body: a positive integer, sent as a number or as text
 * holding one. Null or blank is "can't be blank"; anything else names no epic of the project.
 */
export const EpicNumberReference = Schema.transformOrFail(
  Schema.Union(Schema.Number, Schema.String).annotations(
    overridingMessage((issue) => (issue.actual === null ? blankMessage : notAnEpicProblem)),
  ),
  Schema.Int.pipe(Schema.positive()),
  {
    strict: true,
    decode: (value, _, ast) => {
      if (typeof value === "string" && value.trim() === "")
        return ParseResult.fail(new ParseResult.Type(ast, value, blankMessage))
      const number = typeof value === "string" && /^\s*\d+\s*$/.test(value) ? Number(value) : value
      return typeof number === "number" && Number.isSafeInteger(number) && number > 0
        ? ParseResult.succeed(number)
        : ParseResult.fail(new ParseResult.Type(ast, value, notAnEpicProblem))
    },
    encode: ParseResult.succeed,
  },
).annotations({ jsonSchema: { type: "integer", minimum: 1 } })

/** The message of a body that names no epic. */
export const epicNumberRequiredMessage =
  "`epic_number` is required. Pass the number of the epic the story belongs to, or create the story under POST /api/v1/epics/:id/stories."

/** The message of an epic number the project does not have. */
export const epicNumberNotFoundMessage = (number: unknown) =>
  `Epic number ${String(number)} not found in this project. Create the epic first, or pass the number of an existing one.`

/**
 * The message of a refused project story body: what is wrong with `epic_number` when it is one
 * of the problems (quoting the number as sent), else the usual "Validation failed".
 */
const placementSummary = (details: FieldErrors, input?: unknown): string | undefined => {
  const problems = details.epic_number
  if (problems === undefined) return undefined
  if (problems.includes(blankMessage)) return epicNumberRequiredMessage
  return epicNumberNotFoundMessage(isJsonObject(input) ? input.epic_number : undefined)
}

/** The body of a story's creation in a project: the story and the number of its epic. */
export const ProjectStoryCreation = Schema.Struct({
  epic_number: EpicNumberReference.annotations({
    description: "The number of the project's epic the story goes into (required)",
  }),
  ...storyCreationFields,
}).annotations({ parseOptions: { errors: "all" }, [RefusalSummaryId]: placementSummary })
export type ProjectStoryCreation = typeof ProjectStoryCreation.Type

/**
 * The body of a story PATCH: the writable fields, each optional. A null field is no change, a
 * blank description clears it; statuses, number and epic are not writable (a body naming them is
 * not refused, they are kept), so the trust model's fields move only through the lifecycle.
 */
export const StoryPatch = Schema.Struct({
  title: omittable(nullOr(StoryTitle).annotations({ description: "1..500 characters" })),
  description: omittable(
    nullOr(StoryDescription).annotations({
      description: "At most 50,000 characters; a blank one clears it",
    }),
  ),
  acceptance_criteria: omittable(
    nullOr(AcceptanceCriteriaInput).annotations({
      description: "Replaces the stored array (objects, stored as sent)",
    }),
  ),
  estimated_hours: omittable(
    nullOr(EstimatedHours).annotations({ description: "A number of hours of at least 0" }),
  ),
  metadata: omittable(nullOr(StoryMetadata).annotations({ description: "Replaces the stored object" })),
}).annotations({ parseOptions: { errors: "all" } })
export type StoryPatch = typeof StoryPatch.Type
