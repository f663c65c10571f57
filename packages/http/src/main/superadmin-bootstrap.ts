import { Access } from "@loopctl/core"
import { ConfigError, Effect, Layer, Option, Redacted } from "effect"

/**
 * D8 at start-up: when `LOOPCTL_SUPERADMIN_KEY` is set, a usable superadmin key with exactly that
 * value exists (stored hashed) before the server takes requests. A value the core refuses (too
 * short, whitespace, a tenant key's value) stops the start as a configuration error.
 */
export const superadminBootstrap = (
  superadminKey: Option.Option<Redacted.Redacted<string>>,
): Layer.Layer<never, ConfigError.ConfigError, Access> =>
  Layer.effectDiscard(
    Option.match(superadminKey, {
      onNone: () => Effect.void,
      onSome: (key) =>
        Effect.gen(function* () {
          const access = yield* Access
          const { api_key, created } = yield* access
            .bootstrapSuperadmin(Redacted.value(key))
            .pipe(
              Effect.mapError((refused) =>
                ConfigError.InvalidData(["LOOPCTL_SUPERADMIN_KEY"], refused.message),
              ),
            )
          yield* Effect.logInfo(
            created
              ? "superadmin key from LOOPCTL_SUPERADMIN_KEY created"
              : "superadmin key from LOOPCTL_SUPERADMIN_KEY is ready",
          ).pipe(Effect.annotateLogs({ api_key_id: api_key.id }))
        }),
    }),
  )
