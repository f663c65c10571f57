import { createHash, randomBytes } from "node:crypto"
import { Secrets, apiKeyScheme } from "@loopctl/core"
import { Effect, Layer } from "effect"

/** Secrets on node:crypto: keys from the system's CSPRNG, SHA-256 hex hashes. */
export const SecretsNode = Layer.succeed(
  Secrets,
  Secrets.of({
    generateApiKey: Effect.sync(() => `${apiKeyScheme}${randomBytes(30).toString("base64url")}`),
    hashApiKey: (rawKey) => Effect.sync(() => createHash("sha256").update(rawKey, "utf8").digest("hex")),
    sha256Hex: (bytes) => Effect.sync(() => createHash("sha256").update(bytes).digest("hex")),
  }),
)
