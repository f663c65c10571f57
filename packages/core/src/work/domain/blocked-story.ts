import type { Story } from "./story.js"

/** A story that waits for others, with what it waits for (the item of `GET /stories/blocked`). */
export interface BlockedStory<S = Story> {
  readonly story: S
  /** Its unverified direct prerequisites first, then the unverified stories of its epic's prerequisite epics. */
  readonly blocking_dependencies: ReadonlyArray<S>
}
