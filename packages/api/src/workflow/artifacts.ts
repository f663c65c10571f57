import { HttpApiEndpoint, HttpApiGroup, OpenApi } from "@effect/platform"
import { ArtifactClaimRequest, ArtifactReport, StoryActions, WorkActions } from "@loopctl/core"
import { Schema } from "effect"
import { requireAction } from "../contract/access.js"
import { Enveloped } from "../contract/errors.js"
import { PageMeta, pageQueryFields } from "../contract/list-meta.js"
import { payloadStruct } from "../contract/payload.js"
import { storyIdParam } from "./lifecycle.js"

/** The body of `POST /stories/:id/artifacts`. */
export const ArtifactBody = ArtifactClaimRequest.annotations({ identifier: "ArtifactBody" })

/** `{artifact_report}`. */
export const ArtifactReportBody = Schema.Struct({ artifact_report: ArtifactReport }).annotations({
  identifier: "ArtifactReportBody",
})

/** A page of a story's artifact reports, oldest first. */
export const ArtifactList = Schema.Struct({
  data: Schema.Array(ArtifactReport),
  meta: PageMeta,
}).annotations({ identifier: "ArtifactList" })

/** The `artifacts` group: what agents and orchestrators say they produced for a story. */
export class ArtifactsGroup extends HttpApiGroup.make("artifacts")
  .add(
    HttpApiEndpoint.post("report")`/api/v1/stories/${storyIdParam}/artifacts`
      .setPayload(ArtifactBody)
      .addSuccess(ArtifactReportBody, { status: 201 })
      .annotate(OpenApi.Summary, "Record an artifact produced for a story (in any state)")
      .pipe(requireAction(StoryActions.reportArtifact)),
  )
  .add(
    HttpApiEndpoint.get("list")`/api/v1/stories/${storyIdParam}/artifacts`
      .setUrlParams(payloadStruct(pageQueryFields))
      .addSuccess(ArtifactList)
      .annotate(OpenApi.Summary, "A story's artifact reports, oldest first")
      .pipe(requireAction(WorkActions.readArtifacts)),
  )
  .addError(Enveloped.Forbidden)
  .addError(Enveloped.AgentLinkRequired)
  .annotate(OpenApi.Description, "Artifacts reported for stories") {}
