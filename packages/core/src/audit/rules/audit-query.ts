import { Either, Schema } from "effect"
import { BadRequest, NotFound } from "../../kernel/domain/errors.js"
import { type PageRequest, pageRequest, readPageRequest } from "../../kernel/domain/page.js"
import {
  QueryProblems,
  choiceParameter,
  integerParameter,
  timeParameter,
  timeProblem,
} from "../../kernel/domain/query-parameters.js"
import { isUnstorable } from "../../kernel/domain/storable.js"
import { type Timestamp, parseTimestamp } from "../../kernel/domain/timestamp.js"
import { AuditActorType } from "../domain/audit-entry.js"
import type { AuditFilter, ChangeFilter } from "../domain/audit-filter.js"

/**
 * The query parameters of the audit endpoints (platform.md §9.3–§9.5): what each means, which
 * values count, and which refusals they earn. Empty values mean "no filter"; a uuid filter that
 * is not a uuid is a 404, as a malformed id is everywhere (the original's cast error); a time,
 * an actor type or a number that does not read as one is a 400 naming it (D26).
 */

/** Query values as they arrive: anything, usually strings. */
export type QueryValue = unknown

/** `GET /audit`: equality filters, an inclusive time range and the page. */
export interface AuditQueryInput {
  readonly entity_type?: QueryValue
  readonly entity_id?: QueryValue
  readonly action?: QueryValue
  readonly actor_type?: QueryValue
  readonly actor_id?: QueryValue
  readonly project_id?: QueryValue
  readonly from?: QueryValue
  readonly to?: QueryValue
  readonly page?: QueryValue
  readonly page_size?: QueryValue
  readonly limit?: QueryValue
}

/** A valid audit list request. */
export interface AuditQuery {
  readonly filter: AuditFilter
  readonly page: PageRequest
}

/** `GET /changes`: the cursor, the batch size and three equality filters. */
export interface ChangesQueryInput {
  readonly since?: QueryValue
  readonly limit?: QueryValue
  readonly project_id?: QueryValue
  readonly entity_type?: QueryValue
  readonly action?: QueryValue
}

/** A valid change feed request. */
export interface ChangesQuery {
  readonly since: Timestamp
  readonly limit: number
  readonly filter: ChangeFilter
}

/** `GET /stories/:id/history`: only the page. */
export interface HistoryQueryInput {
  readonly page?: QueryValue
  readonly page_size?: QueryValue
  readonly limit?: QueryValue
}

/** The audit list's page: 20 by default, at most 100. */
export const AUDIT_PAGE = { page_size: 20, max: 100 } as const

/** A story history's page: 100 by default, at most 100. */
export const HISTORY_PAGE = { page_size: 100, max: 100 } as const

/** The change feed's batch size when none (or no usable one) is asked for, and its cap. */
export const CHANGES_LIMIT = 1000

const isUuid = Schema.is(Schema.UUID)

/** Not a uuid where one is due: indistinguishable from an unknown id. */
const notFound = () => new NotFound({ message: "Not found" })

/** The filter value of a text parameter: a non-blank string, else none. */
const text = (value: QueryValue): string | undefined =>
  typeof value === "string" && value.trim() !== "" ? value : undefined

/** The filter value of a uuid parameter: none when blank, lower-cased when a uuid, else a 404. */
const uuid = (value: QueryValue): Either.Either<string | undefined, NotFound> => {
  const given = text(value)?.trim()
  if (given === undefined) return Either.right(undefined)
  return isUuid(given) ? Either.right(given.toLowerCase()) : Either.left(notFound())
}

/** Keeps only the keys whose value is defined (the port's filters are exact optional fields). */
const defined = <A extends Record<string, unknown>>(
  fields: A,
): { [K in keyof A]?: Exclude<A[K], undefined> } => {
  const kept: { [K in keyof A]?: Exclude<A[K], undefined> } = {}
  for (const key of Object.keys(fields)) {
    const value = fields[key]
    if (value !== undefined) Object.assign(kept, { [key]: value })
  }
  return kept
}

/** Reads the audit list's query: filters (blank ones ignored), `from`/`to`, the page. */
export const parseAuditQuery = (query: AuditQueryInput): Either.Either<AuditQuery, BadRequest | NotFound> =>
  Either.gen(function* () {
    const entity_id = yield* uuid(query.entity_id)
    const actor_id = yield* uuid(query.actor_id)
    const project_id = yield* uuid(query.project_id)
    const problems = new QueryProblems()
    const filter: AuditFilter = defined({
      entity_type: text(query.entity_type),
      entity_id,
      action: text(query.action),
      actor_type: choiceParameter(query.actor_type, "actor_type", AuditActorType.literals, problems),
      actor_id,
      project_id,
      from: timeParameter(query.from, "from", problems),
      to: timeParameter(query.to, "to", problems),
    })
    const page = readPageRequest(query, AUDIT_PAGE, problems)
    return yield* problems.result(() => ({ filter, page }))
  })

/** `GET /admin/audit`: the tenant list's filters but `project_id`, plus the tenant. */
export interface PlatformAuditQueryInput extends Omit<AuditQueryInput, "project_id"> {
  readonly tenant_id?: QueryValue
}

/** Reads the cross-tenant audit query (platform.md §7): the same rules, and a tenant filter. */
export const parsePlatformAuditQuery = (
  query: PlatformAuditQueryInput,
): Either.Either<AuditQuery, BadRequest | NotFound> =>
  Either.gen(function* () {
    const tenant = yield* uuid(query.tenant_id)
    const { filter, page } = yield* parseAuditQuery({ ...query, project_id: undefined })
    return { filter: tenant === undefined ? filter : { ...filter, tenant_id: tenant }, page }
  })

/**
 * Whether a filter holds text no stored entry can have (a NUL, an unpaired surrogate): such a
 * filter matches nothing, and the database would refuse the comparison, so it is answered empty
 * without asking.
 */
export const matchesNothing = (filter: AuditFilter | ChangeFilter): boolean =>
  Object.values(filter).some((value) => typeof value === "string" && isUnstorable(value))

/** `since` is missing (or blank). */
export const sinceRequired = () => new BadRequest({ message: "The 'since' parameter is required" })

/** `since` is not an ISO-8601 instant with a zone. */
export const sinceInvalid = () =>
  new BadRequest({
    message: "Invalid timestamp format for 'since'. Expected ISO8601 (e.g., 2026-01-01T00:00:00Z)",
    details: { since: [timeProblem] },
  })

/** The cursor: required, and an instant with `Z` or an offset (a zoneless time is refused). */
export const parseSince = (value: QueryValue): Either.Either<Timestamp, BadRequest> => {
  if (value === undefined || value === null || (typeof value === "string" && value.trim() === ""))
    return Either.left(sinceRequired())
  const parsed = typeof value === "string" ? parseTimestamp(value.trim()) : undefined
  return parsed === undefined ? Either.left(sinceInvalid()) : Either.right(parsed)
}

/** The batch size: an integer of at least 1, 1000 by default; more than 1000 is served as 1000. */
export const changesLimit = (value: QueryValue, problems: QueryProblems): number =>
  Math.min(CHANGES_LIMIT, integerParameter(value, "limit", 1, problems) ?? CHANGES_LIMIT)

/** Reads the change feed's query: `since` first (400s), then the filters and the batch size. */
export const parseChangesQuery = (
  query: ChangesQueryInput,
): Either.Either<ChangesQuery, BadRequest | NotFound> =>
  Either.gen(function* () {
    const since = yield* parseSince(query.since)
    const filter: ChangeFilter = defined({
      entity_type: text(query.entity_type),
      action: text(query.action),
      project_id: yield* uuid(query.project_id),
    })
    const problems = new QueryProblems()
    const limit = changesLimit(query.limit, problems)
    return yield* problems.result(() => ({ since, limit, filter }))
  })

/** A story history's page request. */
export const historyPage = (query: HistoryQueryInput): Either.Either<PageRequest, BadRequest> =>
  pageRequest(query, HISTORY_PAGE)

/** `next_since`: the last entry's instant when more entries follow, else null. */
export const nextSince = (
  entries: ReadonlyArray<{ readonly inserted_at: Timestamp }>,
  has_more: boolean,
): Timestamp | null => (has_more ? (entries[entries.length - 1]?.inserted_at ?? null) : null)
