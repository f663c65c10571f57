import { createHash } from "node:crypto"
import { describe, expect, it } from "@effect/vitest"
import { Effect, FastCheck } from "effect"
import { Secrets } from "../../src/identity/ports/secrets.js"
import { SecretsWebCrypto, base64Url, hex, utf8Bytes } from "../../src/testing/memory/secrets.js"

/** The hand-written encoders of the WebCrypto adapter agree with the platform's own. */
describe("WebCrypto secrets", () => {
  it.prop("base64url and hex match Buffer's", [FastCheck.uint8Array({ maxLength: 64 })], ([bytes]) => {
    expect(base64Url(bytes)).toBe(Buffer.from(bytes).toString("base64url"))
    expect(hex(bytes)).toBe(Buffer.from(bytes).toString("hex"))
  })

  it.prop(
    "UTF-8 bytes match Buffer's, lone surrogates included",
    [FastCheck.string({ unit: "binary" })],
    ([text]) => {
      expect(Buffer.from(utf8Bytes(text)).equals(Buffer.from(text, "utf8"))).toBe(true)
    },
  )

  it.effect.prop(
    "the hash is node's SHA-256 hex of the same text",
    [FastCheck.string({ unit: "binary" })],
    ([text]) =>
      Effect.gen(function* () {
        const hashed = yield* (yield* Secrets).hashApiKey(text)
        expect(hashed).toBe(createHash("sha256").update(text, "utf8").digest("hex"))
      }).pipe(Effect.provide(SecretsWebCrypto)),
  )
})
