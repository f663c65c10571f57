import { describe, expect, it } from "@effect/vitest"
import { Either, FastCheck } from "effect"
import type { Actor } from "../../../src/identity/domain/actor.js"
import type { AgentId } from "../../../src/kernel/domain/ids.js"
import type { Story } from "../../../src/work/domain/story.js"
import type { StoryAction } from "../../../src/workflow/domain/story-action.js"
import type { BackfillClaim } from "../../../src/workflow/rules/backfill.js"
import { StoryCommand, commandAction } from "../../../src/workflow/rules/lifecycle.js"
import {
  aStory,
  actor,
  agentA,
  agentB,
  agentC,
  agentIds,
  arbAgentStatus,
  arbVerifiedStatus,
  at,
  storyIn,
} from "../../fixtures/stories.js"
import { decideAs } from "../../fixtures/story-gates.js"
import { errorEnvelope } from "../../fixtures/wire-status.js"

/**
 * Custody of a story (D22, D23): every agent that ever claimed it is its implementer for good —
 * unclaim, force-unclaim, reject and auto-reset do not wash that away — and work an agent holds
 * cannot be marked complete or backfilled past its review chain.
 */

const claim: BackfillClaim = { reason: "shipped before loopctl", evidence_url: null, pr_number: null }
const review = {
  review_type: "team",
  findings_count: 0,
  fixes_count: 0,
  disproved_count: 0,
  summary: "ok",
  completed_at: at(50),
}
const contract = StoryCommand.Contract({ terms: { story_title: "Add the login page", ac_count: 2 } })
const claimIt = StoryCommand.Claim({ blockers: { stories: 0, epic_stories: 0 } })
// A review far in the future always postdates the report, so verify is refused only by its gates.
const verify = StoryCommand.Verify({
  evidence: { result: "pass", summary: "checked", review_type: "team", findings: {} },
  latest_review_completed_at: at(3000),
})
const reject = (auto_reset: boolean) =>
  StoryCommand.Reject({ rejection: { reason: "broken", findings: {}, review_type: null }, auto_reset })
const markComplete = StoryCommand.MarkComplete({
  completion: { summary: "pre-existing", review_type: "pre_existing" },
})
const backfill = StoryCommand.Backfill({ claim })

/** The actions that decide a story's outcome: none may be taken by one of its implementers. */
const custodyActions: ReadonlyArray<StoryAction> = [
  "report",
  "review-complete",
  "verify",
  "reject",
  "mark-complete",
  "backfill",
]

/** Three agents, each reachable through an agent key and an orchestrator key linked to it. */
const trustAgents = [agentA, agentB, agentC] as const
const arbTrustActor = FastCheck.tuple(
  FastCheck.constantFrom("agent" as const, "orchestrator" as const),
  FastCheck.constantFrom(...trustAgents),
).map(([role, agent]) => actor(role, agent))

/** Commands weighted towards the claim/release paths the property is about. */
const arbTrustCommand: FastCheck.Arbitrary<StoryCommand> = FastCheck.oneof(
  { arbitrary: FastCheck.constant(contract), weight: 3 },
  { arbitrary: FastCheck.constant(claimIt), weight: 3 },
  { arbitrary: FastCheck.constant(StoryCommand.Start()), weight: 2 },
  { arbitrary: FastCheck.constant(StoryCommand.Report()), weight: 2 },
  { arbitrary: FastCheck.constant(StoryCommand.Unclaim()), weight: 2 },
  { arbitrary: FastCheck.constant(StoryCommand.ForceUnclaim()), weight: 1 },
  { arbitrary: FastCheck.constant(StoryCommand.ReviewComplete({ review })), weight: 2 },
  { arbitrary: FastCheck.constant(verify), weight: 2 },
  { arbitrary: FastCheck.boolean().map(reject), weight: 2 },
  { arbitrary: FastCheck.constant(markComplete), weight: 2 },
  { arbitrary: FastCheck.constant(backfill), weight: 2 },
)
type Move = readonly [Actor, StoryCommand]

/**
 * One command by anyone, or one agent taking the story up (contract, claim, start) in a row,
 * perhaps letting it go again: without these, runs rarely get a second implementer started
 * after a release, and the verifier paths behind that stay unexplored.
 */
const arbTrustMoves: FastCheck.Arbitrary<ReadonlyArray<Move>> = FastCheck.oneof(
  { arbitrary: FastCheck.tuple(arbTrustActor, arbTrustCommand).map((move) => [move]), weight: 4 },
  {
    arbitrary: FastCheck.tuple(FastCheck.constantFrom(...trustAgents), FastCheck.boolean()).map(
      ([agent, letGo]): ReadonlyArray<Move> => {
        const taker = actor("agent", agent)
        const taken: ReadonlyArray<Move> = [
          [taker, contract],
          [taker, claimIt],
          [taker, StoryCommand.Start()],
        ]
        return letGo ? [...taken, [taker, StoryCommand.Unclaim()]] : taken
      },
    ),
    weight: 2,
  },
)
const arbTrustRun = FastCheck.array(arbTrustMoves, { minLength: 5, maxLength: 25, size: "max" }).map(
  (moves) => moves.flat(),
)

interface Step {
  readonly before: Story
  readonly who: Actor
  readonly command: StoryCommand
  readonly ok: boolean
  /** Every agent that claimed the story before this step. */
  readonly claimants: ReadonlySet<AgentId>
}

/** Runs commands against a fresh pending story as a store would (a refusal writes nothing). */
const run = (steps: ReadonlyArray<Move>): ReadonlyArray<Step> => {
  const claimants = new Set<AgentId>()
  const seen: Array<Step> = []
  steps.reduce((current, [who, command], index) => {
    const outcome = decideAs(current, command, who, at(10 + index))
    const ok = Either.isRight(outcome)
    seen.push({ before: current, who, command, ok, claimants: new Set(claimants) })
    if (ok && command._tag === "Claim" && who.agent_id !== null) claimants.add(who.agent_id)
    return ok ? outcome.right.story : current
  }, aStory())
  return seen
}

const isFormerClaimant = (step: Step) =>
  step.who.agent_id !== null &&
  step.claimants.has(step.who.agent_id) &&
  step.before.assigned_agent_id !== step.who.agent_id

describe("claim history (D22)", () => {
  it.prop(
    "no agent that ever claimed a story reports, reviews, verifies, rejects, marks complete or backfills it",
    [arbTrustRun],
    ([steps]) => {
      for (const step of run(steps)) {
        if (!step.ok || !custodyActions.includes(commandAction(step.command))) continue
        const agent = step.who.agent_id
        expect(
          agent !== null && step.claimants.has(agent),
          `${commandAction(step.command)} by ${agent} after claims by ${[...step.claimants].join(",")}`,
        ).toBe(false)
      }
    },
    { fastCheck: { numRuns: 500 } },
  )

  it("the generated runs reach the hole: a released claimant attempting what an outsider may do", () => {
    // Guards the property above against a generator that stops producing the case it is about:
    // a former claimant tries a custody action that an agent who never claimed would get through.
    const outsider = (who: Actor) => actor(who.role, agentIds[3] ?? null)
    const attempts = FastCheck.sample(arbTrustRun, { numRuns: 500, seed: 22 })
      .flatMap(run)
      .filter(
        (step) =>
          isFormerClaimant(step) &&
          custodyActions.includes(commandAction(step.command)) &&
          Either.isRight(decideAs(step.before, step.command, outsider(step.who), at(60))),
      )
    const reached = new Set(attempts.map((step) => commandAction(step.command)))
    // Backfill refuses every story with a claim history to everyone (lineage), so no outsider
    // gets through where a former claimant is refused; its own gate is covered below.
    expect([...reached].sort()).toEqual(custodyActions.filter((action) => action !== "backfill").sort())
  })

  it("a claim records the claimant once; unclaim, force-unclaim and reject with auto-reset keep it", () => {
    const orchestrator = actor("orchestrator", agentC)
    const steps: ReadonlyArray<Move> = [
      [actor("agent", agentA), contract],
      [actor("agent", agentA), claimIt],
      [actor("agent", agentA), StoryCommand.Unclaim()],
      [actor("agent", agentA), contract],
      [actor("agent", agentA), claimIt],
      [orchestrator, StoryCommand.ForceUnclaim()],
      [actor("agent", agentB), contract],
      [actor("agent", agentB), claimIt],
      [actor("agent", agentB), StoryCommand.Start()],
      [orchestrator, StoryCommand.Report()],
      [orchestrator, reject(true)],
    ]
    const story = steps.reduce((current, [who, command], index) => {
      const outcome = decideAs(current, command, who, at(10 + index))
      if (Either.isLeft(outcome)) throw new Error(`step ${index} refused: ${outcome.left._tag}`)
      return outcome.right.story
    }, aStory())
    expect(story).toMatchObject({
      agent_status: "pending",
      verified_status: "rejected",
      assigned_agent_id: null,
      claimed_by_agent_ids: [agentA, agentB],
    })
  })

  const released = aStory({ claimed_by_agent_ids: [agentA] })

  it.each([
    ["report", storyIn("implementing", "unverified", agentB), StoryCommand.Report(), "self_report_blocked"],
    [
      "review-complete",
      storyIn("reported_done", "unverified", agentB),
      StoryCommand.ReviewComplete({ review }),
      "self_review_blocked",
    ],
    ["verify", storyIn("reported_done", "unverified", agentB), verify, "self_verify_blocked"],
    ["reject", storyIn("reported_done", "unverified", agentB), reject(true), "self_verify_blocked"],
    ["mark-complete", released, markComplete, "self_verify_blocked"],
    ["backfill", released, backfill, "self_verify_blocked"],
  ] as const)("%s refuses a former claimant with its gate's 409 code", (_, story, command, code) => {
    // agentA claimed earlier and let go; agentB may hold the story now.
    const before = aStory({
      ...story,
      claimed_by_agent_ids: story.assigned_agent_id === null ? [agentA] : [agentA, story.assigned_agent_id],
    })
    for (const role of ["agent", "orchestrator"] as const) {
      if (role === "agent" && !["report", "review-complete"].includes(commandAction(command))) continue
      const outcome = decideAs(before, command, actor(role, agentA), at(60))
      expect(Either.isLeft(outcome) && errorEnvelope(outcome.left).error).toMatchObject({ status: 409, code })
    }
  })
})

describe("work in progress (D23)", () => {
  const orchestrator = actor("orchestrator", agentC)
  const held = ["assigned", "implementing", "reported_done"] as const

  const bodyOf = (story: Story, command: StoryCommand, who: Actor = orchestrator) =>
    Either.match(decideAs(story, command, who, at(60)), {
      onLeft: (error) => errorEnvelope(error).error,
      onRight: (decision) => ({ ok: decision.story }),
    })

  it.each(held.flatMap((state) => [[state, "mark-complete"] as const, [state, "backfill"] as const]))(
    "a story an agent holds (%s) is refused by %s with 409 story_in_progress in the D12 shape",
    (state, action) => {
      const story = storyIn(state, "unverified", agentA)
      expect(bodyOf(story, action === "backfill" ? backfill : markComplete)).toEqual({
        status: 409,
        code: "story_in_progress",
        message: expect.stringContaining(`Cannot ${action}`),
        current_state: state,
        attempted_action: action,
        // The review chain as steps; the transport words them as calls.
        hints: [],
        first_steps: ["report", "review-complete", "verify"],
        context: {
          current_agent_status: state,
          current_verified_status: "unverified",
          attempted_action: action,
        },
      })
    },
  )

  it("the identity gate comes first: the holder's own orchestrator is self_verify_blocked", () => {
    for (const state of held) {
      for (const command of [markComplete, backfill]) {
        expect(bodyOf(storyIn(state, "unverified", agentC), command)).toMatchObject({
          status: 409,
          code: "self_verify_blocked",
        })
      }
    }
  })

  it.prop(
    "mark-complete and backfill never succeed on a story an agent holds unverified",
    [arbAgentStatus, arbVerifiedStatus, FastCheck.constantFrom(agentA, agentB)],
    ([agentStatus, verifiedStatus, holder]) => {
      const story = storyIn(agentStatus, verifiedStatus, holder)
      const heldByAgent =
        story.assigned_agent_id !== null &&
        held.some((state) => state === story.agent_status) &&
        story.verified_status !== "verified"
      for (const command of [markComplete, backfill]) {
        const outcome = decideAs(story, command, orchestrator, at(60))
        if (heldByAgent) expect(Either.isLeft(outcome)).toBe(true)
      }
    },
  )

  it("an unheld story is still marked complete from any state", () => {
    for (const story of [storyIn("pending"), storyIn("contracted"), storyIn("reported_done", "verified")]) {
      expect(bodyOf(story, markComplete)).toMatchObject({
        ok: { agent_status: "reported_done", verified_status: "verified" },
      })
    }
  })

  it("backfill is exact orchestrator with a linked agent: users, superadmins and unlinked keys are refused", () => {
    expect(bodyOf(aStory(), backfill, actor("user", null))).toEqual({
      status: 403,
      message: "This endpoint requires the orchestrator role",
    })
    expect(bodyOf(aStory(), backfill, actor("superadmin", null))).toMatchObject({ status: 403 })
    expect(bodyOf(aStory(), backfill, actor("agent", agentA))).toMatchObject({ status: 403 })
    expect(bodyOf(aStory(), backfill, actor("orchestrator", null))).toMatchObject({ status: 400 })
    expect(bodyOf(aStory(), backfill)).toMatchObject({ ok: { verified_status: "verified" } })
  })
})
