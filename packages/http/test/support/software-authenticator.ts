import { type KeyObject, createHash, generateKeyPairSync, randomBytes, sign } from "node:crypto"

/**
 * A WebAuthn authenticator in software, for black-box signup tests: a P-256 key pair and a
 * credential id, and the registration response a browser would send after
 * `navigator.credentials.create()` — authenticator data with the attested credential, the COSE
 * public key and the attestation object in CBOR, and the client data JSON. It can attest with
 * `none` or `packed` self attestation, and can be told to lie in the ways a test needs.
 */

/** The CBOR values the attestation needs. Maps keep their key order and their key types. */
type Cbor = number | string | Uint8Array | ReadonlyArray<Cbor> | ReadonlyMap<number | string, Cbor>

const head = (major: number, length: number): Uint8Array => {
  if (length < 24) return Uint8Array.of((major << 5) | length)
  if (length < 0x100) return Uint8Array.of((major << 5) | 24, length)
  if (length < 0x10000) return Uint8Array.of((major << 5) | 25, length >> 8, length & 0xff)
  return Uint8Array.of(
    (major << 5) | 26,
    length >>> 24,
    (length >> 16) & 0xff,
    (length >> 8) & 0xff,
    length & 0xff,
  )
}

/** A minimal CBOR encoder (RFC 8949): integers, byte and text strings, arrays, maps. */
export const cbor = (value: Cbor): Uint8Array => {
  if (typeof value === "number") return value >= 0 ? head(0, value) : head(1, -1 - value)
  if (typeof value === "string") {
    const bytes = Buffer.from(value, "utf8")
    return Buffer.concat([head(3, bytes.length), bytes])
  }
  if (value instanceof Uint8Array) return Buffer.concat([head(2, value.length), value])
  if (value instanceof Map) {
    const parts: Array<Uint8Array> = [head(5, value.size)]
    for (const [key, item] of value) parts.push(cbor(key), cbor(item))
    return Buffer.concat(parts)
  }
  const items: ReadonlyArray<Cbor> = Array.isArray(value) ? value : []
  return Buffer.concat([head(4, items.length), ...items.map(cbor)])
}

const sha256 = (data: Uint8Array): Buffer => createHash("sha256").update(data).digest()

const base64url = (data: Uint8Array): string => Buffer.from(data).toString("base64url")

/** How a registration should come out. */
export interface RegistrationOptions {
  /** The `challenge` of the creation options (base64url), as the browser copies it into client data. */
  readonly challenge: string
  readonly origin: string
  readonly rpId: string
  /** `none` (the default) or `packed` self attestation. */
  readonly format?: "none" | "packed"
  /** `signature`: a packed signature over the wrong bytes; `garbled`: an attestation object that is not CBOR. */
  readonly tamper?: "signature" | "garbled"
  /** `webauthn.create` unless a test says otherwise. */
  readonly type?: string
}

/** The JSON of a registration response, as the signup page sends it. */
export interface RegistrationResponse {
  readonly id: string
  readonly rawId: string
  readonly type: "public-key"
  readonly response: { readonly clientDataJSON: string; readonly attestationObject: string }
  readonly clientExtensionResults: Readonly<Record<string, unknown>>
}

/** One authenticator: a P-256 credential with a random id. */
export class SoftwareAuthenticator {
  readonly credentialId: Uint8Array = randomBytes(32)
  readonly #privateKey: KeyObject
  readonly #cosePublicKey: Uint8Array
  #signCount = 0

  constructor() {
    const { privateKey, publicKey } = generateKeyPairSync("ec", { namedCurve: "P-256" })
    this.#privateKey = privateKey
    const jwk = publicKey.export({ format: "jwk" })
    const coordinate = (value: string | undefined) => Buffer.from(value ?? "", "base64url")
    // COSE_Key: kty EC2 (2), alg ES256 (-7), crv P-256 (1), x, y.
    this.#cosePublicKey = cbor(
      new Map<number, Cbor>([
        [1, 2],
        [3, -7],
        [-1, 1],
        [-2, coordinate(jwk.x)],
        [-3, coordinate(jwk.y)],
      ]),
    )
  }

  /** The credential id as the server stores it (base64url). */
  get id(): string {
    return base64url(this.credentialId)
  }

  /** The first 16 hex digits of SHA-256 of the credential id: its fingerprint in the audit trail. */
  get fingerprint(): string {
    return sha256(this.credentialId).toString("hex").slice(0, 16)
  }

  /** A registration response for `options`, as `navigator.credentials.create()` would make it. */
  register(options: RegistrationOptions): RegistrationResponse {
    const clientDataJSON = Buffer.from(
      JSON.stringify({
        type: options.type ?? "webauthn.create",
        challenge: options.challenge,
        origin: options.origin,
        crossOrigin: false,
      }),
      "utf8",
    )
    this.#signCount += 1
    const counter = Buffer.alloc(4)
    counter.writeUInt32BE(this.#signCount)
    const idLength = Buffer.alloc(2)
    idLength.writeUInt16BE(this.credentialId.length)
    const authData = Buffer.concat([
      sha256(Buffer.from(options.rpId, "utf8")),
      // User present (0x01), user verified (0x04), attested credential data included (0x40).
      Uint8Array.of(0x45),
      counter,
      Buffer.alloc(16), // AAGUID: all zeros, as a self-attesting software key has none.
      idLength,
      this.credentialId,
      this.#cosePublicKey,
    ])
    const format = options.format ?? "none"
    const signed = Buffer.concat([authData, sha256(clientDataJSON)])
    const attStmt =
      format === "none"
        ? new Map<string, Cbor>()
        : new Map<string, Cbor>([
            ["alg", -7],
            [
              "sig",
              sign(
                "sha256",
                options.tamper === "signature" ? Buffer.concat([signed, Uint8Array.of(1)]) : signed,
                this.#privateKey,
              ),
            ],
          ])
    const attestationObject =
      options.tamper === "garbled"
        ? randomBytes(96)
        : cbor(
            new Map<string, Cbor>([
              ["fmt", format],
              ["attStmt", attStmt],
              ["authData", authData],
            ]),
          )
    return {
      id: this.id,
      rawId: this.id,
      type: "public-key",
      response: {
        clientDataJSON: base64url(clientDataJSON),
        attestationObject: base64url(attestationObject),
      },
      clientExtensionResults: {},
    }
  }
}
