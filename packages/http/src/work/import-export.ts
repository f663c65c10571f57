import { HttpApiBuilder } from "@effect/platform"
import { LoopctlApi } from "@loopctl/api"
import { Importer, ProjectId } from "@loopctl/core"
import { Effect } from "effect"
import { pathId } from "../edge/path-id.js"
import { tenantActor } from "../edge/tenant-scope.js"

/** The handlers of the `importExport` group: the Importer use cases on the caller's tenant. */
export const ImportExportLive = HttpApiBuilder.group(LoopctlApi, "importExport", (handlers) =>
  Effect.map(Importer, (importer) =>
    handlers
      .handle("import", ({ path, urlParams, payload }) =>
        Effect.gen(function* () {
          const actor = yield* tenantActor
          const project = yield* pathId(ProjectId, path.id)
          const outcome = yield* importer.importProject(actor, project, payload, urlParams.merge)
          // The core says fresh or merged; each has its own success schema, fresh's with 201.
          return { import: outcome.import }
        }),
      )
      .handle("export", ({ path }) =>
        Effect.gen(function* () {
          const actor = yield* tenantActor
          const project = yield* pathId(ProjectId, path.id)
          return yield* importer.exportProject(actor, project)
        }),
      ),
  ),
)
