import type { Paged } from "../../kernel/domain/page.js"
import type { ArtifactReport } from "../../workflow/domain/verification.js"
import type { StoryDependency } from "./dependency.js"
import type { Story } from "./story.js"

/**
 * A story with everything `GET /stories/:id` shows beside it. Stores read it in one go (one
 * statement on Postgres), so the hottest read of the API does not pay a round trip per part.
 */
export interface StoryDetail {
  readonly story: Story
  /** The edges where the story is the dependent, in link order (inserted_at, then id). */
  readonly dependencies: ReadonlyArray<StoryDependency>
  /** One page of the story's artifact reports, oldest first, with their total. */
  readonly artifacts: Paged<ArtifactReport>
  /** The highest verification iteration recorded for the story, or 0. */
  readonly iteration_count: number
  /** The mission of the story's project; null when it has none. */
  readonly project_mission: string | null
}
