import type { HttpServerError } from "@effect/platform"
import { type DatabaseStartupError, causeMessage, codeOf, describeStartupError } from "@loopctl/adapters-pg"
import { Cause, type ConfigError, Option } from "effect"
import type { UsageError } from "./command-line.js"

/** Everything that can stop the server (or one of its commands) from starting. */
export type StartFailure =
  | ConfigError.ConfigError
  | DatabaseStartupError
  | HttpServerError.ServeError
  | UsageError

const isDatabaseError = (error: StartFailure): error is DatabaseStartupError =>
  error._tag === "DatabaseConfigError" ||
  error._tag === "DatabaseUnavailable" ||
  error._tag === "DataDirectoryInUse" ||
  error._tag === "UnsafeDatabaseRole" ||
  error._tag === "MigrationFailed"

const listenProblems: Readonly<Record<string, string>> = {
  EADDRINUSE: "the address is already in use (set PORT or HOST)",
  EACCES: "permission denied (use a port above 1023)",
  EADDRNOTAVAIL: "the address is not available on this machine (check HOST)",
}

const describeFailure = (error: StartFailure): string => {
  if (error._tag === "UsageError") return error.message
  if (error._tag === "ServeError") {
    const code = codeOf(error.cause)
    return `cannot listen: ${(code && listenProblems[code]) ?? causeMessage(error.cause)}`
  }
  if (isDatabaseError(error)) return describeStartupError(error)
  return `invalid configuration: ${String(error).replace(/\s+/g, " ")}`
}

/**
 * The one line to print when the server stops with `cause`: what failed and what to fix.
 * `None` for a plain interruption (SIGINT/SIGTERM), which is a normal stop.
 */
export const describeStartFailure = (cause: Cause.Cause<StartFailure>): Option.Option<string> => {
  if (Cause.isInterruptedOnly(cause)) return Option.none()
  return Option.some(
    Option.match(Cause.failureOption(cause), {
      onSome: describeFailure,
      onNone: () => `unexpected failure: ${causeMessage(Cause.squash(cause))}`,
    }),
  )
}
