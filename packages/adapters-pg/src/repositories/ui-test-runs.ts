import { SqlClient } from "@effect/sql"
import { UiTestRun, UiTestRuns } from "@loopctl/core"
import { Effect, Layer } from "effect"
import { decodeRows, encodeRow, optional } from "../rows.js"
import { selectPage } from "./paging.js"

const decode = decodeRows(UiTestRun, {
  timestamps: ["started_at", "completed_at", "inserted_at", "updated_at"],
})
const encode = encodeRow(UiTestRun, ["findings"])

/** UI test runs on SQL; findings live in the run's `findings` jsonb array, in the order recorded. */
export const UiTestRunsSql = Layer.effect(
  UiTestRuns,
  Effect.map(SqlClient.SqlClient, (sql) => {
    const many = (statement: Effect.Effect<ReadonlyArray<Readonly<Record<string, unknown>>>, unknown>) =>
      Effect.flatMap(Effect.orDie(statement), decode)
    return UiTestRuns.of({
      insert: (run) => Effect.orDie(sql`INSERT INTO ui_test_runs ${sql.insert(encode(run))}`),
      update: (run) =>
        Effect.orDie(
          sql`UPDATE ui_test_runs SET ${sql.update(encode(run), ["id", "tenant_id"])} WHERE id = ${run.id}`,
        ),
      findById: (id) => optional(many(sql`SELECT * FROM ui_test_runs WHERE id = ${id}`)),
      // The row lock queues concurrent findings of one run; each appends to the other's result.
      findForUpdate: (id) => optional(many(sql`SELECT * FROM ui_test_runs WHERE id = ${id} FOR UPDATE`)),
      listByProject: (project, filter, window) => {
        const where = sql.and([
          sql`project_id = ${project}`,
          ...(filter.status === undefined ? [] : [sql`status = ${filter.status}`]),
        ])
        return selectPage(sql, {
          from: sql`ui_test_runs`,
          where,
          orderBy: sql`started_at DESC, id DESC`,
          window,
          decode,
        })
      },
    })
  }),
)
