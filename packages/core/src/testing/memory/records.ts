import { Effect, HashMap, Layer } from "effect"
import { Outbox } from "../../events/ports/outbox.js"
import { pageOf } from "../../kernel/domain/page.js"
import {
  ArtifactReports,
  ReviewRecords,
  VerificationResults,
} from "../../workflow/ports/verification-records.js"
import { MemoryStore, tableAccess } from "./store.js"

/** Memory implementations of verification records and the outbox. */

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
      standingOf: (story) =>
        Effect.map(
          Effect.zip(
            ofStory(story),
            db.rows((t) => t.reviewRecords),
          ),
          ([results, reviews]) => ({
            last_iteration: Math.max(0, ...results.map((r) => r.iteration)),
            latest_review_completed_at: reviews
              .filter((r) => r.story_id === story)
              .reduce<(typeof reviews)[number]["completed_at"] | null>(
                (latest, r) => (latest === null || r.completed_at > latest ? r.completed_at : latest),
                null,
              ),
          }),
        ),
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
