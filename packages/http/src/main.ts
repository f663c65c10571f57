#!/usr/bin/env node
/**
 * `loopctl-server`: the loopctl HTTP API on the database chosen by the environment (Postgres when
 * `DATABASE_URL` is set, else embedded PGlite in `LOOPCTL_DATA_DIR`). Logs are JSON lines on
 * stdout; a start-up failure is one line on stderr and exit code 1. SIGTERM/SIGINT stop it
 * gracefully: no new connections, requests in flight finish, then the database closes.
 */
import { HttpServer } from "@effect/platform"
import { NodeRuntime } from "@effect/platform-node"
import { DatabaseLive } from "@loopctl/adapters-pg"
import { Unauthorized } from "@loopctl/core"
import { Effect, Layer, Logger, Option } from "effect"
import { ServerConfig } from "./config.js"
import { httpServerLayer } from "./server.js"
import { describeStartFailure } from "./start-failure.js"

/**
 * Until API keys are stored (the Access use case), no key is valid: authenticated endpoints
 * answer 401 and public ones work.
 */
const noKeysYet = () => Effect.fail(new Unauthorized({ message: "Invalid API key" }))

const program = Effect.gen(function* () {
  const settings = yield* ServerConfig
  if (settings.encryptionKeyIsDevDefault)
    yield* Effect.logWarning(
      "LOOPCTL_ENCRYPTION_KEY is not set: using the PUBLIC development key. Secrets sealed with it are NOT protected. " +
        "Set LOOPCTL_ENCRYPTION_KEY to 32 random bytes in base64 (openssl rand -base64 32) before storing real data.",
    )
  if (Option.isSome(settings.superadminKey))
    yield* Effect.logWarning(
      "LOOPCTL_SUPERADMIN_KEY is set, but superadmin bootstrap is not built yet: the key is not usable.",
    )
  const server = httpServerLayer({ port: settings.port, host: settings.host, authenticate: noKeysYet }).pipe(
    HttpServer.withLogAddress,
    Layer.provide(DatabaseLive),
  )
  return yield* Layer.launch(server)
})

program.pipe(
  Effect.tapErrorCause((cause) =>
    Option.match(describeStartFailure(cause), {
      onNone: () => Effect.void,
      onSome: (line) => Effect.sync(() => console.error(`loopctl-server: ${line}`)),
    }),
  ),
  Effect.provide(Logger.json),
  NodeRuntime.runMain({ disableErrorReporting: true, disablePrettyLogger: true }),
)
