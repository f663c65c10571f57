import { Layer } from "effect"
import { Access } from "./access.js"
import { AuditTrail } from "./audit-trail.js"
import { Importer } from "./importer.js"
import { StoryLifecycle } from "./story-lifecycle.js"
import { Verification } from "./verification.js"
import { WorkBreakdown } from "./work-breakdown.js"

/** Every use case of the core, needing only the ports. Provide the ports at the edge. */
export const LoopctlServices = Layer.mergeAll(
  Access.Default,
  AuditTrail.Default,
  WorkBreakdown.Default,
  Importer.Default,
  StoryLifecycle.Default,
  Verification.Default,
)
