import { Context, type Effect } from "effect"

/**
 * Key material. A port because randomness and hashing come from the platform (WebCrypto,
 * node:crypto); core only decides what a key looks like and that only its hash is kept.
 */
export class Secrets extends Context.Tag("@loopctl/core/Secrets")<
  Secrets,
  {
    /** A fresh raw API key: `lc_` followed by 40 url-safe characters (30 random bytes, base64url). */
    readonly generateApiKey: Effect.Effect<string>
    /** The lowercase hex SHA-256 of a raw key (of its UTF-8 bytes): how keys are stored and found. */
    readonly hashApiKey: (rawKey: string) => Effect.Effect<string>
    /** The lowercase hex SHA-256 of some bytes (e.g. a WebAuthn credential id, for its fingerprint). */
    readonly sha256Hex: (bytes: Uint8Array) => Effect.Effect<string>
  }
>() {}

/** How a raw key starts. */
export const apiKeyScheme = "lc_"

/** The part of a raw key kept in clear so people can tell keys apart: its first 8 characters. */
export const keyPrefixOf = (rawKey: string): string => rawKey.slice(0, 8)
