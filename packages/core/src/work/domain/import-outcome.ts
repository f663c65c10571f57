import { Data } from "effect"

/** What a fresh import created. */
export interface FreshImportSummary {
  readonly epics_created: number
  readonly stories_created: number
  readonly dependencies_created: number
}

/** What a merge import created, updated and left alone (orphans are listed, never deleted). */
export interface MergedImportSummary {
  readonly epics_created: number
  readonly epics_updated: number
  readonly stories_created: number
  readonly stories_updated: number
  readonly stories_orphaned: ReadonlyArray<{ readonly number: string; readonly title: string }>
  readonly dependencies_created: number
  readonly dependencies_existing: number
}

/** An import was either fresh (every number new) or merged into what the project held. */
export type ImportOutcome = Data.TaggedEnum<{
  Fresh: { readonly import: FreshImportSummary }
  Merged: { readonly import: MergedImportSummary }
}>

export const ImportOutcome = Data.taggedEnum<ImportOutcome>()
