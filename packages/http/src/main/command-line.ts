import { Data, Either } from "effect"

/** What `loopctl-server` was asked to do. */
export type Command =
  | { readonly _tag: "Serve" }
  | { readonly _tag: "CreateSuperadmin"; readonly name: string }

/** Command-line arguments that name no command. */
export class UsageError extends Data.TaggedError("UsageError")<{ readonly message: string }> {}

/** How to call `loopctl-server`. */
export const usage = "usage: loopctl-server [create-superadmin [--name <name>]]"

const defaultSuperadminName = "superadmin"

/**
 * Reads the arguments after the program name: none serves the API; `create-superadmin` with an
 * optional `--name <name>` (or `--name=<name>`) prints a new superadmin key once.
 */
export const parseCommand = (args: ReadonlyArray<string>): Either.Either<Command, UsageError> => {
  const [command, ...rest] = args
  if (command === undefined) return Either.right({ _tag: "Serve" })
  if (command !== "create-superadmin")
    return Either.left(new UsageError({ message: `unknown command "${command}"; ${usage}` }))
  if (rest.length === 0) return Either.right({ _tag: "CreateSuperadmin", name: defaultSuperadminName })
  const [flag, value, ...extra] = rest
  const inline = flag?.startsWith("--name=") ? flag.slice("--name=".length) : undefined
  if (inline !== undefined && value === undefined)
    return Either.right({ _tag: "CreateSuperadmin", name: inline })
  if (flag === "--name" && value !== undefined && extra.length === 0)
    return Either.right({ _tag: "CreateSuperadmin", name: value })
  return Either.left(new UsageError({ message: usage }))
}
