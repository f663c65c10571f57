import type { JsonObject } from "../../kernel/domain/json.js"
import type { ArtifactClaimRequest } from "../domain/artifact-claim.js"

/** What an artifact report says was produced; the store adds who, when and for which story. */
export interface ArtifactClaim {
  readonly artifact_type: string
  readonly path: string
  readonly exists: boolean
  readonly details: JsonObject
}

/** An artifact exists unless the reporter says otherwise; details default to none. */
export const artifactClaimOf = (request: ArtifactClaimRequest): ArtifactClaim => ({
  artifact_type: request.artifact_type,
  path: request.path,
  exists: request.exists ?? true,
  details: request.details ?? {},
})
