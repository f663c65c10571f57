import { SqlClient } from "@effect/sql"
import {
  ArtifactReports,
  type AuditFilter,
  AuditLog,
  type ChangeFilter,
  Outbox,
  OutboxEntry,
  ReviewRecords,
  VerificationResults,
} from "@loopctl/core"
import { Effect, Layer, Schema } from "effect"
import { timestampOfColumn } from "../rows.js"
import { deferredWrite } from "../statement-batching.js"
import { countOf, pageWindow, selectPage } from "./paging.js"
import * as T from "./shapes.js"

/** SQL implementations of verification records, the audit log and the outbox. */

export const ReviewRecordsSql = Layer.effect(
  ReviewRecords,
  Effect.map(SqlClient.SqlClient, (sql) =>
    ReviewRecords.of({
      insert: (record) =>
        Effect.orDie(
          deferredWrite(sql`INSERT INTO review_records ${sql.insert(T.reviewRecords.encode(record))}`),
        ),
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
          deferredWrite(
            sql`INSERT INTO verification_results ${sql.insert(T.verificationResults.encode(result))}`,
          ),
        ),
      lastIteration: (story) =>
        Effect.orDie(
          Effect.map(
            sql`SELECT coalesce(max(iteration), 0) AS count FROM verification_results WHERE story_id = ${story}`,
            countOf,
          ),
        ),
      standingOf: (story) =>
        Effect.orDie(
          Effect.flatMap(
            sql`SELECT
                  (SELECT coalesce(max(iteration), 0) FROM verification_results WHERE story_id = ${story}) AS count,
                  (SELECT max(completed_at) FROM review_records WHERE story_id = ${story}) AS latest`,
            (rows) => {
              const latest = timestampOfColumn(rows[0]?.latest ?? null)
              return Effect.map(
                latest === null ? Effect.succeed(null) : decodeLatest(latest),
                (reviewed) => ({
                  last_iteration: countOf(rows),
                  latest_review_completed_at: reviewed,
                }),
              )
            },
          ),
        ),
      listByStory: (story, page) =>
        selectPage(sql, {
          from: sql`verification_results`,
          where: sql`story_id = ${story}`,
          orderBy: sql`iteration DESC, inserted_at DESC`,
          window: pageWindow(page),
          decode: T.verificationResults.decode,
        }),
    }),
  ),
)

export const ArtifactReportsSql = Layer.effect(
  ArtifactReports,
  Effect.map(SqlClient.SqlClient, (sql) =>
    ArtifactReports.of({
      insert: (report) =>
        Effect.orDie(
          deferredWrite(sql`INSERT INTO artifact_reports ${sql.insert(T.artifactReports.encode(report))}`),
        ),
      listByStory: (story, page) =>
        selectPage(sql, {
          from: sql`artifact_reports`,
          where: sql`story_id = ${story}`,
          orderBy: sql`inserted_at, id`,
          window: pageWindow(page),
          decode: T.artifactReports.decode,
        }),
    }),
  ),
)

export const AuditLogSql = Layer.effect(
  AuditLog,
  Effect.map(SqlClient.SqlClient, (sql) => {
    const equal = (column: string, value: string | undefined) =>
      value === undefined ? [] : [sql`${sql(column)} = ${value}`]
    const listWhere = (filter: AuditFilter) =>
      sql.and([
        sql`TRUE`,
        ...equal("tenant_id", filter.tenant_id),
        ...equal("entity_type", filter.entity_type),
        ...equal("entity_id", filter.entity_id),
        ...equal("action", filter.action),
        ...equal("actor_type", filter.actor_type),
        ...equal("actor_id", filter.actor_id),
        ...equal("project_id", filter.project_id),
        ...(filter.from === undefined ? [] : [sql`inserted_at >= ${filter.from}`]),
        ...(filter.to === undefined ? [] : [sql`inserted_at <= ${filter.to}`]),
      ])
    const changeWhere = (filter: ChangeFilter) =>
      sql.and([
        sql`TRUE`,
        ...equal("entity_type", filter.entity_type),
        ...equal("action", filter.action),
        ...equal("project_id", filter.project_id),
        ...(filter.entity_types === undefined
          ? []
          : [filter.entity_types.length === 0 ? sql`FALSE` : sql.in("entity_type", filter.entity_types)]),
      ])
    // The literal entity type lets the planner use the partial index on metadata->>'story_id'.
    const aboutStory = (story: string) =>
      sql`((entity_type = 'story' AND entity_id = ${story})
          OR (entity_type = 'token_usage_report' AND metadata->>'story_id' = ${story}))`
    return AuditLog.of({
      append: (entries) =>
        entries.length === 0
          ? Effect.void
          : Effect.orDie(
              deferredWrite(sql`INSERT INTO audit_log ${sql.insert(entries.map(T.auditEntries.encode))}`),
            ),
      list: (filter, page) => {
        const where = listWhere(filter)
        return selectPage(sql, {
          from: sql`audit_log`,
          where,
          orderBy: sql`inserted_at DESC, id DESC`,
          window: pageWindow(page),
          decode: T.auditEntries.decode,
        })
      },
      changes: (since, filter, limit) =>
        Effect.orDie(
          Effect.gen(function* () {
            const where = changeWhere(filter)
            const head = yield* Effect.flatMap(
              sql`SELECT * FROM audit_log WHERE ${where} AND inserted_at > ${since}
                  ORDER BY inserted_at, id LIMIT ${limit + 1}`,
              T.auditEntries.decode,
            )
            const edge = head[limit - 1]
            const next = head[limit]
            if (edge === undefined || next === undefined) return { entries: head, has_more: false }
            const kept = head.slice(0, limit)
            if (next.inserted_at !== edge.inserted_at) return { entries: kept, has_more: true }
            // The limit fell inside a group of one instant: read the rest of the group and one
            // entry past it (to learn whether more follow), in order, in one statement.
            const rest = yield* Effect.flatMap(
              sql`SELECT * FROM audit_log
                  WHERE ${where} AND (inserted_at, id) > (${edge.inserted_at}::timestamptz, ${edge.id}::uuid)
                  ORDER BY inserted_at, id
                  LIMIT (SELECT count(*) + 1 FROM audit_log
                         WHERE ${where} AND inserted_at = ${edge.inserted_at} AND id > ${edge.id})`,
              T.auditEntries.decode,
            )
            const group = rest.filter((entry) => entry.inserted_at === edge.inserted_at)
            return { entries: [...kept, ...group], has_more: group.length < rest.length }
          }),
        ),
      storyHistory: (story, page) =>
        selectPage(sql, {
          from: sql`audit_log`,
          where: aboutStory(story),
          orderBy: sql`inserted_at, id`,
          window: pageWindow(page),
          decode: T.auditEntries.decode,
        }),
      mentions: (entity) =>
        Effect.orDie(
          Effect.map(
            sql`SELECT 1 FROM audit_log WHERE entity_id = ${entity} LIMIT 1`,
            (rows) => rows.length > 0,
          ),
        ),
      exists: (entity_type, entity_id, action) =>
        Effect.orDie(
          Effect.map(
            sql`SELECT 1 FROM audit_log WHERE entity_type = ${entity_type} AND entity_id = ${entity_id}
                AND action = ${action} LIMIT 1`,
            (rows) => rows.length > 0,
          ),
        ),
    })
  }),
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
              deferredWrite(
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
