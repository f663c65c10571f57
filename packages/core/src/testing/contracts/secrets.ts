import { Effect } from "effect"
import { Secrets, keyPrefixOf } from "../../identity/ports/secrets.js"
import { type ContractSuite, contractCase, expectEqual, expectTrue } from "./contract.js"

/** The Secrets port: the key format, and SHA-256 as lowercase hex of a key's UTF-8 bytes or of raw bytes. */
export const secretsContract: ContractSuite<Secrets> = {
  port: "Secrets",
  cases: [
    contractCase(
      "generateApiKey makes lc_ keys of 40 url-safe characters, never the same twice",
      Effect.gen(function* () {
        const secrets = yield* Secrets
        const made = yield* Effect.all(Array.from({ length: 50 }, () => secrets.generateApiKey))
        for (const key of made)
          yield* expectTrue(
            /^lc_[A-Za-z0-9_-]{40}$/.test(key),
            `a generated key has the wrong form: ${key.length}`,
          )
        yield* expectEqual(new Set(made).size, made.length, "distinct keys")
        const first = made[0] ?? ""
        yield* expectEqual(keyPrefixOf(first), first.slice(0, 8), "prefix")
      }),
    ),
    contractCase(
      "hashApiKey is the lowercase hex SHA-256 of the UTF-8 bytes",
      Effect.gen(function* () {
        const secrets = yield* Secrets
        const vectors: ReadonlyArray<readonly [string, string]> = [
          ["", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"],
          ["abc", "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"],
          ["Grüße, 世界 ✓ 🚀", "aa1d325f12c9898a98863b552828ad2e9530f0b1454aa13e8b84c88368896eee"],
          [
            "lc_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
            "847d1a2577e3948ebb25e50f448b751d0a4d9bdce89b36c058ec01df61b9303b",
          ],
        ]
        for (const [input, digest] of vectors)
          yield* expectEqual(yield* secrets.hashApiKey(input), digest, `SHA-256 of ${JSON.stringify(input)}`)
        const key = yield* secrets.generateApiKey
        yield* expectEqual(yield* secrets.hashApiKey(key), yield* secrets.hashApiKey(key), "a stable hash")
      }),
    ),
    contractCase(
      "sha256Hex is the lowercase hex SHA-256 of the bytes themselves",
      Effect.gen(function* () {
        const secrets = yield* Secrets
        const vectors: ReadonlyArray<readonly [Uint8Array, string]> = [
          [new Uint8Array(0), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"],
          [
            Uint8Array.from([0x61, 0x62, 0x63]),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad",
          ],
          // Every byte value once: bytes that are not valid UTF-8 must be hashed as they are.
          [
            Uint8Array.from({ length: 256 }, (_, i) => i),
            "40aff2e9d2d8922e47afd4648e6967497158785fbd1da870e7110266bf944880",
          ],
        ]
        for (const [input, digest] of vectors)
          yield* expectEqual(yield* secrets.sha256Hex(input), digest, `SHA-256 of ${input.length} bytes`)
      }),
    ),
  ],
}
