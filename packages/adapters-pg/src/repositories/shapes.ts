import {
  ArtifactReport,
  AuditEntry,
  DuplicateKey,
  Epic,
  EpicDependency,
  Project,
  ReviewRecord,
  Story,
  StoryDependency,
  Tenant,
  Timestamp,
  VerificationResult,
} from "@loopctl/core"
import type { Schema } from "effect"
import { type RowShape, decodeRows, encodeRow, recordOf } from "../rows.js"

/** How each entity maps to its table: the row shape, and the codec both ways. */
const table = <A extends I, I extends Readonly<Record<string, unknown>>>(
  schema: Schema.Schema<A, I>,
  shape: RowShape,
  json: ReadonlyArray<string>,
) => ({
  decode: decodeRows(schema, shape),
  encode: encodeRow(schema, json),
  record: recordOf(schema),
})

const stamps = ["inserted_at", "updated_at"]

export const tenants = table(Tenant, { timestamps: stamps }, ["settings"])
export const projects = table(Project, { timestamps: stamps }, ["metadata"])
export const epics = table(Epic, { timestamps: stamps }, ["metadata"])
export const stories = table(
  Story,
  {
    timestamps: [...stamps, "assigned_at", "reported_done_at", "verified_at", "rejected_at"],
    numbers: ["estimated_hours"],
  },
  ["acceptance_criteria", "claimed_by_agent_ids", "metadata"],
)
export const storyDependencies = table(StoryDependency, { timestamps: ["inserted_at"] }, [])
export const epicDependencies = table(EpicDependency, { timestamps: ["inserted_at"] }, [])
export const reviewRecords = table(ReviewRecord, { timestamps: [...stamps, "completed_at"] }, [])
export const verificationResults = table(VerificationResult, { timestamps: stamps }, ["findings"])
export const artifactReports = table(ArtifactReport, { timestamps: stamps }, ["details"])
export const auditEntries = table(AuditEntry, { timestamps: ["inserted_at"] }, [
  "old_state",
  "new_state",
  "metadata",
])

/** The DuplicateKey each unique constraint stands for. */
export const duplicate = (entity: string, key: string) => () => new DuplicateKey({ entity, key })

/** A single timestamp read back from a column. */
export const TimestampColumn = Timestamp
