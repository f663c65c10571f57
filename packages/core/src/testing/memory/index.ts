import { Layer } from "effect"
import { LoopctlServices } from "../../services/layer.js"
import { IdsRandom } from "./ids.js"
import {
  ArtifactReportsMemory,
  AuditLogMemory,
  OutboxMemory,
  ReviewRecordsMemory,
  TenantsMemory,
  VerificationResultsMemory,
} from "./records.js"
import { MemoryStore } from "./store.js"
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
 * loopctl in a process that needs no database. State lives as long as the layer.
 */
export const MemoryPorts = Layer.mergeAll(
  UnitOfWorkMemory,
  TenantsMemory,
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
).pipe(Layer.provideMerge(IdsRandom), Layer.provide(MemoryStore.layer))

export { IdsRandom } from "./ids.js"
export { MemoryStore } from "./store.js"

/** The use cases wired to a fresh in-memory store (the ports stay available too). */
export const MemoryLoopctl = LoopctlServices.pipe(Layer.provideMerge(MemoryPorts))
