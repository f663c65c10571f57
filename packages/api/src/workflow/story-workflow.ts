import { HttpApi } from "@effect/platform"
import { ArtifactsGroup } from "./artifacts.js"
import { BulkGroup } from "./bulk.js"
import { LifecycleGroup } from "./lifecycle.js"
import { VerificationGroup } from "./verification.js"

/**
 * A story's workflow after it is planned: the implementer's lifecycle, independent verification,
 * artifacts and the bulk requests. Added to the loopctl API as a whole, so each group keeps its
 * own name in the typed client (`client.lifecycle`, `client.verification`, `client.artifacts`,
 * `client.bulk`).
 */
export class StoryWorkflowApi extends HttpApi.make("storyWorkflow")
  .add(LifecycleGroup)
  .add(VerificationGroup)
  .add(ArtifactsGroup)
  .add(BulkGroup) {}
