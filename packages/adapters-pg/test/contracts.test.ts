import { describe, layer } from "@effect/vitest"
import { allContractSuites } from "@loopctl/core/contracts"
import { Layer } from "effect"
import { SqlPorts } from "../src/index.js"
import { databaseUrl, pgliteBackend, postgresBackend, postgresTitle } from "./support.js"

/**
 * Every port contract of the core, on embedded PGlite and (when DATABASE_URL is set) on real
 * Postgres. Cases create their own tenants, so each backend runs them all on one database.
 */

layer(SqlPorts.pipe(Layer.provideMerge(pgliteBackend)), { timeout: 60_000 })("contracts on PGlite", (it) => {
  for (const suite of allContractSuites) {
    for (const contract of suite.cases) it.effect(`${suite.port} > ${contract.name}`, () => contract.run)
  }
})

describe.skipIf(databaseUrl === undefined)(postgresTitle("contracts on Postgres"), () => {
  if (databaseUrl === undefined) return
  layer(SqlPorts.pipe(Layer.provideMerge(postgresBackend(databaseUrl))), { timeout: 60_000 })(
    "Postgres",
    (it) => {
      for (const suite of allContractSuites) {
        for (const contract of suite.cases) it.effect(`${suite.port} > ${contract.name}`, () => contract.run)
      }
    },
  )
})
