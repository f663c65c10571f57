import { HttpApiEndpoint, HttpApiGroup, HttpApiSchema, OpenApi } from "@effect/platform"
import { Rules, WorkActions, ImportDocument as WorkImportDocument } from "@loopctl/core"
import { Schema } from "effect"
import { TenantScoped, requireAction } from "../contract/access.js"
import { Enveloped } from "../contract/errors.js"
import { payloadStruct } from "../contract/payload.js"
import { queryField, queryType } from "../contract/query-fields.js"

/** A project id in a path. Any text is routed; the handler answers 404 for one that is not a uuid. */
const projectId = HttpApiSchema.param("id", Schema.String)

/**
 * The import document, typed with the epic and story field Schemas of the domain. The server
 * hands the body to the core's import rule as sent, which reads it step by step and answers the
 * first problem with a 422 naming its path (its message as the original printed it).
 */
export const ImportDocument = WorkImportDocument.annotations({
  identifier: "ImportDocument",
  description:
    "epics[] (each with number, title and stories[] with number, title, acceptance_criteria, …), " +
    "story_dependencies[] {story, depends_on}, epic_dependencies[] {epic, depends_on}. " +
    "A fresh import may start stories as reported done or verified with " +
    "initial_agent_status / initial_verified_status; a merge never changes statuses.",
})

/** The query of an import: `merge=true` merges into what the project holds. */
export const ImportQuery = payloadStruct({
  merge: queryField(
    "true merges: new numbers are created, existing ones updated (200); false or absent is fresh (201)",
    queryType.oneOf("true", "false"),
  ),
})

/** 201 of a fresh import: what was created. Nothing else may be in it (it never passes for a merge). */
export const FreshImportBody = Schema.Struct({
  import: Schema.Struct({
    epics_created: Schema.Int,
    stories_created: Schema.Int,
    dependencies_created: Schema.Int,
  }).annotations({ parseOptions: { onExcessProperty: "error" } }),
}).annotations({ identifier: "FreshImport" })

/** 200 of a merge import: created, updated and orphaned counts (orphans are listed, never deleted). */
export const MergeImportBody = Schema.Struct({
  import: Schema.Struct({
    epics_created: Schema.Int,
    epics_updated: Schema.Int,
    stories_created: Schema.Int,
    stories_updated: Schema.Int,
    stories_orphaned: Schema.Array(Schema.Struct({ number: Schema.String, title: Schema.String })),
    dependencies_created: Schema.Int,
    dependencies_existing: Schema.Int,
  }),
}).annotations({ identifier: "MergeImport" })

/** The `importExport` group: a project's whole breakdown in and out as one JSON document. */
export class ImportExportGroup extends HttpApiGroup.make("importExport")
  .add(
    HttpApiEndpoint.post("import")`/api/v1/projects/${projectId}/import`
      .setUrlParams(ImportQuery)
      .setPayload(ImportDocument)
      .addSuccess(MergeImportBody)
      .addSuccess(FreshImportBody, { status: 201 })
      .addError(Enveloped.Conflict)
      .annotate(
        OpenApi.Summary,
        "Import epics, stories and dependencies into a project, all or nothing (fresh 201, merge 200)",
      )
      .pipe(requireAction(WorkActions.importWork)),
  )
  .add(
    HttpApiEndpoint.get("export")`/api/v1/projects/${projectId}/export`
      .addSuccess(Rules.Export.ExportDocument.annotations({ identifier: "ExportDocument" }))
      .annotate(OpenApi.Summary, "The project's whole breakdown as a document the import endpoint reads back")
      .pipe(requireAction(WorkActions.exportWork)),
  )
  .annotate(OpenApi.Description, "Bulk import and export of a project's work breakdown")
  .annotate(TenantScoped, true) {}
