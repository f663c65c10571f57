import { Schema } from "effect"
import { overridingMessage } from "../../kernel/domain/fields.js"
import { JsonObjectField } from "../../kernel/domain/json-fields.js"
import { nullOr, omittable } from "../../kernel/domain/optional-fields.js"
import { EpicDescription, EpicNumberInput, EpicPhase, EpicPosition, EpicTitle } from "./epic.js"
import {
  AcceptanceCriteriaInput,
  EstimatedHours,
  StoryDescription,
  StoryMetadata,
  StoryNumberInput,
  StoryTitle,
} from "./story-commands.js"

/**
 * The import document (`POST /projects/:id/import`), read with the same field Schemas as the
 * epic and story bodies, so an import refuses what a create or PATCH refuses, in the same words.
 * The import rule reads a document step by step (shape, limits, numbers, duplicates, then these
 * fields) and answers the first problem found, as the original did.
 */

/** The most epics one import may carry. */
export const maxImportEpics = 500
/**
 * The most stories one import may carry, counted over all its epics. The original stopped at
 * 5,000; a project of 10,000 stories imports in one document here, with room to spare.
 */
export const maxImportStories = 20_000

/** The values a story's `initial_agent_status` may name. */
export const initialAgentStatuses = ["pending", "reported_done"] as const

/** The values a story's `initial_verified_status` may name (`pass` is a synonym of verified). */
export const initialVerifiedStatuses = ["unverified", "verified", "pass"] as const

/** One of `choices`, or a refusal listing them. */
const listed = <const Choices extends readonly [string, ...Array<string>]>(choices: Choices) =>
  Schema.Literal(...choices).annotations(overridingMessage(() => `must be one of: ${choices.join(", ")}`))

/** The fields of an imported epic that the import's field rules read (its number is read before). */
export const ImportedEpicFields = Schema.Struct({
  title: EpicTitle,
  description: omittable(nullOr(EpicDescription)),
  phase: omittable(nullOr(EpicPhase)),
  position: omittable(nullOr(EpicPosition)),
  metadata: omittable(nullOr(JsonObjectField)),
}).annotations({ parseOptions: { errors: "all" } })
export type ImportedEpicFields = typeof ImportedEpicFields.Type

/**
 * The fields of an imported story that the import's field rules read. Its acceptance criteria
 * are judged with the document's shape, before the numbers.
 */
export const ImportedStoryFields = Schema.Struct({
  number: StoryNumberInput,
  title: StoryTitle,
  description: omittable(nullOr(StoryDescription)),
  estimated_hours: omittable(nullOr(EstimatedHours)),
  metadata: omittable(nullOr(StoryMetadata)),
  initial_agent_status: omittable(nullOr(listed(initialAgentStatuses))),
  initial_verified_status: omittable(nullOr(listed(initialVerifiedStatuses))),
}).annotations({ parseOptions: { errors: "all" } })
export type ImportedStoryFields = typeof ImportedStoryFields.Type

/** A story of the document. A fresh import may start it as reported done or verified. */
export const ImportedStory = Schema.Struct({
  ...ImportedStoryFields.fields,
  acceptance_criteria: omittable(
    nullOr(AcceptanceCriteriaInput).annotations({
      description:
        'Objects, e.g. {"id": "AC-1", "description": "Feature works"}; description is stored as criterion',
    }),
  ),
}).annotations({ identifier: "ImportedStory" })

/** An epic of the document with its stories. */
export const ImportedEpic = Schema.Struct({
  number: EpicNumberInput,
  ...ImportedEpicFields.fields,
  stories: omittable(Schema.Array(ImportedStory)),
}).annotations({ identifier: "ImportedEpic" })

/** A story edge by numbers (`story_number` / `depends_on_story` are read as aliases). */
export const ImportedStoryDependency = Schema.Struct({
  story: StoryNumberInput,
  depends_on: StoryNumberInput,
}).annotations({ identifier: "ImportedStoryDependency" })

/** An epic edge by numbers (`epic_number` / `depends_on_epic` are read as aliases). */
export const ImportedEpicDependency = Schema.Struct({
  epic: EpicNumberInput,
  depends_on: EpicNumberInput,
}).annotations({ identifier: "ImportedEpicDependency" })

/** The whole document: epics with their stories, and the dependencies between them by number. */
export const ImportDocument = Schema.Struct({
  epics: omittable(Schema.Array(ImportedEpic).pipe(Schema.maxItems(maxImportEpics))),
  story_dependencies: omittable(Schema.Array(ImportedStoryDependency)),
  epic_dependencies: omittable(Schema.Array(ImportedEpicDependency)),
  merge: omittable(
    Schema.Union(Schema.Literal("true", "false"), Schema.Boolean).annotations({
      description: "The same as ?merge=true",
    }),
  ),
})
export type ImportDocument = typeof ImportDocument.Type
