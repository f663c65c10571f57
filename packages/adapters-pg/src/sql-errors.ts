import type { SqlError } from "@effect/sql/SqlError"
import { codeOf } from "./errors.js"

/**
 * Reading driver errors the same way on both drivers: pg and PGlite both attach the server's
 * SQLSTATE (`code`) and the violated constraint's name (`constraint`) to the error they throw,
 * which `SqlError` keeps as its cause. Repositories use this to turn a unique violation into the
 * core's DuplicateKey.
 */

/** The SQLSTATE of a failed statement (e.g. `23505` for a unique violation), if the server sent one. */
export const sqlState = (error: SqlError): string | undefined => codeOf(error.cause)

/** The name of the constraint a failed statement violated, if any. */
export const violatedConstraint = (error: SqlError): string | undefined => {
  const cause = error.cause
  return typeof cause === "object" &&
    cause !== null &&
    "constraint" in cause &&
    typeof cause.constraint === "string"
    ? cause.constraint
    : undefined
}

/**
 * SQLSTATEs of a transaction the server gave up on because of concurrent ones, after which the
 * whole transaction can simply run again: `40P01` (chosen as a deadlock's victim) and `40001`
 * (a serialization failure).
 */
const transactionConflictStates: ReadonlySet<string> = new Set(["40P01", "40001"])

/** Whether the server aborted the statement's transaction for a deadlock or a serialization failure. */
export const isTransactionConflict = (error: SqlError): boolean =>
  transactionConflictStates.has(sqlState(error) ?? "")

/** Whether the statement broke a unique key (the named one, when `constraint` is given). */
export const isUniqueViolation = (error: SqlError, constraint?: string): boolean =>
  sqlState(error) === "23505" && (constraint === undefined || violatedConstraint(error) === constraint)

/**
 * SQLSTATEs of a server that is going away or refusing connections: the class `08` (connection
 * exceptions), `57P01`/`57P02` (the backend was terminated or crashed), `57P03` (not accepting
 * connections yet) and `53300` (too many connections).
 */
const connectionLostStates: ReadonlySet<string> = new Set(["57P01", "57P02", "57P03", "53300"])

/** Socket errors of a database that cannot be reached. */
const unreachableCodes: ReadonlySet<string> = new Set([
  "ECONNREFUSED",
  "ECONNRESET",
  "EPIPE",
  "ETIMEDOUT",
  "EHOSTUNREACH",
  "ENETUNREACH",
  "ENOTFOUND",
  "EAI_AGAIN",
])

/**
 * pg reports a connection that ended under it, or a connect that timed out, without a code; its
 * messages are the only sign.
 */
const lostConnectionMessage =
  /connection terminated|connection timeout|timeout exceeded when trying to connect|not queryable/i

/**
 * Whether the statement failed because the database could not be reached or dropped the
 * connection — nothing the request did, and worth retrying later — rather than because of the
 * statement itself.
 */
export const isConnectionLost = (error: SqlError): boolean => {
  const code = sqlState(error)
  if (
    code !== undefined &&
    (code.startsWith("08") || connectionLostStates.has(code) || unreachableCodes.has(code))
  )
    return true
  const cause = error.cause
  return cause instanceof Error && lostConnectionMessage.test(cause.message)
}
