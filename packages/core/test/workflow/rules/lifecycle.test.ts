import { describe, expect, it } from "@effect/vitest"
import { Either, FastCheck } from "effect"
import type { Actor } from "../../../src/identity/domain/actor.js"
import type { Story } from "../../../src/work/domain/story.js"
import { StoryActions } from "../../../src/workflow/policy/story-actions.js"
import { StoryCommand, commandAction } from "../../../src/workflow/rules/lifecycle.js"
import { admittedBy } from "../../fixtures/perform-as.js"
import {
  actor,
  agentA,
  agentB,
  agentC,
  arbAgent,
  arbCommand,
  arbRole,
  arbRun,
  arbStory,
  at,
  storyIn,
} from "../../fixtures/stories.js"
import { decideAs } from "../../fixtures/story-gates.js"
import { errorEnvelope } from "../../fixtures/wire-status.js"

/** Runs a command sequence against one story, as a store would: failures write nothing. */
const run = (
  story: Story,
  steps: ReadonlyArray<readonly [Actor, StoryCommand]>,
  onStep: (step: {
    before: Story
    after: Story
    actor: Actor
    command: StoryCommand
    ok: boolean
  }) => void,
): Story =>
  steps.reduce((current, [who, command], index) => {
    const outcome = decideAs(current, command, who, at(10 + index))
    const after = Either.isRight(outcome) ? outcome.right.story : current
    onStep({ before: current, after, actor: who, command, ok: Either.isRight(outcome) })
    return after
  }, story)

describe("lifecycle invariants", () => {
  it.prop(
    "no sequence of commands lets an agent-role actor change verified_status",
    [arbRun],
    ([[story, steps]]) => {
      run(story, steps, ({ before, after, actor: who, ok }) => {
        if (ok && who.role === "agent") expect(after.verified_status).toBe(before.verified_status)
      })
    },
  )

  it.prop(
    "an orchestrator-role actor can never change agent_status except by the documented reset paths",
    [arbRun],
    ([[story, steps]]) => {
      run(story, steps, ({ before, after, actor: who, command, ok }) => {
        if (!ok || who.role !== "orchestrator" || before.agent_status === after.agent_status) return
        const move = `${commandAction(command)}:${before.agent_status}->${after.agent_status}`
        const documented =
          move === "contract:pending->contracted" ||
          move === "report:implementing->reported_done" ||
          move.startsWith("force-unclaim:") ||
          (move.startsWith("reject:") && after.agent_status === "pending") ||
          (move.startsWith("mark-complete:") && after.agent_status === "reported_done") ||
          move === "backfill:pending->reported_done"
        expect(documented, move).toBe(true)
        expect(after.agent_status).not.toBe("assigned")
        expect(after.agent_status).not.toBe("implementing")
      })
    },
  )

  it.prop(
    "the assigned implementer can never succeed at report, review-complete or verify on its own story",
    [arbStory, arbRole, arbCommand],
    ([story, role, command]) => {
      const action = commandAction(command)
      if (story.assigned_agent_id === null) return
      if (!["report", "review-complete", "verify", "reject", "mark-complete"].includes(action)) return
      const implementer = actor(role, story.assigned_agent_id)
      expect(Either.isLeft(decideAs(story, command, implementer, at(20)))).toBe(true)
    },
  )

  it.prop(
    "every failed transition leaves the story unchanged",
    [arbStory, arbRole, arbAgent, arbCommand],
    ([story, role, agent, command]) => {
      const snapshot = JSON.stringify(story)
      const outcome = decideAs(story, command, actor(role, agent), at(20))
      expect(JSON.stringify(story)).toBe(snapshot)
      if (Either.isLeft(outcome)) return
      if (!outcome.right.changed) expect(outcome.right.story).toBe(story)
    },
  )

  it.prop(
    "a user or superadmin key moves no story at all",
    [arbStory, arbAgent, arbCommand],
    ([story, agent, command]) => {
      for (const role of ["user", "superadmin"] as const) {
        const outcome = decideAs(story, command, actor(role, agent), at(20))
        expect(Either.isLeft(outcome)).toBe(true)
      }
    },
  )

  it.prop("every success records its change: an audit entry or an event", [arbRun], ([[story, steps]]) => {
    const records: Array<number> = []
    steps.reduce((current, [who, command], index) => {
      const outcome = decideAs(current, command, who, at(10 + index))
      if (Either.isLeft(outcome)) return current
      // An identical backfill retry is answered with the story as it is and records nothing (§6.5).
      const retry = command._tag === "Backfill" && !outcome.right.changed
      if (!retry) records.push(outcome.right.audit.length + outcome.right.events.length)
      return outcome.right.story
    }, story)
    for (const count of records) expect(count).toBeGreaterThan(0)
  })
})

const body = (story: Story, command: StoryCommand, who: Actor) =>
  Either.match(decideAs(story, command, who, at(20)), {
    onLeft: (error) => errorEnvelope(error),
    onRight: (decision) => ({ ok: decision.story }),
  })

const verifyWith = (reviewedAt: ReturnType<typeof at> | null) =>
  StoryCommand.Verify({
    evidence: { result: "pass", summary: "checked", review_type: "enhanced", findings: {} },
    latest_review_completed_at: reviewedAt,
  })

const agent = actor("agent", agentA)
const otherAgent = actor("agent", agentB)
const orchestrator = actor("orchestrator", agentC)
const terms = { story_title: "Add the login page", ac_count: 2 }

describe("transition error bodies", () => {
  it("claim on a pending story is must_contract_first, naming the step to take first and no route", () => {
    expect(
      body(storyIn("pending"), StoryCommand.Claim({ blockers: { stories: 0, epic_stories: 0 } }), agent),
    ).toEqual({
      error: {
        status: 409,
        code: "must_contract_first",
        message: "Story must be contracted before claiming.",
        current_state: "pending",
        attempted_action: "claim",
        // The transport words the steps as calls; the core leaves the hints to it.
        hints: [],
        first_steps: ["contract"],
        context: {
          current_agent_status: "pending",
          current_verified_status: "unverified",
          attempted_action: "claim",
        },
      },
    })
  })

  it("start on a pending story names both steps, contract then claim", () => {
    expect(body(storyIn("pending"), StoryCommand.Start(), agent)).toMatchObject({
      error: {
        status: 409,
        code: "must_contract_first",
        message: "Story must be contracted before claiming.",
        hints: [],
        first_steps: ["contract", "claim"],
      },
    })
  })

  it("claim of an assigned story is invalid_transition with context", () => {
    const result = body(
      storyIn("assigned"),
      StoryCommand.Claim({ blockers: { stories: 0, epic_stories: 0 } }),
      agent,
    )
    expect(result).toMatchObject({
      error: {
        status: 409,
        code: "invalid_transition",
        current_state: "assigned",
        attempted_action: "claim",
        context: { current_agent_status: "assigned", attempted_action: "claim" },
      },
    })
    expect(JSON.stringify(result)).toContain("Cannot claim: story is in agent_status='assigned'")
  })

  it("claim with unverified prerequisites is dependencies_not_met and names both counts", () => {
    const result = body(
      storyIn("contracted"),
      StoryCommand.Claim({ blockers: { stories: 2, epic_stories: 1 } }),
      agent,
    )
    expect(result).toMatchObject({
      error: {
        status: 409,
        code: "dependencies_not_met",
        current_state: "contracted",
        attempted_action: "claim",
        hints: [
          "Story has 2 unverified dependency(ies)",
          "Parent epic has 1 unverified prerequisite story(ies)",
        ],
      },
    })
  })

  it("start on a contracted story is must_claim_first", () => {
    expect(body(storyIn("contracted"), StoryCommand.Start(), agent)).toMatchObject({
      error: {
        status: 409,
        code: "must_claim_first",
        message: "Story must be claimed before starting.",
        current_state: "contracted",
        attempted_action: "start",
        first_steps: ["claim"],
      },
    })
  })

  it("start by someone other than the assignee is 403 Forbidden", () => {
    expect(body(storyIn("assigned"), StoryCommand.Start(), otherAgent)).toEqual({
      error: { status: 403, message: "Forbidden" },
    })
  })

  it("request-review outside implementing carries the spec's hint", () => {
    expect(body(storyIn("assigned"), StoryCommand.RequestReview(), agent)).toMatchObject({
      error: {
        status: 409,
        code: "invalid_transition",
        attempted_action: "request-review",
        hints: ["Story must be in 'implementing' status to request review"],
      },
    })
  })

  it("the implementer reporting its own story is self_report_blocked", () => {
    expect(body(storyIn("implementing"), StoryCommand.Report(), agent)).toMatchObject({
      error: {
        status: 409,
        code: "self_report_blocked",
        current_state: "implementing",
        attempted_action: "report",
        remediation: { learn_more: "https://loopctl.com/wiki/self-report-blocked" },
      },
    })
  })

  it("report by an unlinked key is 422 before anything else", () => {
    expect(body(storyIn("implementing"), StoryCommand.Report(), actor("agent", null))).toMatchObject({
      error: { status: 422, code: "agent_id_required" },
    })
  })

  it("review by the implementer is self_review_blocked, with a code", () => {
    const review = {
      review_type: "team",
      findings_count: 0,
      fixes_count: 0,
      disproved_count: 0,
      summary: null,
      completed_at: at(30),
    }
    expect(
      body(storyIn("reported_done"), StoryCommand.ReviewComplete({ review }), actor("orchestrator", agentA)),
    ).toMatchObject({
      error: { status: 409, code: "self_review_blocked", attempted_action: "review-complete" },
    })
    expect(body(storyIn("implementing"), StoryCommand.ReviewComplete({ review }), otherAgent)).toMatchObject({
      error: { status: 422, code: "story_not_reported_done" },
    })
  })

  it("verify by the implementer's orchestrator is self_verify_blocked in every claimed state", () => {
    for (const state of ["assigned", "implementing", "reported_done"] as const) {
      expect(body(storyIn(state, "unverified", agentC), verifyWith(at(30)), orchestrator)).toMatchObject({
        error: { status: 409, code: "self_verify_blocked", attempted_action: "verify" },
      })
    }
  })

  it("verify refuses an already verified story, an unreported one, and a stale review", () => {
    expect(body(storyIn("reported_done", "verified"), verifyWith(at(30)), orchestrator)).toMatchObject({
      error: { status: 409, code: "already_verified", hints: ["Story is already verified"] },
    })
    expect(body(storyIn("implementing"), verifyWith(at(30)), orchestrator)).toMatchObject({
      error: {
        status: 409,
        code: "invalid_transition",
        current_state: "implementing",
        attempted_action: "verify",
      },
    })
    expect(body(storyIn("reported_done"), verifyWith(null), orchestrator)).toMatchObject({
      error: { status: 422, code: "review_not_conducted" },
    })
    expect(body(storyIn("reported_done"), verifyWith(at(1)), orchestrator)).toMatchObject({
      error: { status: 422, code: "review_not_conducted" },
    })
  })

  it("a review completed in the same microsecond as the report counts (>=)", () => {
    const outcome = decideAs(storyIn("reported_done"), verifyWith(at(2)), orchestrator, at(20))
    expect(Either.isRight(outcome)).toBe(true)
  })

  it("unclaim: pending is 409, contracted and non-assignees are 403", () => {
    expect(body(storyIn("pending"), StoryCommand.Unclaim(), agent)).toMatchObject({
      error: { status: 409, message: "Conflict", attempted_action: "unclaim" },
    })
    expect(body(storyIn("contracted"), StoryCommand.Unclaim(), agent)).toEqual({
      error: { status: 403, message: "Forbidden" },
    })
    expect(body(storyIn("implementing"), StoryCommand.Unclaim(), otherAgent)).toEqual({
      error: { status: 403, message: "Forbidden" },
    })
  })

  it("role gates name the roles the endpoint requires", () => {
    expect(
      body(
        storyIn("contracted"),
        StoryCommand.Claim({ blockers: { stories: 0, epic_stories: 0 } }),
        orchestrator,
      ),
    ).toEqual({
      error: { status: 403, message: "This endpoint requires the agent role" },
    })
    expect(body(storyIn("pending"), StoryCommand.Contract({ terms }), actor("user", null))).toEqual({
      error: { status: 403, message: "This endpoint requires the agent or orchestrator role" },
    })
    expect(body(storyIn("reported_done"), verifyWith(at(30)), actor("orchestrator", null))).toMatchObject({
      error: { status: 400 },
    })
    expect(Either.isLeft(admittedBy(agent, StoryActions.verify))).toBe(true)
  })

  it("contract mismatches are 422 with the expected and provided counts", () => {
    expect(
      body(storyIn("pending"), StoryCommand.Contract({ terms: { ...terms, ac_count: 5 } }), agent),
    ).toMatchObject({
      error: {
        status: 422,
        message: "Contract mismatch: expected ac_count 2 but got 5. Story has 2 acceptance criteria.",
        context: { expected_ac_count: 2, provided_ac_count: 5 },
      },
    })
    expect(
      body(storyIn("pending"), StoryCommand.Contract({ terms: { ...terms, ac_count: "2" } }), agent),
    ).toMatchObject({
      error: { status: 422, code: "contract_ac_count_mismatch" },
    })
    expect(
      body(
        storyIn("pending"),
        StoryCommand.Contract({ terms: { ...terms, story_title: "add the login page" } }),
        agent,
      ),
    ).toMatchObject({ error: { status: 422, message: "story_title does not match" } })
    expect(
      body(storyIn("contracted"), StoryCommand.Contract({ terms: { story_title: "x" } }), agent),
    ).toMatchObject({
      error: { status: 409, code: "invalid_transition", attempted_action: "contract" },
    })
  })
})

describe("transitions", () => {
  const ok = (story: Story, command: StoryCommand, who: Actor) => {
    const outcome = decideAs(story, command, who, at(20))
    if (Either.isLeft(outcome)) throw new Error(`expected success, got ${outcome.left._tag}`)
    return outcome.right
  }

  it("walks pending → verified with three agents", () => {
    const contracted = ok(storyIn("pending"), StoryCommand.Contract({ terms }), agent)
    const assigned = ok(
      contracted.story,
      StoryCommand.Claim({ blockers: { stories: 0, epic_stories: 0 } }),
      agent,
    )
    expect(assigned.story).toMatchObject({
      agent_status: "assigned",
      assigned_agent_id: agentA,
      assigned_at: at(20),
    })
    const implementing = ok(assigned.story, StoryCommand.Start(), agent)
    const reviewRequested = ok(implementing.story, StoryCommand.RequestReview(), agent)
    expect(reviewRequested.changed).toBe(false)
    expect(reviewRequested.events.map((e) => e.event)).toEqual(["story.review_requested"])
    const reported = ok(implementing.story, StoryCommand.Report(), otherAgent)
    expect(reported.story).toMatchObject({ agent_status: "reported_done", reported_by_agent_id: agentB })
    const verified = ok(reported.story, verifyWith(at(20)), orchestrator)
    expect(verified.story).toMatchObject({ verified_status: "verified", verified_at: at(20) })
    expect(verified.verification).toMatchObject({ result: "pass", summary: "checked" })
    expect([contracted, assigned, implementing, reported].map((d) => d.audit[0]?.action)).toEqual([
      "status_changed",
      "status_changed",
      "status_changed",
      "status_changed",
    ])
  })

  it("reject with auto-reset returns the story to pending/rejected and keeps the reason", () => {
    const decision = ok(
      storyIn("reported_done"),
      StoryCommand.Reject({
        rejection: { reason: "tests fail", findings: {}, review_type: null },
        auto_reset: true,
      }),
      orchestrator,
    )
    expect(decision.story).toMatchObject({
      agent_status: "pending",
      verified_status: "rejected",
      assigned_agent_id: null,
      rejection_reason: "tests fail",
      rejected_at: at(20),
    })
    expect(decision.audit.map((a) => [a.action, a.actor])).toEqual([
      ["rejected", "caller"],
      ["auto_reset", "system"],
    ])
    expect(decision.events.map((e) => e.event)).toEqual(["story.rejected", "story.auto_reset"])
    expect(decision.verification).toMatchObject({ result: "fail", summary: "tests fail" })
  })

  it("reject without auto-reset keeps the assignee (RD/R) and a verified story can be re-rejected", () => {
    const kept = ok(
      storyIn("reported_done"),
      StoryCommand.Reject({
        rejection: { reason: "no", findings: {}, review_type: null },
        auto_reset: false,
      }),
      orchestrator,
    )
    expect(kept.story).toMatchObject({
      agent_status: "reported_done",
      verified_status: "rejected",
      assigned_agent_id: agentA,
    })
    const again = ok(
      storyIn("pending", "verified"),
      StoryCommand.Reject({
        rejection: { reason: "regressed", findings: {}, review_type: null },
        auto_reset: true,
      }),
      orchestrator,
    )
    expect(again.story.verified_status).toBe("rejected")
  })

  it("force-unclaim keeps verified_status and is a recorded no-op on pending", () => {
    const reset = ok(storyIn("reported_done", "verified"), StoryCommand.ForceUnclaim(), orchestrator)
    expect(reset.story).toMatchObject({
      agent_status: "pending",
      verified_status: "verified",
      assigned_agent_id: null,
    })
    const noop = ok(storyIn("pending"), StoryCommand.ForceUnclaim(), orchestrator)
    expect(noop.audit).toHaveLength(1)
    expect(noop.events.map((e) => e.event)).toEqual(["story.force_unclaimed"])
  })

  it("mark-complete jumps any state to RD/V, but never for the implementer (D19)", () => {
    const done = ok(
      storyIn("contracted"),
      StoryCommand.MarkComplete({ completion: { summary: "old work", review_type: "pre_existing" } }),
      orchestrator,
    )
    expect(done.story).toMatchObject({ agent_status: "reported_done", verified_status: "verified" })
    expect(
      Either.isLeft(
        decideAs(
          storyIn("implementing", "unverified", agentC),
          StoryCommand.MarkComplete({ completion: { summary: "x", review_type: "y" } }),
          orchestrator,
          at(20),
        ),
      ),
    ).toBe(true)
  })

  it("an orchestrator may contract with {} but its terms are checked when it sends them", () => {
    expect(
      Either.isRight(
        decideAs(storyIn("pending"), StoryCommand.Contract({ terms: {} }), orchestrator, at(20)),
      ),
    ).toBe(true)
    expect(
      Either.isLeft(
        decideAs(storyIn("pending"), StoryCommand.Contract({ terms: { ac_count: 9 } }), orchestrator, at(20)),
      ),
    ).toBe(true)
    expect(
      Either.isRight(
        decideAs(
          storyIn("pending"),
          StoryCommand.Contract({ terms: { ac_count: 9, skip_contract_check: true } }),
          orchestrator,
          at(20),
        ),
      ),
    ).toBe(true)
    expect(
      Either.isLeft(
        decideAs(
          storyIn("pending"),
          StoryCommand.Contract({ terms: { skip_contract_check: true } }),
          agent,
          at(20),
        ),
      ),
    ).toBe(true)
  })

  it("the property generators reach every command", () => {
    const seen = new Set(FastCheck.sample(arbCommand, 500).map(commandAction))
    expect(seen.size).toBe(12)
  })
})
