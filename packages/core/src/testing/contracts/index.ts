import type { AuditLog } from "../../audit/ports/audit-log.js"
import type { Outbox } from "../../events/ports/outbox.js"
import type { Agents } from "../../identity/ports/agents.js"
import type { ApiKeys } from "../../identity/ports/api-keys.js"
import type { RateLimits } from "../../identity/ports/rate-limits.js"
import type { RootAuthenticators } from "../../identity/ports/root-authenticators.js"
import type { Secrets } from "../../identity/ports/secrets.js"
import type { SignupChallenges } from "../../identity/ports/signup-challenges.js"
import type { Tenants } from "../../identity/ports/tenants.js"
import type { Ids } from "../../kernel/ports/ids.js"
import type { UnitOfWork } from "../../kernel/ports/unit-of-work.js"
import type { EpicDependencies, StoryDependencies } from "../../work/ports/dependencies.js"
import type { Epics } from "../../work/ports/epics.js"
import type { Projects } from "../../work/ports/projects.js"
import type { Stories } from "../../work/ports/stories.js"
import type { OrchestratorStates } from "../../workflow/ports/orchestrator-states.js"
import type { UiTestRuns } from "../../workflow/ports/ui-test-runs.js"
import type {
  ArtifactReports,
  ReviewRecords,
  VerificationResults,
} from "../../workflow/ports/verification-records.js"
import { agentsContract } from "./agents.js"
import { apiKeysContract } from "./api-keys.js"
import { auditLogContract } from "./audit-log.js"
import type { ContractSuite } from "./contract.js"
import { epicDependenciesContract, storyDependenciesContract } from "./dependencies.js"
import { epicsContract } from "./epics.js"
import { idsContract } from "./ids.js"
import { orchestratorStatesContract } from "./orchestrator-states.js"
import { outboxContract } from "./outbox.js"
import { platformTransactionContract } from "./platform-transaction.js"
import { projectsContract } from "./projects.js"
import { rateLimitsContract } from "./rate-limits.js"
import { secretsContract } from "./secrets.js"
import { rootAuthenticatorsContract, signupChallengesContract } from "./signup.js"
import { storiesContract } from "./stories.js"
import { tenantsContract } from "./tenants.js"
import { uiTestRunsContract } from "./ui-test-runs.js"
import { unitOfWorkContract } from "./unit-of-work.js"
import {
  artifactReportsContract,
  reviewRecordsContract,
  verificationResultsContract,
} from "./verification-records.js"
import { workCountsContract } from "./work-counts.js"

/**
 * `@loopctl/core/contracts`: what every adapter of the core's ports must do, as runner-neutral
 * suites. An adapter's test file runs each case with its own layer providing the ports, e.g.
 * `for (const suite of allContractSuites) for (const c of suite.cases) test(c.name, c.run)`.
 * Cases make their own tenants and rows, so they may share one database.
 */
export * from "./contract.js"
export * as ContractFixtures from "./fixtures.js"
export { agentsContract } from "./agents.js"
export { apiKeysContract } from "./api-keys.js"
export { auditLogContract } from "./audit-log.js"
export { epicDependenciesContract, storyDependenciesContract } from "./dependencies.js"
export { epicsContract } from "./epics.js"
export { idsContract } from "./ids.js"
export { orchestratorStatesContract } from "./orchestrator-states.js"
export { outboxContract } from "./outbox.js"
export { platformTransactionContract } from "./platform-transaction.js"
export { projectsContract } from "./projects.js"
export { rateLimitsContract } from "./rate-limits.js"
export { secretsContract } from "./secrets.js"
export { rootAuthenticatorsContract, signupChallengesContract } from "./signup.js"
export { storiesContract } from "./stories.js"
export { tenantsContract } from "./tenants.js"
export { uiTestRunsContract } from "./ui-test-runs.js"
export { unitOfWorkContract } from "./unit-of-work.js"
export {
  artifactReportsContract,
  reviewRecordsContract,
  verificationResultsContract,
} from "./verification-records.js"
export { workCountsContract } from "./work-counts.js"

/** Every port the contract suites exercise: what an adapter's layer must provide to run them all. */
export type ContractPorts =
  | UnitOfWork
  | RateLimits
  | Tenants
  | ApiKeys
  | Agents
  | Secrets
  | Projects
  | Epics
  | Stories
  | StoryDependencies
  | EpicDependencies
  | ReviewRecords
  | VerificationResults
  | ArtifactReports
  | AuditLog
  | Outbox
  | Ids
  | OrchestratorStates
  | UiTestRuns
  | RootAuthenticators
  | SignupChallenges

/** Every suite, one per port. */
export const allContractSuites: ReadonlyArray<ContractSuite<ContractPorts>> = [
  unitOfWorkContract,
  platformTransactionContract,
  tenantsContract,
  apiKeysContract,
  agentsContract,
  secretsContract,
  rateLimitsContract,
  projectsContract,
  epicsContract,
  storiesContract,
  workCountsContract,
  storyDependenciesContract,
  epicDependenciesContract,
  reviewRecordsContract,
  verificationResultsContract,
  artifactReportsContract,
  auditLogContract,
  outboxContract,
  idsContract,
  orchestratorStatesContract,
  uiTestRunsContract,
  rootAuthenticatorsContract,
  signupChallengesContract,
]
