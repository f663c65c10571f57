import { Schema } from "effect"
import { EpicDependencyId, EpicId, StoryDependencyId, StoryId, TenantId } from "../../kernel/domain/ids.js"
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
