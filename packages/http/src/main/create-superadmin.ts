import { Access, type ValidationFailed } from "@loopctl/core"
import { Console, Effect } from "effect"
import { UsageError } from "./command-line.js"

/** The core's refusal of a name, as a command-line error. */
const refusedName = (refused: ValidationFailed): UsageError => {
  const why = refused.details?.name?.[0]
  return new UsageError({ message: why === undefined ? refused.message : `--name ${why}` })
}

/**
 * `loopctl-server create-superadmin`: stores a new superadmin key (hashed) and prints its raw value
 * once, alone on stdout so a script can capture it; what it is goes to stderr.
 */
export const createSuperadmin = (name: string): Effect.Effect<void, UsageError, Access> =>
  Effect.gen(function* () {
    const access = yield* Access
    const key = yield* Effect.mapError(access.createSuperadminKey(name), refusedName)
    yield* Console.log(key.raw_key)
    yield* Console.error(
      `loopctl-server: created superadmin key "${key.name}" (id ${key.id}). It is shown only this once: store it now.`,
    )
  })
