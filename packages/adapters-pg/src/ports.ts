import type * as SqlClient from "@effect/sql/SqlClient"
import type {
  Agents,
  ApiKeys,
  ArtifactReports,
  AuditLog,
  EpicDependencies,
  Epics,
  Ids,
  OrchestratorStates,
  Outbox,
  Projects,
  RateLimits,
  ReviewRecords,
  RootAuthenticators,
  Secrets,
  SignupChallenges,
  Stories,
  StoryDependencies,
  Tenants,
  UiTestRuns,
  UnitOfWork,
  VerificationResults,
} from "@loopctl/core"
import { Layer } from "effect"
import { IdsCrypto } from "./ids.js"
import { AgentsSql, ApiKeysSql } from "./repositories/access.js"
import { OrchestratorStatesSql } from "./repositories/orchestrator-states.js"
import { RateLimitsSql } from "./repositories/rate-limits.js"
import {
  ArtifactReportsSql,
  AuditLogSql,
  OutboxSql,
  ReviewRecordsSql,
  VerificationResultsSql,
} from "./repositories/records.js"
import { RootAuthenticatorsSql, SignupChallengesSql } from "./repositories/signup.js"
import { TenantsSql } from "./repositories/tenants.js"
import { UiTestRunsSql } from "./repositories/ui-test-runs.js"
import {
  EpicDependenciesSql,
  EpicsSql,
  ProjectsSql,
  StoriesSql,
  StoryDependenciesSql,
} from "./repositories/work.js"
import { SecretsNode } from "./secrets.js"
import { type DatabaseAccess, UnitOfWorkLive } from "./unit-of-work.js"

/** Every port of the core on SQL, over the SqlClient in context (Postgres or PGlite). */
export const SqlPorts: Layer.Layer<
  | UnitOfWork
  | DatabaseAccess
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
  | RateLimits
  | OrchestratorStates
  | UiTestRuns
  | RootAuthenticators
  | SignupChallenges
  | Ids,
  never,
  SqlClient.SqlClient
> = Layer.mergeAll(
  ProjectsSql,
  EpicsSql,
  StoriesSql,
  StoryDependenciesSql,
  EpicDependenciesSql,
  ReviewRecordsSql,
  VerificationResultsSql,
  ArtifactReportsSql,
  AuditLogSql,
  OutboxSql,
  TenantsSql,
  ApiKeysSql,
  AgentsSql,
  RateLimitsSql,
  OrchestratorStatesSql,
  UiTestRunsSql,
  RootAuthenticatorsSql,
  SignupChallengesSql,
  IdsCrypto,
  SecretsNode,
).pipe(Layer.provideMerge(UnitOfWorkLive))
