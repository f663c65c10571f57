import { Schema } from "effect"

/**
 * Why the database could not be made ready at start-up. Each message is one line that names what
 * to fix, so a bin can print `error.message` and exit without a stack trace.
 */

/** The database configuration is unusable: a malformed `DATABASE_URL`, an unusable data directory. */
export class DatabaseConfigError extends Schema.TaggedError<DatabaseConfigError>()("DatabaseConfigError", {
  message: Schema.String,
}) {}

/** The database could not be reached or opened. */
export class DatabaseUnavailable extends Schema.TaggedError<DatabaseUnavailable>()("DatabaseUnavailable", {
  message: Schema.String,
}) {}

/** D31: another live process holds the embedded data directory (its lock file names the PID). */
export class DataDirectoryInUse extends Schema.TaggedError<DataDirectoryInUse>()("DataDirectoryInUse", {
  message: Schema.String,
  /** The directory, as an absolute path. */
  directory: Schema.String,
  /** The process that holds it. */
  pid: Schema.Number,
}) {}

/**
 * The queries would not be held by row-level security: they would run as a superuser or a
 * BYPASSRLS role, the connection user cannot switch to the app role, or a table lacks its policy.
 */
export class UnsafeDatabaseRole extends Schema.TaggedError<UnsafeDatabaseRole>()("UnsafeDatabaseRole", {
  message: Schema.String,
}) {}

/** A migration could not be applied, or an applied one was edited afterwards. */
export class MigrationFailed extends Schema.TaggedError<MigrationFailed>()("MigrationFailed", {
  message: Schema.String,
}) {}

/** Everything that can stop the database layer from starting. */
export type DatabaseStartupError =
  | DatabaseConfigError
  | DatabaseUnavailable
  | DataDirectoryInUse
  | UnsafeDatabaseRole
  | MigrationFailed

/** The message of an unknown failure cause, on one line (driver errors can span several). */
export const causeMessage = (cause: unknown): string => {
  const text =
    cause instanceof Error
      ? cause.message || codeOf(cause) || cause.name
      : typeof cause === "string"
        ? cause
        : String(cause)
  return text.replace(/\s+/g, " ").trim()
}

/** The SQLSTATE or errno code carried by a driver error, if any. */
export const codeOf = (cause: unknown): string | undefined =>
  typeof cause === "object" && cause !== null && "code" in cause && typeof cause.code === "string"
    ? cause.code
    : undefined
