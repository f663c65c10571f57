import { expect, it } from "@effect/vitest"
import { Effect } from "effect"
import { narrowLayerExample } from "../examples/narrow-test-layer.js"
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

it.effect("a narrow test layer answers what it stubs and dies naming any other member", () =>
  Effect.gen(function* () {
    const { id, died } = yield* narrowLayerExample
    expect(id).toBe("00000000-0000-4000-8000-000000000001")
    expect(died).toBe('@loopctl/core/Tenants: unstubbed member "findById"')
  }),
)
