import { randomUUID } from "node:crypto"
import { Ids } from "@loopctl/core"
import { Effect, Layer } from "effect"

/** Ids from the platform's cryptographic generator: API-facing ids must not be guessable. */
export const IdsCrypto = Layer.succeed(Ids, Ids.of({ uuid: Effect.sync(() => randomUUID()) }))
