import { SqlClient } from "@effect/sql"
import {
  ArtifactReports,
  AuditLog,
  Outbox,
  OutboxEntry,
  ReviewRecords,
  VerificationResults,
} from "@loopctl/core"
import { Effect, Layer, Schema } from "effect"
import { timestampOfColumn } from "../rows.js"
import { countOf, limitOffset, pageOfRows } from "./paging.js"
import * as T from "./shapes.js"

/** SQL implementations of verification records, the audit log and the outbox. */

export const ReviewRecordsSql = Layer.effect(
  ReviewRecords,
  Effect.map(SqlClient.SqlClient, (sql) =>
    ReviewRecords.of({
      insert: (record) =>
        Effect.orDie(sql`INSERT INTO review_records ${sql.insert(T.reviewRecords.encode(record))}`),
      latestCompletedAt: (story) =>
        Effect.orDie(
          Effect.flatMap(
            sql`SELECT max(completed_at) AS latest FROM review_records WHERE story_id = ${story}`,
            (rows) => {
              const latest = timestampOfColumn(rows[0]?.latest ?? null)
              return latest === null ? Effect.succeed(null) : decodeLatest(latest)
            },
          ),
        ),
    }),
  ),
)

export const VerificationResultsSql = Layer.effect(
  VerificationResults,
  Effect.map(SqlClient.SqlClient, (sql) =>
    VerificationResults.of({
      insert: (result) =>
        Effect.orDie(
          sql`INSERT INTO verification_results ${sql.insert(T.verificationResults.encode(result))}`,
        ),
      lastIteration: (story) =>
        Effect.orDie(
          Effect.map(
            sql`SELECT coalesce(max(iteration), 0) AS count FROM verification_results WHERE story_id = ${story}`,
            countOf,
          ),
        ),
      listByStory: (story, page) =>
        Effect.orDie(
          Effect.flatMap(
            sql`SELECT *, count(*) OVER () AS total_count FROM verification_results WHERE story_id = ${story}
                ORDER BY iteration DESC, inserted_at DESC ${limitOffset(sql, page)}`,
            (rows) =>
              pageOfRows(
                rows,
                T.verificationResults.decode,
                Effect.orDie(
                  Effect.map(
                    sql`SELECT count(*) FROM verification_results WHERE story_id = ${story}`,
                    countOf,
                  ),
                ),
              ),
          ),
        ),
    }),
  ),
)

export const ArtifactReportsSql = Layer.effect(
  ArtifactReports,
  Effect.map(SqlClient.SqlClient, (sql) =>
    ArtifactReports.of({
      insert: (report) =>
        Effect.orDie(sql`INSERT INTO artifact_reports ${sql.insert(T.artifactReports.encode(report))}`),
      listByStory: (story, page) =>
        Effect.orDie(
          Effect.flatMap(
            sql`SELECT *, count(*) OVER () AS total_count FROM artifact_reports WHERE story_id = ${story}
                ORDER BY inserted_at, id ${limitOffset(sql, page)}`,
            (rows) =>
              pageOfRows(
                rows,
                T.artifactReports.decode,
                Effect.orDie(
                  Effect.map(sql`SELECT count(*) FROM artifact_reports WHERE story_id = ${story}`, countOf),
                ),
              ),
          ),
        ),
    }),
  ),
)

export const AuditLogSql = Layer.effect(
  AuditLog,
  Effect.map(SqlClient.SqlClient, (sql) =>
    AuditLog.of({
      append: (entries) =>
        entries.length === 0
          ? Effect.void
          : Effect.orDie(sql`INSERT INTO audit_log ${sql.insert(entries.map(T.auditEntries.encode))}`),
      list: (filter, page) => {
        const where = sql.and([
          sql`TRUE`,
          ...(filter.entity_type === undefined ? [] : [sql`entity_type = ${filter.entity_type}`]),
          ...(filter.entity_id === undefined ? [] : [sql`entity_id = ${filter.entity_id}`]),
          ...(filter.action === undefined ? [] : [sql`action = ${filter.action}`]),
          ...(filter.project_id === undefined ? [] : [sql`project_id = ${filter.project_id}`]),
        ])
        return Effect.orDie(
          Effect.flatMap(
            sql`SELECT *, count(*) OVER () AS total_count FROM audit_log WHERE ${where}
                ORDER BY inserted_at DESC, id DESC ${limitOffset(sql, page)}`,
            (rows) =>
              pageOfRows(
                rows,
                T.auditEntries.decode,
                Effect.orDie(Effect.map(sql`SELECT count(*) FROM audit_log WHERE ${where}`, countOf)),
              ),
          ),
        )
      },
      exists: (entity_type, entity_id, action) =>
        Effect.orDie(
          Effect.map(
            sql`SELECT 1 FROM audit_log WHERE entity_type = ${entity_type} AND entity_id = ${entity_id}
                AND action = ${action} LIMIT 1`,
            (rows) => rows.length > 0,
          ),
        ),
    }),
  ),
)

const decodeOutbox = Schema.decodeUnknown(Schema.Array(OutboxEntry))
const decodeLatest = Schema.decodeUnknown(Schema.NullOr(T.TimestampColumn))

export const OutboxSql = Layer.effect(
  Outbox,
  Effect.map(SqlClient.SqlClient, (sql) =>
    Outbox.of({
      enqueue: (entries) =>
        entries.length === 0
          ? Effect.void
          : Effect.orDie(
              sql`INSERT INTO outbox ${sql.insert(
                entries.map((entry) => ({
                  id: entry.id,
                  tenant_id: entry.tenant_id,
                  project_id: entry.project_id,
                  event_type: entry.event.event,
                  payload: JSON.stringify(entry.event),
                  occurred_at: entry.occurred_at,
                })),
              )}`,
            ),
      list: (limit) =>
        Effect.orDie(
          Effect.flatMap(
            sql`SELECT id, tenant_id, project_id, payload, occurred_at FROM outbox ORDER BY occurred_at, id LIMIT ${limit}`,
            (rows) =>
              decodeOutbox(
                rows.map((row) => ({
                  id: row.id,
                  tenant_id: row.tenant_id,
                  project_id: row.project_id,
                  event: row.payload,
                  occurred_at: timestampOfColumn(row.occurred_at),
                })),
              ),
          ),
        ),
    }),
  ),
)
