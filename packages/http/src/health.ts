import * as SqlClient from "@effect/sql/SqlClient"
import { Effect } from "effect"
import type { CheckState } from "./api/system.js"

/**
 * The checks behind `GET /health`. The database check runs `SELECT 1` through the application's
 * own connection (pool), with a 5 second limit.
 */
export const databaseCheck: Effect.Effect<CheckState, never, SqlClient.SqlClient> = Effect.flatMap(
  SqlClient.SqlClient,
  (sql) =>
    sql`SELECT 1`.pipe(
      Effect.timeout("5 seconds"),
      Effect.as("ok" as const),
      Effect.catchAllCause((cause) =>
        Effect.as(Effect.logWarning("health check: database unreachable", cause), "error" as const),
      ),
    ),
)

/**
 * The background worker does not exist yet, so its check says so rather than pretending: it
 * reports "not running" and does not count against the overall status.
 */
export const workerCheck: Effect.Effect<CheckState> = Effect.succeed("not running")
