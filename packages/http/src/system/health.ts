import * as SqlClient from "@effect/sql/SqlClient"
import type { CheckState, HealthChecks } from "@loopctl/api"
import { Effect } from "effect"

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
 * Every check of `GET /health`, by the name it is reported under, run together. The server is
 * healthy when each says "ok". A new part (the background worker, once it exists) adds its
 * check here and its name to `HealthChecks`.
 */
export const healthChecks: Effect.Effect<HealthChecks, never, SqlClient.SqlClient> = Effect.all(
  { database: databaseCheck },
  { concurrency: "unbounded" },
)

/** Whether every check passed. */
export const isHealthy = (checks: HealthChecks): boolean =>
  Object.values(checks).every((state) => state === "ok")
