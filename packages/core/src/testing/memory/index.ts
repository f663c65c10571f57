import { Layer } from "effect"
import { LoopctlServices } from "../../layer.js"
import { AgentsMemory, ApiKeysMemory, TenantsMemory } from "./access.js"
import { AuditLogMemory } from "./audit-log.js"
import { IdsRandom } from "./ids.js"
import { OrchestratorStatesMemory } from "./orchestrator-states.js"
import { RateLimitsMemory } from "./rate-limits.js"
import {
  ArtifactReportsMemory,
  OutboxMemory,
  ReviewRecordsMemory,
  VerificationResultsMemory,
} from "./records.js"
import { SecretsWebCrypto } from "./secrets.js"
import { RootAuthenticatorsMemory, SignupChallengesMemory } from "./signup.js"
import { MemoryStore } from "./store.js"
import { UiTestRunsMemory } from "./ui-test-runs.js"
import { UnitOfWorkMemory } from "./unit-of-work.js"
import {
  EpicDependenciesMemory,
  EpicsMemory,
  ProjectsMemory,
  StoriesMemory,
  StoryDependenciesMemory,
} from "./work.js"

/**
 * `@loopctl/core/memory`: every port of the core kept in memory — for tests, and for embedding
 * loopctl in a process that needs no database. State lives as long as the layer. The rate
 * counters are shared with the API keys, which count a request as they authenticate it.
 */
export const MemoryPorts = Layer.mergeAll(
  UnitOfWorkMemory,
  TenantsMemory,
  ApiKeysMemory,
  AgentsMemory,
  ProjectsMemory,
  EpicsMemory,
  StoriesMemory,
  StoryDependenciesMemory,
  EpicDependenciesMemory,
  ReviewRecordsMemory,
  VerificationResultsMemory,
  ArtifactReportsMemory,
  AuditLogMemory,
  OutboxMemory,
  OrchestratorStatesMemory,
  UiTestRunsMemory,
  RootAuthenticatorsMemory,
  SignupChallengesMemory,
).pipe(
  Layer.provideMerge(Layer.mergeAll(IdsRandom, SecretsWebCrypto, RateLimitsMemory)),
  Layer.provide(MemoryStore.layer),
)

export { IdsRandom } from "./ids.js"
export { SecretsWebCrypto } from "./secrets.js"
export { MemoryStore } from "./store.js"

/** The use cases wired to a fresh in-memory store (the ports stay available too). */
export const MemoryLoopctl = LoopctlServices.pipe(Layer.provideMerge(MemoryPorts))
