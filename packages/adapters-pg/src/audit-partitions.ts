import * as SqlClient from "@effect/sql/SqlClient"
import type { SqlError } from "@effect/sql/SqlError"
import { Effect } from "effect"

/**
 * Upkeep of the monthly audit_log partitions (SQL functions of migrations/0003). Both touch DDL
 * across tenants, so run them on the owner path (`DatabaseAccess.asOwner`), never as the app role.
 */

/** One thing the upkeep did: `created`, `skipped`, `dropped` or `purged N rows`, and where. */
export interface PartitionChange {
  readonly outcome: string
  readonly partition_name: string
}

/** The default retention of audit entries, in days. */
export const DEFAULT_AUDIT_RETENTION_DAYS = 90

/** Creates the partitions of the current month (or `asOf`'s) and the three after it, if missing. */
export const ensureAuditPartitions = (
  asOf?: string,
): Effect.Effect<ReadonlyArray<PartitionChange>, SqlError, SqlClient.SqlClient> =>
  Effect.flatMap(SqlClient.SqlClient, (sql) =>
    asOf === undefined
      ? sql<PartitionChange>`SELECT outcome, partition_name FROM loopctl_audit_ensure_partitions()`
      : sql<PartitionChange>`SELECT outcome, partition_name FROM loopctl_audit_ensure_partitions(${asOf}::timestamptz)`,
  )

/**
 * The daily job: ensures the upcoming partitions, then drops every partition whose month is
 * strictly before the month of (now − retentionDays), and ages out stray rows of the default partition.
 */
export const maintainAuditPartitions = (
  retentionDays: number = DEFAULT_AUDIT_RETENTION_DAYS,
  asOf?: string,
): Effect.Effect<ReadonlyArray<PartitionChange>, SqlError, SqlClient.SqlClient> =>
  Effect.flatMap(SqlClient.SqlClient, (sql) =>
    asOf === undefined
      ? sql<PartitionChange>`SELECT outcome, partition_name FROM loopctl_audit_maintain(${retentionDays}::integer)`
      : sql<PartitionChange>`SELECT outcome, partition_name
          FROM loopctl_audit_maintain(${retentionDays}::integer, ${asOf}::timestamptz)`,
  )
