import { HttpApiBuilder } from "@effect/platform"
import { LoopctlApi } from "@loopctl/api"
import { Importer, ProjectId, WorkActions, policyUse } from "@loopctl/core"
import { Effect } from "effect"
import { pathId } from "../edge/path-id.js"
import { sentBody } from "../edge/request-payload.js"

/** The handlers of the `importExport` group: the Importer use cases, each under its action's policy. */
export const ImportExportLive = HttpApiBuilder.group(LoopctlApi, "importExport", (handlers) =>
  Effect.map(Importer, (importer) =>
    handlers
      // The document is read by the import's rule, step by step, so that a client sees the
      // first problem with the original's message; the contract types it for clients.
      .handleRaw("import", ({ path, urlParams, request }) =>
        Effect.gen(function* () {
          const project = yield* pathId(ProjectId, path.id)
          const document = yield* sentBody(request)
          const outcome = yield* importer.importProject(project, document, urlParams.merge)
          // The core says fresh or merged; each has its own success schema, fresh's with 201.
          return { import: outcome.import }
        }).pipe(policyUse(WorkActions.importWork)),
      )
      .handle("export", ({ path }) =>
        Effect.flatMap(pathId(ProjectId, path.id), importer.exportProject).pipe(
          policyUse(WorkActions.exportWork),
        ),
      ),
  ),
)
