import { StoryId, StoryPlanning, WorkActions } from "@loopctl/core"
import { Effect, Option } from "effect"
import { performAs } from "../../../core/test/fixtures/perform-as.js"
import { type Team, actorOf, team } from "./workflow-support.js"

/**
 * Object mothers of the black-box suites: the fixtures several test files build the same way,
 * made in one place so each test says only what is particular to it.
 */

/**
 * `make` run once: the first run's value is what every later run answers. A suite makes one per
 * server it starts, so its tests share one fixture (a tenant and its keys) on that server.
 */
export const madeOnce = <A, E, R>(make: Effect.Effect<A, E, R>): Effect.Effect<A, E, R> => {
  let made = Option.none<A>()
  return Effect.suspend(() =>
    Option.match(made, {
      onSome: (value) => Effect.succeed(value),
      onNone: () =>
        Effect.tap(make, (value) => {
          made = Option.some(value)
        }),
    }),
  )
}

/**
 * One `Team` (workflow-support) for a whole test file on one server: every test plans its own project, so
 * nothing is shared but the tenant and its keys.
 */
export const aTeamForTheFile = (label: string) => madeOnce(team(label))

/** The story as the core has it now, read as the team's user (to check what a refusal left alone). */
export const storedStory = (t: Team, id: string) =>
  Effect.flatMap(actorOf(t.userKey), (user) =>
    Effect.flatMap(StoryPlanning, (storyPlanning) =>
      storyPlanning.getStory(StoryId.make(id)).pipe(performAs(user, WorkActions.readStory)),
    ),
  ).pipe(Effect.orDie)
