import { Effect, Layer } from "effect"
import { Secrets, apiKeyScheme } from "../../identity/ports/secrets.js"

/**
 * Secrets from the WebCrypto global (`globalThis.crypto`), which browsers, Deno, Bun and Node
 * (18+) all provide. Core is compiled without the DOM library, so the global is reached through
 * a small runtime check instead of its declared type.
 */

/** The part of WebCrypto this adapter uses. */
interface WebCrypto {
  readonly getRandomValues: (array: Uint8Array) => Uint8Array
  readonly subtle: { readonly digest: (algorithm: string, data: Uint8Array) => Promise<ArrayBuffer> }
}

const isFunction = (value: unknown): boolean => typeof value === "function"

const isWebCrypto = (value: unknown): value is WebCrypto => {
  if (typeof value !== "object" || value === null) return false
  const subtle: unknown = Reflect.get(value, "subtle")
  return (
    isFunction(Reflect.get(value, "getRandomValues")) &&
    typeof subtle === "object" &&
    subtle !== null &&
    isFunction(Reflect.get(subtle, "digest"))
  )
}

/** The platform's WebCrypto, or a defect naming what is missing. */
export const webCrypto: Effect.Effect<WebCrypto> = Effect.suspend(() => {
  const candidate: unknown = Reflect.get(globalThis, "crypto")
  return isWebCrypto(candidate)
    ? Effect.succeed(candidate)
    : Effect.dieMessage(
        "WebCrypto (globalThis.crypto with getRandomValues and subtle.digest) is not available",
      )
})

const base64UrlAlphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"

/** Base64url without padding (RFC 4648 §5), written out because core has no Buffer or btoa. */
export const base64Url = (bytes: Uint8Array): string => {
  let text = ""
  for (let i = 0; i < bytes.length; i += 3) {
    const chunk = ((bytes[i] ?? 0) << 16) | ((bytes[i + 1] ?? 0) << 8) | (bytes[i + 2] ?? 0)
    const left = bytes.length - i
    text += base64UrlAlphabet.charAt((chunk >> 18) & 63) + base64UrlAlphabet.charAt((chunk >> 12) & 63)
    if (left > 1) text += base64UrlAlphabet.charAt((chunk >> 6) & 63)
    if (left > 2) text += base64UrlAlphabet.charAt(chunk & 63)
  }
  return text
}

/** Lowercase hex of some bytes. */
export const hex = (bytes: Uint8Array): string =>
  Array.from(bytes, (byte) => byte.toString(16).padStart(2, "0")).join("")

/** The UTF-8 bytes of a string; a lone surrogate becomes U+FFFD, as TextEncoder does. */
export const utf8Bytes = (text: string): Uint8Array => {
  const out: Array<number> = []
  for (const char of text) {
    let code = char.codePointAt(0) ?? 0xfffd
    if (code >= 0xd800 && code <= 0xdfff) code = 0xfffd
    if (code < 0x80) out.push(code)
    else if (code < 0x800) out.push(0xc0 | (code >> 6), 0x80 | (code & 63))
    else if (code < 0x10000) out.push(0xe0 | (code >> 12), 0x80 | ((code >> 6) & 63), 0x80 | (code & 63))
    else
      out.push(0xf0 | (code >> 18), 0x80 | ((code >> 12) & 63), 0x80 | ((code >> 6) & 63), 0x80 | (code & 63))
  }
  return Uint8Array.from(out)
}

/** The lowercase hex SHA-256 of some bytes, on WebCrypto. */
const sha256Hex = (bytes: Uint8Array) =>
  Effect.flatMap(webCrypto, (crypto) =>
    Effect.map(
      Effect.promise(() => crypto.subtle.digest("SHA-256", bytes)),
      (digest) => hex(new Uint8Array(digest)),
    ),
  )

/** Secrets on WebCrypto: random keys from `getRandomValues`, SHA-256 from `subtle.digest`. */
export const SecretsWebCrypto = Layer.succeed(
  Secrets,
  Secrets.of({
    generateApiKey: Effect.flatMap(webCrypto, (crypto) =>
      Effect.sync(() => `${apiKeyScheme}${base64Url(crypto.getRandomValues(new Uint8Array(30)))}`),
    ),
    hashApiKey: (rawKey) => sha256Hex(utf8Bytes(rawKey)),
    sha256Hex,
  }),
)
