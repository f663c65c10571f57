#!/usr/bin/env node
/**
 * `loopctl-server`: the loopctl HTTP API on the database chosen by the environment (Postgres when
 * `DATABASE_URL` is set, else embedded PGlite in `LOOPCTL_DATA_DIR`). Logs are JSON lines on
 * stdout; a start-up failure is one line on stderr and exit code 1. SIGTERM/SIGINT stop it
 * gracefully: no new connections, requests in flight finish, then the database closes.
 *
 * `loopctl-server create-superadmin [--name <name>]` stores a new superadmin key and prints it
 * once (logs go to stderr then, so stdout holds only the key).
 */
import { HttpServer } from "@effect/platform"
import { NodeRuntime } from "@effect/platform-node"
import { DatabaseLive } from "@loopctl/adapters-pg"
import { Effect, Layer, Logger, Option } from "effect"
import { applicationLayer } from "./application.js"
import { parseCommand } from "./command-line.js"
import { ServerConfig } from "./config.js"
import { createSuperadmin } from "./create-superadmin.js"
import { httpServerLayer } from "./server.js"
import { type StartFailure, describeStartFailure } from "./start-failure.js"

const serve = Effect.gen(function* () {
  const settings = yield* ServerConfig
  if (settings.encryptionKeyIsDevDefault)
    yield* Effect.logWarning(
      "LOOPCTL_ENCRYPTION_KEY is not set: using the PUBLIC development key. Secrets sealed with it are NOT protected. " +
        "Set LOOPCTL_ENCRYPTION_KEY to 32 random bytes in base64 (openssl rand -base64 32) before storing real data.",
    )
  const server = httpServerLayer({
    port: settings.port,
    host: settings.host,
    webauthn: { rpId: settings.webauthnRpId, origin: settings.webauthnOrigin },
    trustedProxies: settings.trustedProxies,
    authFailuresPerMinute: settings.authFailuresPerMinute,
  }).pipe(
    HttpServer.withLogAddress,
    Layer.provide(applicationLayer(settings.superadminKey, settings.tenantMaxima)),
    Layer.provide(DatabaseLive),
  )
  return yield* Layer.launch(server)
}).pipe(Effect.provide(Logger.json))

const createSuperadminKey = (name: string) =>
  createSuperadmin(name).pipe(
    Effect.provide(applicationLayer(Option.none()).pipe(Layer.provide(DatabaseLive))),
    Effect.provide(Logger.replace(Logger.defaultLogger, Logger.withConsoleError(Logger.jsonLogger))),
  )

const program = Effect.flatMap(
  parseCommand(process.argv.slice(2)),
  (command): Effect.Effect<void, StartFailure> =>
    command._tag === "Serve" ? serve : createSuperadminKey(command.name),
)

program.pipe(
  Effect.tapErrorCause((cause) =>
    Option.match(describeStartFailure(cause), {
      onNone: () => Effect.void,
      onSome: (line) => Effect.sync(() => console.error(`loopctl-server: ${line}`)),
    }),
  ),
  NodeRuntime.runMain({ disableErrorReporting: true, disablePrettyLogger: true }),
)
