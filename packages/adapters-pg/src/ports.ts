import type * as SqlClient from "@effect/sql/SqlClient"
import type {
  Agents,
  ApiKeys,
  ArtifactReports,
  AuditLog,
  EpicDependencies,
  Epics,
  Ids,
  Outbox,
  Projects,
  RateLimits,
  ReviewRecords,
  Secrets,
  Stories,
  StoryDependencies,
  Tenants,
  UnitOfWork,
  VerificationResults,
} from "@loopctl/core"
import { Layer } from "effect"
import { IdsCrypto } from "./ids.js"
import { AgentsSql, ApiKeysSql } from "./repositories/access.js"
import { RateLimitsSql } from "./repositories/rate-limits.js"
import {
  ArtifactReportsSql,
  AuditLogSql,
  OutboxSql,
  ReviewRecordsSql,
  VerificationResultsSql,
} from "./repositories/records.js"
import { TenantsSql } from "./repositories/tenants.js"
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
  IdsCrypto,
  SecretsNode,
).pipe(Layer.provideMerge(UnitOfWorkLive))
