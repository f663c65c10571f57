/**
 * What a story waits for: its direct prerequisite stories and the stories of its epic's
 * prerequisite epics. The store loads it for a claim (`Stories.prerequisitesOf`) and the readiness
 * rule judges it, so both sides share this one shape; `S` is as much of a story as the reader needs.
 */
export interface Prerequisites<S> {
  readonly stories: ReadonlyArray<S>
  readonly epic_stories: ReadonlyArray<S>
}
