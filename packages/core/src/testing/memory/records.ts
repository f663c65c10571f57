import { Effect, HashMap, Layer } from "effect"
import { pageOf } from "../../domain/page.js"
import { AuditLog } from "../../ports/audit-log.js"
import { Outbox } from "../../ports/outbox.js"
import { ArtifactReports, ReviewRecords, VerificationResults } from "../../ports/verification-records.js"
import { MemoryStore, tableAccess } from "./store.js"

/** Memory implementations of verification records, the audit log and the outbox. */

export const ReviewRecordsMemory = Layer.effect(
  ReviewRecords,
  Effect.map(MemoryStore, (store) => {
    const db = tableAccess(store)
    return ReviewRecords.of({
      insert: (record) =>
        db.write((t) => ({ ...t, reviewRecords: HashMap.set(t.reviewRecords, record.id, record) })),
      latestCompletedAt: (story) =>
        Effect.map(
          db.rows((t) => t.reviewRecords),
          (rows) =>
            rows
              .filter((r) => r.story_id === story)
              .reduce<(typeof rows)[number]["completed_at"] | null>(
                (latest, r) => (latest === null || r.completed_at > latest ? r.completed_at : latest),
                null,
              ),
        ),
    })
  }),
)

export const VerificationResultsMemory = Layer.effect(
  VerificationResults,
  Effect.map(MemoryStore, (store) => {
    const db = tableAccess(store)
    const ofStory = (story: string) =>
      Effect.map(
        db.rows((t) => t.verificationResults),
        (rows) => rows.filter((r) => r.story_id === story),
      )
    return VerificationResults.of({
      insert: (result) =>
        db.write((t) => ({
          ...t,
          verificationResults: HashMap.set(t.verificationResults, result.id, result),
        })),
      lastIteration: (story) =>
        Effect.map(ofStory(story), (rows) => Math.max(0, ...rows.map((r) => r.iteration))),
      listByStory: (story, page) =>
        Effect.map(ofStory(story), (rows) =>
          pageOf(
            [...rows].sort((a, b) => b.iteration - a.iteration),
            page,
          ),
        ),
    })
  }),
)

export const ArtifactReportsMemory = Layer.effect(
  ArtifactReports,
  Effect.map(MemoryStore, (store) => {
    const db = tableAccess(store)
    return ArtifactReports.of({
      insert: (report) =>
        db.write((t) => ({ ...t, artifactReports: HashMap.set(t.artifactReports, report.id, report) })),
      listByStory: (story, page) =>
        Effect.map(
          db.rows((t) => t.artifactReports),
          (rows) =>
            pageOf(
              rows
                .filter((r) => r.story_id === story)
                .sort((a, b) => a.inserted_at.localeCompare(b.inserted_at) || a.id.localeCompare(b.id)),
              page,
            ),
        ),
    })
  }),
)

export const AuditLogMemory = Layer.effect(
  AuditLog,
  Effect.map(MemoryStore, (store) => {
    const db = tableAccess(store)
    const visible = Effect.flatMap(db.tenant, (tenant) =>
      db.read((t) => t.audit.filter((entry) => tenant._tag === "Some" && entry.tenant_id === tenant.value)),
    )
    return AuditLog.of({
      append: (entries) => db.write((t) => ({ ...t, audit: [...t.audit, ...entries] })),
      list: (filter, page) =>
        Effect.map(visible, (entries) =>
          pageOf(
            entries
              .filter(
                (e) =>
                  (filter.entity_type === undefined || e.entity_type === filter.entity_type) &&
                  (filter.entity_id === undefined || e.entity_id === filter.entity_id) &&
                  (filter.action === undefined || e.action === filter.action) &&
                  (filter.project_id === undefined || e.project_id === filter.project_id),
              )
              // Newest first by inserted_at; entries of one instant keep the latest appended first.
              .reverse()
              .sort((a, b) => b.inserted_at.localeCompare(a.inserted_at)),
            page,
          ),
        ),
      exists: (entity_type, entity_id, action) =>
        Effect.map(visible, (entries) =>
          entries.some(
            (e) => e.entity_type === entity_type && e.entity_id === entity_id && e.action === action,
          ),
        ),
    })
  }),
)

export const OutboxMemory = Layer.effect(
  Outbox,
  Effect.map(MemoryStore, (store) => {
    const db = tableAccess(store)
    return Outbox.of({
      enqueue: (entries) => db.write((t) => ({ ...t, outbox: [...t.outbox, ...entries] })),
      list: (limit) =>
        Effect.flatMap(db.tenant, (tenant) =>
          db.read((t) =>
            t.outbox
              .filter((entry) => tenant._tag === "Some" && entry.tenant_id === tenant.value)
              .slice(0, limit),
          ),
        ),
    })
  }),
)
