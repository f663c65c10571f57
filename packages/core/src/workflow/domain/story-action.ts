/**
 * Every action that changes (or, for request-review, acts on) a story, in the wire's words: a
 * refusal names it as its `attempted_action`, and a transition suggests the next ones.
 */
export type StoryAction =
  | "contract"
  | "claim"
  | "start"
  | "request-review"
  | "report"
  | "unclaim"
  | "force-unclaim"
  | "review-complete"
  | "verify"
  | "reject"
  | "mark-complete"
  | "report-artifact"
  | "backfill"
