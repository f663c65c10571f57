/**
 * The baseline of the store benchmark: for each use case of a story's walk, the statements the
 * Postgres adapter issues (same text, same order, same values), sent straight through a driver.
 * No Effect, no schemas, no ports, no rules beyond the state checks that keep the walk honest —
 * so what loopctl spends above this is what its layers on top of the SQL cost.
 *
 * The statement texts below were copied from what `@loopctl/adapters-pg` sends (the repositories
 * in `repositories/` compiled by `@effect/sql-pg`, and the scope statement of `unit-of-work.ts`).
 * If the adapter's statements change, change them here too, or the ratio compares different work.
 */
import { randomUUID } from "node:crypto"
import type { PGlite } from "@electric-sql/pglite"
import pg from "pg"

/** One result row, as either driver returns it. */
export type Row = Readonly<Record<string, unknown>>

/** What a transaction of the baseline can do: send one statement and get its rows. */
export interface Session {
  readonly query: (text: string, params?: ReadonlyArray<unknown>) => Promise<ReadonlyArray<Row>>
}

/** A database the baseline runs on: transactions through the driver's own API. */
export interface RawDatabase {
  readonly transaction: <A>(work: (session: Session) => Promise<A>) => Promise<A>
}

/** PGlite through its own `transaction`/`query` API (the instance the adapter opened). */
export const pgliteRaw = (db: PGlite): RawDatabase => ({
  transaction: (work) =>
    db.transaction((tx) =>
      work({ query: async (text, params = []) => (await tx.query<Row>(text, [...params])).rows }),
    ),
})

/** A `pg` pool and the RawDatabase over it; `close` ends the pool. */
export interface PostgresRaw {
  readonly raw: RawDatabase
  readonly close: () => Promise<void>
}

/**
 * A `pg` pool on `url` set up like the adapter's: every connection starts as `role`, and
 * timestamptz values stay text (the adapter reads them as text too, to keep microseconds), so
 * a story row read here can be written back unchanged.
 */
export const openPostgresRaw = (url: string, role: string): PostgresRaw => {
  const types = new pg.TypeOverrides()
  types.setTypeParser(pg.types.builtins.TIMESTAMPTZ, (text: string) => text)
  const pool = new pg.Pool({
    connectionString: url,
    options: `-c role=${role}`,
    application_name: "loopctl-bench-baseline",
    max: 10,
    types,
  })
  const raw: RawDatabase = {
    transaction: async (work) => {
      const client = await pool.connect()
      try {
        await client.query("BEGIN")
        const result = await work({
          query: async (text, params = []) => (await client.query<Row>(text, [...params])).rows,
        })
        await client.query("COMMIT")
        return result
      } catch (error) {
        await client.query("ROLLBACK").catch(() => undefined)
        throw error
      } finally {
        client.release()
      }
    },
  }
  return { raw, close: () => pool.end() }
}

/** The identity fields of an actor that the statements carry. */
export interface RawActor {
  readonly api_key_id: string
  readonly agent_id: string | null
  readonly label: string
}

/** Who walks the baseline's stories: the same three agents as on the loopctl side. */
export interface RawCast {
  readonly tenant: string
  readonly role: string
  readonly implementer: RawActor
  readonly reviewer: RawActor
  readonly orchestrator: RawActor
}

/** The columns `StoriesSql.update` sets, in the order `sql.update` writes them. */
const storyColumns = [
  "project_id",
  "epic_id",
  "number",
  "sort_key",
  "title",
  "description",
  "acceptance_criteria",
  "estimated_hours",
  "agent_status",
  "verified_status",
  "assigned_agent_id",
  "claimed_by_agent_ids",
  "reported_by_agent_id",
  "assigned_at",
  "reported_done_at",
  "verified_at",
  "rejected_at",
  "rejection_reason",
  "metadata",
  "inserted_at",
  "updated_at",
] as const
type StoryColumn = (typeof storyColumns)[number]
const storyJsonColumns: ReadonlyArray<StoryColumn> = [
  "acceptance_criteria",
  "claimed_by_agent_ids",
  "metadata",
]

const insertInto = (table: string, columns: ReadonlyArray<string>) =>
  `INSERT INTO ${table} (${columns.map((c) => `"${c}"`).join(",")}) VALUES (${columns.map((_, i) => `$${i + 1}`).join(",")})`

/** The statements, exactly as the adapter sends them. */
export const statements = {
  scope: "SELECT set_config('app.tenant_id', $1, true), set_config('role', $2, true)",
  lockStory: "SELECT * FROM stories WHERE id = $1 FOR UPDATE",
  prerequisites: `
            SELECT s.*, 'story' AS via FROM story_dependencies d JOIN stories s ON s.id = d.depends_on_story_id
              WHERE d.story_id = $1
            UNION ALL
            SELECT s.*, 'epic' AS via FROM epic_dependencies e JOIN stories s ON s.epic_id = e.depends_on_epic_id
              WHERE e.epic_id = $2
            ORDER BY sort_key, id`,
  updateStory: `UPDATE stories SET ${storyColumns.map((c, i) => `"${c}" = $${i + 1}`).join(", ")} WHERE id = $${storyColumns.length + 1}`,
  insertAudit: insertInto("audit_log", [
    "id",
    "tenant_id",
    "project_id",
    "entity_type",
    "entity_id",
    "action",
    "actor_type",
    "actor_id",
    "actor_label",
    "old_state",
    "new_state",
    "metadata",
    "inserted_at",
  ]),
  insertOutbox: insertInto("outbox", [
    "id",
    "tenant_id",
    "project_id",
    "event_type",
    "payload",
    "occurred_at",
  ]),
  insertReview: insertInto("review_records", [
    "id",
    "tenant_id",
    "story_id",
    "reviewer_agent_id",
    "review_type",
    "findings_count",
    "fixes_count",
    "disproved_count",
    "summary",
    "completed_at",
    "inserted_at",
    "updated_at",
  ]),
  latestReview: "SELECT max(completed_at) AS latest FROM review_records WHERE story_id = $1",
  lastIteration: "SELECT coalesce(max(iteration), 0) AS count FROM verification_results WHERE story_id = $1",
  insertVerification: insertInto("verification_results", [
    "id",
    "tenant_id",
    "story_id",
    "orchestrator_agent_id",
    "result",
    "summary",
    "findings",
    "review_type",
    "iteration",
    "inserted_at",
    "updated_at",
  ]),
  lockEpic: "SELECT * FROM epics WHERE id = $1 FOR UPDATE",
  epicTally:
    "SELECT count(*) AS total, count(*) FILTER (WHERE verified_status = 'verified') AS verified\n                FROM stories WHERE epic_id = $1",
  auditExists:
    "SELECT 1 FROM audit_log WHERE entity_type = $1 AND entity_id = $2\n                AND action = $3 LIMIT 1",
} as const

/** The review evidence both sides send. */
export const reviewType = "benchmark"
/** The verify summary both sides send. */
export const verifySummary = "walked by the store benchmark"

// Millisecond precision is enough here: nothing below compares two instants of one millisecond.
const now = (): string => new Date().toISOString()

const json = (value: unknown): string => JSON.stringify(value)

const refused = (story: Row, action: string): Error =>
  new Error(
    `baseline ${action} refused: story ${String(story.id)} is ${String(story.agent_status)}/${String(story.verified_status)}`,
  )

const lockStory = async (session: Session, id: string): Promise<Row> => {
  const [story] = await session.query(statements.lockStory, [id])
  if (story === undefined) throw new Error(`baseline: story ${id} not found`)
  return story
}

const updateStory = (session: Session, story: Row, changes: Partial<Record<StoryColumn, unknown>>) =>
  session.query(statements.updateStory, [
    ...storyColumns.map((column) => {
      const value = column in changes ? changes[column] : story[column]
      return storyJsonColumns.includes(column) && value !== null ? json(value) : value
    }),
    story.id,
  ])

const appendAudit = (
  session: Session,
  cast: RawCast,
  actor: RawActor,
  projectId: unknown,
  entity: { readonly type: string; readonly id: unknown; readonly action: string },
  oldState: object | null,
  newState: object | null,
  at: string,
) =>
  session.query(statements.insertAudit, [
    randomUUID(),
    cast.tenant,
    projectId,
    entity.type,
    entity.id,
    entity.action,
    "api_key",
    actor.api_key_id,
    actor.label,
    oldState === null ? null : json(oldState),
    newState === null ? null : json(newState),
    "{}",
    at,
  ])

const enqueue = (
  session: Session,
  cast: RawCast,
  projectId: unknown,
  event: { readonly event: string } & Record<string, unknown>,
  at: string,
) =>
  session.query(statements.insertOutbox, [randomUUID(), cast.tenant, projectId, event.event, json(event), at])

const storyRef = (story: Row) => ({
  story_id: story.id,
  project_id: story.project_id,
  epic_id: story.epic_id,
})

/** An agent_status change: the story's UPDATE, then its audit entry and its event. */
const changeStatus = async (
  session: Session,
  cast: RawCast,
  actor: RawActor,
  story: Row,
  changes: Partial<Record<StoryColumn, unknown>> & { readonly agent_status: string },
) => {
  const at = now()
  await updateStory(session, story, { ...changes, updated_at: at })
  const audited = now()
  await appendAudit(
    session,
    cast,
    actor,
    story.project_id,
    { type: "story", id: story.id, action: "status_changed" },
    { agent_status: story.agent_status },
    { agent_status: changes.agent_status, agent_id: actor.agent_id },
    audited,
  )
  await enqueue(
    session,
    cast,
    story.project_id,
    {
      event: "story.status_changed",
      ...storyRef(story),
      old_status: story.agent_status,
      new_status: changes.agent_status,
      agent_id: actor.agent_id,
    },
    audited,
  )
}

/** One use case's transaction: the unit of work's scope statement, then `work`. */
const inScope = (db: RawDatabase, cast: RawCast, work: (session: Session) => Promise<void>) =>
  db.transaction(async (session) => {
    await session.query(statements.scope, [cast.tenant, cast.role])
    await work(session)
  })

/** The story's claim history (D22): every agent that ever claimed it. */
const claimedBy = (story: Row): ReadonlyArray<unknown> =>
  Array.isArray(story.claimed_by_agent_ids) ? story.claimed_by_agent_ids : []

const claimHistory = (story: Row, agent: string | null) =>
  agent === null || claimedBy(story).includes(agent) ? claimedBy(story) : [...claimedBy(story), agent]

const isAssignee = (story: Row, actor: RawActor) =>
  actor.agent_id !== null &&
  (story.assigned_agent_id === actor.agent_id || claimedBy(story).includes(actor.agent_id))

/** The use cases of one story's walk, in order. */
export const useCases = [
  "contract",
  "claim",
  "start",
  "request-review",
  "report",
  "review-complete",
  "verify",
] as const
export type UseCase = (typeof useCases)[number]

/** Verify's follow-up: once every story of the epic is verified, record `epic.completed` once. */
const completeEpicIfDone = async (session: Session, cast: RawCast, story: Row) => {
  const [epic] = await session.query(statements.lockEpic, [story.epic_id])
  if (epic === undefined) return
  const [tally] = await session.query(statements.epicTally, [story.epic_id])
  const total = Number(tally?.total ?? 0)
  if (total === 0 || Number(tally?.verified ?? 0) !== total) return
  const already = await session.query(statements.auditExists, ["epic", story.epic_id, "completed"])
  if (already.length > 0) return
  const summary = {
    epic_id: epic.id,
    epic_number: epic.number,
    epic_title: epic.title,
    project_id: epic.project_id,
    story_count: total,
  }
  const at = now()
  await appendAudit(
    session,
    cast,
    cast.orchestrator,
    story.project_id,
    { type: "epic", id: epic.id, action: "completed" },
    null,
    summary,
    at,
  )
  await enqueue(session, cast, epic.project_id, { event: "epic.completed", ...summary }, at)
}

/** Each use case as the adapter runs it, one transaction each. */
export const baselineUseCases: {
  readonly [U in UseCase]: (db: RawDatabase, cast: RawCast, storyId: string) => Promise<void>
} = {
  contract: (db, cast, id) =>
    inScope(db, cast, async (session) => {
      const story = await lockStory(session, id)
      if (story.agent_status !== "pending") throw refused(story, "contract")
      await changeStatus(session, cast, cast.implementer, story, { agent_status: "contracted" })
    }),
  claim: (db, cast, id) =>
    inScope(db, cast, async (session) => {
      const story = await lockStory(session, id)
      const prerequisites = await session.query(statements.prerequisites, [story.id, story.epic_id])
      if (story.agent_status !== "contracted") throw refused(story, "claim")
      if (prerequisites.some((p) => p.verified_status !== "verified")) throw refused(story, "claim")
      const at = now()
      await changeStatus(session, cast, cast.implementer, story, {
        agent_status: "assigned",
        assigned_agent_id: cast.implementer.agent_id,
        claimed_by_agent_ids: claimHistory(story, cast.implementer.agent_id),
        assigned_at: at,
      })
    }),
  start: (db, cast, id) =>
    inScope(db, cast, async (session) => {
      const story = await lockStory(session, id)
      if (story.agent_status !== "assigned" || !isAssignee(story, cast.implementer))
        throw refused(story, "start")
      await changeStatus(session, cast, cast.implementer, story, { agent_status: "implementing" })
    }),
  "request-review": (db, cast, id) =>
    inScope(db, cast, async (session) => {
      const story = await lockStory(session, id)
      if (story.agent_status !== "implementing" || !isAssignee(story, cast.implementer))
        throw refused(story, "request-review")
      await enqueue(
        session,
        cast,
        story.project_id,
        { event: "story.review_requested", ...storyRef(story), agent_id: cast.implementer.agent_id },
        now(),
      )
    }),
  report: (db, cast, id) =>
    inScope(db, cast, async (session) => {
      const story = await lockStory(session, id)
      if (story.agent_status !== "implementing" || isAssignee(story, cast.reviewer))
        throw refused(story, "report")
      const at = now()
      await changeStatus(session, cast, cast.reviewer, story, {
        agent_status: "reported_done",
        reported_done_at: at,
        reported_by_agent_id: cast.reviewer.agent_id,
      })
    }),
  "review-complete": (db, cast, id) =>
    inScope(db, cast, async (session) => {
      const story = await lockStory(session, id)
      if (story.agent_status !== "reported_done" || isAssignee(story, cast.reviewer))
        throw refused(story, "review-complete")
      const completedAt = now()
      const at = now()
      await session.query(statements.insertReview, [
        randomUUID(),
        cast.tenant,
        story.id,
        cast.reviewer.agent_id,
        reviewType,
        0,
        0,
        0,
        null,
        completedAt,
        at,
        at,
      ])
      const audited = now()
      await appendAudit(
        session,
        cast,
        cast.reviewer,
        story.project_id,
        { type: "story", id: story.id, action: "review_completed" },
        null,
        {
          reviewer_agent_id: cast.reviewer.agent_id,
          review_type: reviewType,
          findings_count: 0,
          completed_at: completedAt,
        },
        audited,
      )
      await enqueue(
        session,
        cast,
        story.project_id,
        {
          event: "story.review_completed",
          ...storyRef(story),
          reviewer_agent_id: cast.reviewer.agent_id,
          review_type: reviewType,
          findings_count: 0,
        },
        audited,
      )
    }),
  verify: (db, cast, id) =>
    inScope(db, cast, async (session) => {
      const { orchestrator } = cast
      const story = await lockStory(session, id)
      const [review] = await session.query(statements.latestReview, [story.id])
      // The walk reviews after reporting, so the existence of a review is the check that matters.
      if (
        isAssignee(story, orchestrator) ||
        story.agent_status !== "reported_done" ||
        story.verified_status === "verified" ||
        review === undefined ||
        review.latest === null
      )
        throw refused(story, "verify")
      const at = now()
      await updateStory(session, story, {
        verified_status: "verified",
        verified_at: at,
        rejected_at: null,
        rejection_reason: null,
        updated_at: at,
      })
      const [last] = await session.query(statements.lastIteration, [story.id])
      const recorded = now()
      await session.query(statements.insertVerification, [
        randomUUID(),
        cast.tenant,
        story.id,
        orchestrator.agent_id,
        "pass",
        verifySummary,
        "{}",
        reviewType,
        Number(last?.count ?? 0) + 1,
        recorded,
        recorded,
      ])
      const audited = now()
      await appendAudit(
        session,
        cast,
        orchestrator,
        story.project_id,
        { type: "story", id: story.id, action: "verified" },
        { verified_status: story.verified_status },
        {
          verified_status: "verified",
          result: "pass",
          review_type: reviewType,
          orchestrator_agent_id: orchestrator.agent_id,
        },
        audited,
      )
      await enqueue(
        session,
        cast,
        story.project_id,
        {
          event: "story.verified",
          ...storyRef(story),
          orchestrator_agent_id: orchestrator.agent_id,
          summary: verifySummary,
          review_type: reviewType,
        },
        audited,
      )
      await completeEpicIfDone(session, cast, story)
    }),
}

/** What one side left in the database for its epic, read back after its run. */
export interface EpicOutcome {
  readonly stories: number
  readonly verified: number
  readonly review_records: number
  readonly verification_results: number
  readonly audit_entries: number
  readonly epic_completions: number
  readonly outbox_events: number
}

const outcomeQuery = `
  SELECT
    (SELECT count(*)::int FROM stories WHERE epic_id = $1::uuid) AS stories,
    (SELECT count(*)::int FROM stories WHERE epic_id = $1::uuid
       AND agent_status = 'reported_done' AND verified_status = 'verified') AS verified,
    (SELECT count(*)::int FROM review_records r JOIN stories s ON s.id = r.story_id
       WHERE s.epic_id = $1::uuid) AS review_records,
    (SELECT count(*)::int FROM verification_results v JOIN stories s ON s.id = v.story_id
       WHERE s.epic_id = $1::uuid) AS verification_results,
    (SELECT count(*)::int FROM audit_log
       WHERE entity_id = $1::uuid OR entity_id IN (SELECT id FROM stories WHERE epic_id = $1::uuid)) AS audit_entries,
    (SELECT count(*)::int FROM audit_log
       WHERE entity_type = 'epic' AND entity_id = $1::uuid AND action = 'completed') AS epic_completions,
    (SELECT count(*)::int FROM outbox WHERE payload ->> 'epic_id' = $2::text) AS outbox_events`

const countIn = (row: Row | undefined, column: keyof EpicOutcome): number => {
  const value = row?.[column]
  if (typeof value !== "number") throw new Error(`outcome query returned no count for ${column}`)
  return value
}

/** Counts what the walk of an epic wrote, through the same driver, in the tenant's scope. */
export const readOutcome = (db: RawDatabase, cast: RawCast, epicId: string): Promise<EpicOutcome> =>
  db.transaction(async (session) => {
    await session.query(statements.scope, [cast.tenant, cast.role])
    const [row] = await session.query(outcomeQuery, [epicId, epicId])
    return {
      stories: countIn(row, "stories"),
      verified: countIn(row, "verified"),
      review_records: countIn(row, "review_records"),
      verification_results: countIn(row, "verification_results"),
      audit_entries: countIn(row, "audit_entries"),
      epic_completions: countIn(row, "epic_completions"),
      outbox_events: countIn(row, "outbox_events"),
    }
  })
