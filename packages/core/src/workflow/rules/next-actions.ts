import type { Role } from "../../work/domain/status.js"
import type { Story } from "../../work/domain/story.js"
import type { StoryAction } from "../domain/story-action.js"

/** The actions a transition's answer can suggest. */
export type SuggestedAction = Extract<
  StoryAction,
  "contract" | "claim" | "start" | "request-review" | "verify" | "reject"
>

/**
 * A suggestion returned beside a story: what the caller can do next, with the body it has to
 * send and what must hold. How to call it (method, path, documentation) is the transport's to say.
 */
export interface NextAction {
  readonly action: SuggestedAction
  readonly required_body: Readonly<Record<string, unknown>> | null
  readonly preconditions: ReadonlyArray<string>
}

const suggest = (
  action: SuggestedAction,
  required_body: NextAction["required_body"],
  preconditions: ReadonlyArray<string>,
): NextAction => ({ action, required_body, preconditions })

/** The next steps of the lifecycle for this story and this caller's role. */
export const nextActions = (story: Story, role: Role): ReadonlyArray<NextAction> => {
  switch (story.agent_status) {
    case "pending":
      return [
        suggest("contract", { story_title: story.title, ac_count: story.acceptance_criteria.length }, [
          "story_title must equal the story's title",
          "ac_count must equal the number of acceptance criteria",
        ]),
      ]
    case "contracted":
      return [suggest("claim", null, ["all dependencies verified", "agent role"])]
    case "assigned":
      return role === "agent" ? [suggest("start", null, ["caller is the assignee"])] : []
    case "implementing":
      return role === "agent" ? [suggest("request-review", null, ["caller is the assignee"])] : []
    case "reported_done":
      return story.verified_status === "unverified" && (role === "orchestrator" || role === "user")
        ? [
            suggest("verify", { review_type: "<type>", summary: "<what was verified>" }, [
              "a review completed after the report",
              "caller is not the implementer",
            ]),
            suggest("reject", { reason: "<why>" }, ["caller is not the implementer"]),
          ]
        : []
  }
}
