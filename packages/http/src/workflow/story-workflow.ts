import { Layer } from "effect"
import { ArtifactsLive } from "./artifacts.js"
import { BulkLive } from "./bulk.js"
import { LifecycleLive } from "./lifecycle.js"
import { VerificationLive } from "./verification.js"

/** The handlers of the story workflow groups (see `StoryWorkflowApi`). */
export const StoryWorkflowLive = Layer.mergeAll(LifecycleLive, VerificationLive, ArtifactsLive, BulkLive)
