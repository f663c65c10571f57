import { defineConfig } from "vitest/config"

// Tests run against TypeScript sources: the "@loopctl/source" export condition points every
// workspace package at its src/ instead of its built dist/.
const conditions = ["@loopctl/source", "node", "default"]

export default defineConfig({
  resolve: { conditions },
  ssr: { resolve: { conditions, externalConditions: conditions } },
  test: {
    include: ["packages/*/test/**/*.test.ts", "bench/**/*.test.ts"],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // CI reads the JSON report to print its own "N passed, N failed" line.
    reporters: process.env.LOOPCTL_TEST_REPORT ? ["default", "json"] : ["default"],
    outputFile: process.env.LOOPCTL_TEST_REPORT ? { json: process.env.LOOPCTL_TEST_REPORT } : {},
  },
})
