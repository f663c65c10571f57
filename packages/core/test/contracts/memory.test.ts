import { describe, it, layer } from "@effect/vitest"
import { Effect } from "effect"
import { allContractSuites } from "../../src/testing/contracts/index.js"
import { MemoryPorts } from "../../src/testing/memory/index.js"

// Every port contract against the in-memory adapter, each case on a fresh store.
for (const suite of allContractSuites) {
  describe(suite.port, () => {
    for (const contract of suite.cases) {
      it.effect(contract.name, () => contract.run.pipe(Effect.provide(MemoryPorts)))
    }
  })
}

// The same cases again on one store that keeps every earlier case's rows, as a shared
// database would: proves that no case assumes an empty store or another case's absence.
layer(MemoryPorts)("every suite on one shared store", (it) => {
  for (const suite of allContractSuites) {
    for (const contract of suite.cases) {
      it.effect(`${suite.port} > ${contract.name}`, () => contract.run)
    }
  }
})
