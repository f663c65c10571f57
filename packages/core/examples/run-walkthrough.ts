import { Effect } from "effect"
import { runWalkthrough } from "./walkthrough.js"

Effect.runPromise(runWalkthrough).then(
  () => console.log("\nThe story went from import to verified with three different agents."),
  (error: unknown) => {
    console.error(error)
    process.exitCode = 1
  },
)
