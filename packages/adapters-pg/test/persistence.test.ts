import { mkdtempSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { describe, expect, it } from "@effect/vitest"
import { LoopctlServices, ProjectId, ProjectPlanning, WorkActions } from "@loopctl/core"
import { ConfigProvider, Effect, Layer } from "effect"
import { performAs } from "../../core/test/fixtures/perform-as.js"
import { makeTeam } from "../../core/test/fixtures/team.js"
import { DatabaseLive, SqlPorts } from "../src/index.js"
import { createTenant } from "./work-fixtures.js"

/**
 * The zero-setup default: with no DATABASE_URL, the application keeps its data in PGlite under
 * LOOPCTL_DATA_DIR, and a restarted process finds it again.
 */
const appIn = (dataDir: string) =>
  LoopctlServices.pipe(
    Layer.provideMerge(SqlPorts),
    Layer.provideMerge(DatabaseLive),
    Layer.provide(Layer.setConfigProvider(ConfigProvider.fromMap(new Map([["LOOPCTL_DATA_DIR", dataDir]])))),
  )

describe("embedded database", () => {
  it.live("data written by one process is there after a restart", () =>
    Effect.gen(function* () {
      const dir = mkdtempSync(join(tmpdir(), "loopctl-data-"))
      const dataDir = join(dir, "nested", "data")
      const team = makeTeam(77)
      const created = yield* Effect.gen(function* () {
        yield* createTenant(team.tenant_id, "persisted")
        return yield* (yield* ProjectPlanning)
          .createProject({ name: "Kept", slug: "kept" })
          .pipe(performAs(team.user, WorkActions.createProject))
      }).pipe(Effect.provide(appIn(dataDir)))
      const found = yield* Effect.flatMap(ProjectPlanning, (projectPlanning) =>
        projectPlanning
          .getProject(ProjectId.make(created.id))
          .pipe(performAs(team.user, WorkActions.readProject)),
      ).pipe(Effect.provide(appIn(dataDir)))
      expect(found).toEqual(created)
      rmSync(dir, { recursive: true, force: true })
    }),
  )
})
