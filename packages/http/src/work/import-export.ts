import { HttpApiBuilder } from "@effect/platform"
import { LoopctlApi } from "@loopctl/api"
import { Importer, ProjectId } from "@loopctl/core"
import { Effect } from "effect"
import { pathId } from "../edge/path-id.js"
import { sentBody } from "../edge/request-payload.js"
import { tenantActor } from "../edge/tenant-scope.js"

/** The handlers of the `importExport` group: the Importer use cases on the caller's tenant. */
export const ImportExportLive = HttpApiBuilder.group(LoopctlApi, "importExport", (handlers) =>
  Effect.map(Importer, (importer) =>
    handlers
      // The document is read by the import's rule, step by step, so that a client sees the
      // first problem with the original's message; the contract types it for clients.
      .handleRaw("import", ({ path, urlParams, request }) =>
        Effect.gen(function* () {
          const actor = yield* tenantActor
          const project = yield* pathId(ProjectId, path.id)
          const document = yield* sentBody(request)
          const outcome = yield* importer.importProject(actor, project, document, urlParams.merge)
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
