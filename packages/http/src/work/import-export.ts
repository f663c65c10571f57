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
          const result = yield* importer.importProject(actor, project, payload, urlParams.merge)
          // The core decides fresh (201) or merge (200); each shape has its own success schema.
          return result.status === 201 ? { import: result.import } : { import: result.import }
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
