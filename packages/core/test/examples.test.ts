import { expect, it } from "@effect/vitest"
import { Effect } from "effect"
import { runWalkthrough } from "../examples/walkthrough.js"

it.effect("the embedding example walks one story from import to verified with three agents", () =>
  Effect.gen(function* () {
    const { log, story } = yield* runWalkthrough
    expect(story).toMatchObject({ agent_status: "reported_done", verified_status: "verified" })
    expect(log[0]).toContain("pending/unverified")
    expect(log.some((line) => line.includes("self_report_blocked"))).toBe(true)
    expect(log.at(-1)).toContain("reported_done/verified")
  }),
)
