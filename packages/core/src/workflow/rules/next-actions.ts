import type { Role } from "../../work/domain/status.js"
import type { Story } from "../../work/domain/story.js"

/** A suggestion returned beside a story: what the caller can do next, and how. */
export interface NextAction {
  readonly action: string
  readonly method: "POST"
  readonly path: string
  readonly required_body: Readonly<Record<string, unknown>> | null
  readonly preconditions: ReadonlyArray<string>
  readonly learn_more: string
}

const action = (
  name: string,
  story: Story,
  segment: string,
  required_body: NextAction["required_body"],
  preconditions: ReadonlyArray<string>,
): NextAction => ({
  action: name,
  method: "POST",
  path: `/api/v1/stories/${story.id}/${segment}`,
  required_body,
  preconditions,
  learn_more: `https://loopctl.com/wiki/${segment}`,
})

/** The next steps of the lifecycle for this story and this caller's role. */
export const nextActions = (story: Story, role: Role): ReadonlyArray<NextAction> => {
  switch (story.agent_status) {
    case "pending":
      return [
        action(
          "contract",
          story,
          "contract",
          { story_title: story.title, ac_count: story.acceptance_criteria.length },
          [
            "story_title must equal the story's title",
            "ac_count must equal the number of acceptance criteria",
          ],
        ),
      ]
    case "contracted":
      return [action("claim", story, "claim", null, ["all dependencies verified", "agent role"])]
    case "assigned":
      return role === "agent" ? [action("start", story, "start", null, ["caller is the assignee"])] : []
    case "implementing":
      return role === "agent"
        ? [action("request_review", story, "request-review", null, ["caller is the assignee"])]
        : []
    case "reported_done":
      return story.verified_status === "unverified" && (role === "orchestrator" || role === "user")
        ? [
            action("verify", story, "verify", { review_type: "<type>", summary: "<what was verified>" }, [
              "a review completed after the report",
              "caller is not the implementer",
            ]),
            action("reject", story, "reject", { reason: "<why>" }, ["caller is not the implementer"]),
          ]
        : []
  }
}
