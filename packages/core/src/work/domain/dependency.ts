import { Schema } from "effect"
import { EpicDependencyId, EpicId, StoryDependencyId, StoryId, TenantId } from "../../kernel/domain/ids.js"
import { RequiredText } from "../../kernel/domain/text-fields.js"
import { Timestamp } from "../../kernel/domain/timestamp.js"

/** `story_id` cannot be claimed until `depends_on_story_id` is verified. */
export class StoryDependency extends Schema.Class<StoryDependency>("StoryDependency")({
  id: StoryDependencyId,
  tenant_id: TenantId,
  story_id: StoryId,
  depends_on_story_id: StoryId,
  inserted_at: Timestamp,
}) {}

/** No story of `epic_id` is ready until every story of `depends_on_epic_id` is verified. */
export class EpicDependency extends Schema.Class<EpicDependency>("EpicDependency")({
  id: EpicDependencyId,
  tenant_id: TenantId,
  epic_id: EpicId,
  depends_on_epic_id: EpicId,
  inserted_at: Timestamp,
}) {}

/**
 * One end of an edge as a create body names it: a non-blank text (null reads as blank). It is
 * read as an id by the core, after the self-dependency check: a text that is no uuid names
 * nothing (404, like an unknown id).
 */
export const EdgeEnd = RequiredText().annotations({ jsonSchema: { type: "string", format: "uuid" } })

/** The body of a story edge's creation: `story_id` waits for `depends_on_story_id`. */
export const StoryDependencyCreation = Schema.Struct({
  story_id: EdgeEnd.annotations({ description: "The dependent story (required)" }),
  depends_on_story_id: EdgeEnd.annotations({
    description: "The story it waits for, in the same project (required)",
  }),
}).annotations({ parseOptions: { errors: "all" } })
export type StoryDependencyCreation = typeof StoryDependencyCreation.Type

/** The body of an epic edge's creation: the stories of `epic_id` wait for those of `depends_on_epic_id`. */
export const EpicDependencyCreation = Schema.Struct({
  epic_id: EdgeEnd.annotations({ description: "The dependent epic (required)" }),
  depends_on_epic_id: EdgeEnd.annotations({
    description: "The epic it waits for, in the same project (required)",
  }),
}).annotations({ parseOptions: { errors: "all" } })
export type EpicDependencyCreation = typeof EpicDependencyCreation.Type
