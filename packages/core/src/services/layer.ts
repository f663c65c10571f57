import { Layer } from "effect"
import { Access } from "./access.js"
import { AuditTrail } from "./audit-trail.js"
import { BulkWork } from "./bulk-work.js"
import { Importer } from "./importer.js"
import { OrchestratorCheckpoints } from "./orchestrator-checkpoints.js"
import { Signup } from "./signup.js"
import { StoryLifecycle } from "./story-lifecycle.js"
import { StoryRecords } from "./story-records.js"
import { UiTesting } from "./ui-testing.js"
import { Verification } from "./verification.js"
import { WorkBreakdown } from "./work-breakdown.js"

/** Every use case of the core, needing only the ports. Provide the ports at the edge. */
export const LoopctlServices = Layer.mergeAll(
  Access.Default,
  Signup.Default,
  AuditTrail.Default,
  WorkBreakdown.Default,
  Importer.Default,
  StoryLifecycle.Default,
  Verification.Default,
  BulkWork.Default,
  StoryRecords.Default,
  OrchestratorCheckpoints.Default,
  UiTesting.Default,
)
