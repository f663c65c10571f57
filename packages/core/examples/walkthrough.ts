/**
 * Embedding @loopctl/core: a whole story's life on the in-memory adapter, no database, no server.
 *
 * Three agents take part, and the trust model keeps them apart:
 *   - the implementer contracts, claims and starts the story, but may not report it done;
 *   - a second agent reports it and reviews it;
 *   - an orchestrator agent (a third identity) verifies it.
 */
import {
  Actor,
  AgentId,
  ApiKeyId,
  type Caller,
  Importer,
  type Policy,
  ProjectPlanning,
  StoryActions,
  StoryLifecycle,
  TenantId,
  Verification,
  WorkActions,
  WorkQueues,
  actingAs,
  policyUse,
} from "@loopctl/core"
import { MemoryLoopctl } from "@loopctl/core/memory"
import { Console, Effect } from "effect"

/** Runs a use case as `caller` under the policy of its action, as the HTTP edge does. */
const performAs =
  <Action extends string, E>(caller: Caller, p: Policy<Action, E>) =>
  <A, E2, R>(effect: Effect.Effect<A, E2, R>) =>
    effect.pipe(policyUse(p), actingAs(caller))

const tenant_id = TenantId.make("6b7f3c1e-0000-4000-8000-000000000001")
const key = (n: number, role: Actor["role"], agent: string | null) =>
  new Actor({
    tenant_id,
    api_key_id: ApiKeyId.make(`6b7f3c1e-0000-4000-8000-00000000010${n}`),
    key_name: `${role}-${n}`,
    role,
    agent_id: agent === null ? null : AgentId.make(agent),
  })

/** The people and agents of this walkthrough. */
export const cast = {
  owner: key(1, "user", null),
  implementer: key(2, "agent", "6b7f3c1e-0000-4000-8000-00000000020a"),
  reviewer: key(3, "agent", "6b7f3c1e-0000-4000-8000-00000000020b"),
  verifier: key(4, "orchestrator", "6b7f3c1e-0000-4000-8000-00000000020c"),
}

/** The walk itself; returns what happened, step by step. */
export const walkthrough = Effect.gen(function* () {
  const projectPlanning = yield* ProjectPlanning
  const queues = yield* WorkQueues
  const importer = yield* Importer
  const lifecycle = yield* StoryLifecycle
  const verification = yield* Verification
  const log: Array<string> = []
  const say = (line: string) => Effect.sync(() => log.push(line)).pipe(Effect.zipRight(Console.log(line)))

  // The owner acts under each work action's policy, as the HTTP edge runs it for a request's key.
  const asOwner = actingAs(cast.owner)
  const project = yield* asOwner(
    policyUse(WorkActions.createProject)(
      projectPlanning.createProject({ name: "Bookshop", slug: "bookshop" }),
    ),
  )
  const imported = importer.importProject(project.id, {
    epics: [
      {
        number: 1,
        title: "Catalogue",
        stories: [
          {
            number: "1.1",
            title: "List books",
            acceptance_criteria: [{ id: "AC-1", description: "GET /books returns the catalogue" }],
          },
        ],
      },
    ],
  })
  yield* asOwner(policyUse(WorkActions.importWork)(imported))
  const {
    data: [story],
  } = yield* asOwner(policyUse(WorkActions.readQueue)(queues.readyQueue({ project_id: project.id })))
  if (story === undefined) return yield* Effect.dieMessage("the imported story should be ready")
  yield* say(`imported ${story.number} "${story.title}": ${story.agent_status}/${story.verified_status}`)

  const { implementer, reviewer, verifier } = cast
  yield* performAs(
    implementer,
    StoryActions.contract,
  )(lifecycle.contract(story.id, { story_title: "List books", ac_count: 1 }))
  yield* performAs(implementer, StoryActions.claim)(lifecycle.claim(story.id))
  const started = yield* performAs(implementer, StoryActions.start)(lifecycle.start(story.id))
  yield* say(`implementer claimed and started it: ${started.story.agent_status}`)

  const selfReport = yield* Effect.flip(
    performAs(implementer, StoryActions.report)(lifecycle.report(story.id)),
  )
  yield* say(
    `implementer tries to report its own work: refused (${"code" in selfReport ? selfReport.code : selfReport._tag})`,
  )

  const reported = yield* performAs(reviewer, StoryActions.report)(lifecycle.report(story.id))
  yield* say(`reviewer reports it done: ${reported.story.agent_status}`)
  yield* performAs(
    reviewer,
    StoryActions.reviewComplete,
  )(lifecycle.reviewComplete(story.id, { review_type: "enhanced", findings_count: 1, fixes_count: 1 }))
  yield* say("reviewer records a completed review (1 finding, 1 fixed)")

  const verified = yield* performAs(
    verifier,
    StoryActions.verify,
  )(
    verification.verify(story.id, {
      review_type: "enhanced",
      summary: "Catalogue endpoint checked against AC-1",
    }),
  )
  yield* say(`orchestrator verifies it: ${verified.story.agent_status}/${verified.story.verified_status}`)
  return { log, story: verified.story }
})

/** The walkthrough with its in-memory store. */
export const runWalkthrough = walkthrough.pipe(Effect.provide(MemoryLoopctl))
