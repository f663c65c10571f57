/**
 * `@loopctl/core/testing`: narrow test layers. Each port's layer lets a test stub only the
 * members it expects a use case to reach; every other member dies naming the port and member
 * (`UnstubbedPortMember`). For whole stores in memory, use `@loopctl/core/memory`.
 */
export { type Unstubbed, UnstubbedPortMember, makeTestLayer } from "./test-layer.js"
export { AuditLogTest } from "./audit.js"
export { OutboxTest } from "./events.js"
export {
  AgentsTest,
  ApiKeysTest,
  RateLimitsTest,
  RootAuthenticatorsTest,
  SecretsTest,
  SignupChallengesTest,
  TenantsTest,
} from "./identity.js"
export { IdsTest, UnitOfWorkTest } from "./kernel.js"
export { EpicDependenciesTest, EpicsTest, ProjectsTest, StoriesTest, StoryDependenciesTest } from "./work.js"
export {
  ArtifactReportsTest,
  OrchestratorStatesTest,
  ReviewRecordsTest,
  UiTestRunsTest,
  VerificationResultsTest,
} from "./workflow.js"
