import { Layer } from "effect"
import { ArtifactsLive } from "./artifact-handlers.js"
import { BulkLive } from "./bulk-handlers.js"
import { LifecycleLive } from "./lifecycle-handlers.js"
import { VerificationLive } from "./verification-handlers.js"

/** The handlers of the story workflow groups (see `StoryWorkflowApi`). */
export const StoryWorkflowLive = Layer.mergeAll(LifecycleLive, VerificationLive, ArtifactsLive, BulkLive)
