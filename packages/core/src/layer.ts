import { Layer } from "effect"
import { AuditTrail } from "./audit/use-cases/audit-trail.js"
import { Access } from "./identity/use-cases/access.js"
import { Signup } from "./identity/use-cases/signup.js"
import { DependencyPlanning } from "./work/use-cases/dependency-planning.js"
import { EpicPlanning } from "./work/use-cases/epic-planning.js"
import { Importer } from "./work/use-cases/importer.js"
import { ProjectPlanning } from "./work/use-cases/project-planning.js"
import { StoryPlanning } from "./work/use-cases/story-planning.js"
import { StoryRecords } from "./work/use-cases/story-records.js"
import { WorkQueues } from "./work/use-cases/work-queues.js"
import { BulkWork } from "./workflow/use-cases/bulk-work.js"
import { OrchestratorCheckpoints } from "./workflow/use-cases/orchestrator-checkpoints.js"
import { StoryLifecycle } from "./workflow/use-cases/story-lifecycle.js"
import { UiTesting } from "./workflow/use-cases/ui-testing.js"
import { Verification } from "./workflow/use-cases/verification.js"

/** Every use case of the core, needing only the ports. Provide the ports at the edge. */
export const LoopctlServices = Layer.mergeAll(
  Access.Default,
  Signup.Default,
  AuditTrail.Default,
  ProjectPlanning.Default,
  EpicPlanning.Default,
  StoryPlanning.Default,
  DependencyPlanning.Default,
  WorkQueues.Default,
  Importer.Default,
  StoryLifecycle.Default,
  Verification.Default,
  BulkWork.Default,
  StoryRecords.Default,
  OrchestratorCheckpoints.Default,
  UiTesting.Default,
)
