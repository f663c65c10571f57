import { HttpServerRequest } from "@effect/platform"
import { describe, expect, it, layer } from "@effect/vitest"
import { ConfigProvider, Effect, Either, Layer, Option, Redacted, Schema } from "effect"
import {
  ServerConfig,
  applicationLayer,
  clientAddress,
  httpServerLayer,
  noTrustedProxy,
  parseTrustedProxies,
} from "../../src/index.js"
import { call, read, uniqueSlug } from "../support/identity-support.js"
import { SoftwareAuthenticator } from "../support/software-authenticator.js"
import { collectLogs, pgliteBackend, rootKey } from "../support/support.js"

/**
 * What signup takes from its surroundings: the relying party from configuration
 * (`LOOPCTL_WEBAUTHN_RP_ID`, `LOOPCTL_WEBAUTHN_ORIGIN`) and the client address a request counts
 * against.
 */

const readConfig = (env: Record<string, string>) =>
  Effect.either(Effect.withConfigProvider(ServerConfig, ConfigProvider.fromMap(new Map(Object.entries(env)))))

describe("WebAuthn configuration", () => {
  it.effect("defaults to rp id localhost and the origin of the port the server listens on", () =>
    Effect.gen(function* () {
      const settings = Either.getOrThrow(yield* readConfig({}))
      expect(settings.webauthnRpId).toBe("localhost")
      expect(Option.isNone(settings.webauthnOrigin)).toBe(true)
    }),
  )

  it.effect("reads the rp id and the origin (a trailing slash is dropped)", () =>
    Effect.gen(function* () {
      const settings = Either.getOrThrow(
        yield* readConfig({
          LOOPCTL_WEBAUTHN_RP_ID: "Example.COM",
          LOOPCTL_WEBAUTHN_ORIGIN: "https://loopctl.example.com/",
        }),
      )
      expect(settings.webauthnRpId).toBe("example.com")
      expect(settings.webauthnOrigin).toEqual(Option.some("https://loopctl.example.com"))
    }),
  )

  it.effect(
    "refuses an rp id that is not a domain and an origin that is not one, or not under the rp id",
    () =>
      Effect.gen(function* () {
        for (const env of [
          { LOOPCTL_WEBAUTHN_RP_ID: "https://example.com" },
          { LOOPCTL_WEBAUTHN_RP_ID: "example.com:8443" },
          { LOOPCTL_WEBAUTHN_ORIGIN: "localhost:4000" },
          { LOOPCTL_WEBAUTHN_ORIGIN: "ftp://localhost" },
          { LOOPCTL_WEBAUTHN_ORIGIN: "http://localhost:4000/signup" },
          { LOOPCTL_WEBAUTHN_RP_ID: "example.com", LOOPCTL_WEBAUTHN_ORIGIN: "https://example.org" },
          { LOOPCTL_WEBAUTHN_RP_ID: "example.com", LOOPCTL_WEBAUTHN_ORIGIN: "https://badexample.com" },
        ]) {
          const result = yield* readConfig(env)
          expect(Either.isLeft(result), JSON.stringify(env)).toBe(true)
        }
        const sub = yield* readConfig({
          LOOPCTL_WEBAUTHN_RP_ID: "example.com",
          LOOPCTL_WEBAUTHN_ORIGIN: "https://app.example.com:8443",
        })
        expect(Either.isRight(sub)).toBe(true)
      }),
  )
})

/** A request from `peer` with these headers. */
const requestFrom = (peer: string, headers: Record<string, string> = {}) =>
  HttpServerRequest.fromWeb(
    new Request("http://localhost/signup/options", { method: "POST", headers }),
  ).modify({
    remoteAddress: peer,
  })

/** The proxies `LOOPCTL_TRUST_PROXY` names; a value that does not parse fails the test. */
const trusting = (text: string) => Either.getOrThrow(parseTrustedProxies(text))

describe("the client address of a request (D30)", () => {
  it("is the peer when no proxy is trusted, whatever X-Forwarded-For says, from any peer", () => {
    for (const peer of ["198.51.100.7", "127.0.0.1", "10.0.0.5", "::1"])
      expect(clientAddress(requestFrom(peer, { "x-forwarded-for": "203.0.113.1" }), noTrustedProxy)).toBe(
        peer,
      )
    expect(clientAddress(requestFrom("::ffff:198.51.100.7"), noTrustedProxy)).toBe("198.51.100.7")
  })

  it("behind a trusted proxy is the nearest address in X-Forwarded-For that is not a trusted proxy", () => {
    const loopback = trusting("loopback")
    // The client wrote 203.0.113.1 itself; the proxy appended the address it saw.
    expect(
      clientAddress(requestFrom("127.0.0.1", { "x-forwarded-for": "203.0.113.1, 198.51.100.2" }), loopback),
    ).toBe("198.51.100.2")
    expect(clientAddress(requestFrom("::1", { "x-forwarded-for": "10.1.1.1" }), loopback)).toBe("10.1.1.1")
    expect(clientAddress(requestFrom("127.0.0.1"), loopback)).toBe("127.0.0.1")
    // A peer that is not a trusted proxy is the client, X-Forwarded-For or not.
    expect(clientAddress(requestFrom("10.0.0.5", { "x-forwarded-for": "203.0.113.1" }), loopback)).toBe(
      "10.0.0.5",
    )
    // Two trusted hops (a load balancer in front of a local proxy) are both skipped.
    const chain = trusting("loopback, 10.0.0.0/8")
    expect(
      clientAddress(
        requestFrom("127.0.0.1", { "x-forwarded-for": "192.0.2.9, 198.51.100.2, 10.4.4.4" }),
        chain,
      ),
    ).toBe("198.51.100.2")
    // A hop that is not an address was not written by a proxy: the last proxy stands.
    expect(clientAddress(requestFrom("127.0.0.1", { "x-forwarded-for": "not-an-ip" }), loopback)).toBe(
      "127.0.0.1",
    )
  })

  it("reads LOOPCTL_TRUST_PROXY: loopback, addresses and CIDR ranges; blank trusts nobody", () => {
    const proxies = trusting(" Loopback , 192.0.2.10, 10.0.0.0/8, fd00::/8 ")
    for (const address of [
      "127.0.0.1",
      "127.9.9.9",
      "::1",
      "::ffff:127.0.0.1",
      "192.0.2.10",
      "10.2.3.4",
      "fd12::1",
    ])
      expect(proxies.trusts(address), address).toBe(true)
    for (const address of ["192.0.2.11", "11.0.0.1", "fe80::1", "2001:db8::1", "localhost", ""])
      expect(proxies.trusts(address), address).toBe(false)
    expect(trusting("").trusts("127.0.0.1")).toBe(false)
    for (const text of ["localhost", "10.0.0.0/33", "fd00::/129", "10.0.0.0/8/1", "10.0.0.0/x", "*"])
      expect(Either.isLeft(parseTrustedProxies(text)), text).toBe(true)
  })

  it.effect("is configured from LOOPCTL_TRUST_PROXY, which must parse", () =>
    Effect.gen(function* () {
      const unset = Either.getOrThrow(yield* readConfig({}))
      expect(unset.trustedProxies.trusts("127.0.0.1")).toBe(false)
      const set = Either.getOrThrow(yield* readConfig({ LOOPCTL_TRUST_PROXY: "loopback" }))
      expect(set.trustedProxies.trusts("127.0.0.1")).toBe(true)
      const refused = yield* readConfig({ LOOPCTL_TRUST_PROXY: "the proxy" })
      expect(Either.isLeft(refused)).toBe(true)
      expect(String(Either.flip(refused).pipe(Either.getOrThrow))).toContain("LOOPCTL_TRUST_PROXY")
    }),
  )
})

/** A server whose signup is bound to a configured relying party and origin. */
const configured = httpServerLayer({
  port: 0,
  host: "127.0.0.1",
  webauthn: { rpId: "loopctl.example", origin: Option.some("https://signup.loopctl.example") },
}).pipe(
  Layer.provideMerge(applicationLayer(Option.some(Redacted.make(rootKey)))),
  Layer.provideMerge(pgliteBackend),
  Layer.provide(collectLogs([])),
)

layer(configured, { timeout: 120_000, excludeTestServices: true })(
  "signup with a configured relying party",
  (it) => {
    it.effect("the options name the rp id, and only answers for that rp id and origin verify", () =>
      Effect.gen(function* () {
        const options = yield* call("POST", "/signup/options", { body: {} })
        const { challenge_id, publicKey } = read(
          Schema.Struct({
            challenge_id: Schema.String,
            publicKey: Schema.Struct({ challenge: Schema.String, rp: Schema.Struct({ id: Schema.String }) }),
          }),
          options,
        )
        expect(publicKey.rp.id).toBe("loopctl.example")
        const key = new SoftwareAuthenticator()
        const slug = uniqueSlug("configured")
        const signup = (origin: string, rpId: string) =>
          call("POST", "/signup/complete", {
            body: {
              challenge_id,
              name: "Configured",
              slug,
              email: `root@${slug}.test`,
              authenticators: [{ response: key.register({ challenge: publicKey.challenge, origin, rpId }) }],
            },
          })
        expect((yield* signup("http://localhost:4000", "loopctl.example")).status).toBe(422)
        expect((yield* signup("https://signup.loopctl.example", "localhost")).status).toBe(422)
        expect((yield* signup("https://signup.loopctl.example", "loopctl.example")).status).toBe(201)
      }),
    )
  },
)
