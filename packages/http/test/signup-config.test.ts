import { HttpServerRequest } from "@effect/platform"
import { describe, expect, it, layer } from "@effect/vitest"
import { ConfigProvider, Effect, Either, Layer, Option, Redacted, Schema } from "effect"
import {
  ServerConfig,
  applicationLayer,
  clientAddress,
  httpServerLayer,
  isInternalAddress,
} from "../src/index.js"
import { call, read, uniqueSlug } from "./identity-support.js"
import { SoftwareAuthenticator } from "./software-authenticator.js"
import { collectLogs, pgliteBackend, rootKey } from "./support.js"

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

describe("the client address of a request", () => {
  it("is the peer when the peer is public, whatever X-Forwarded-For says", () => {
    expect(clientAddress(requestFrom("198.51.100.7", { "x-forwarded-for": "203.0.113.1" }))).toBe(
      "198.51.100.7",
    )
    expect(clientAddress(requestFrom("::ffff:198.51.100.7"))).toBe("198.51.100.7")
  })

  it("behind a local proxy is the nearest public address of X-Forwarded-For", () => {
    expect(clientAddress(requestFrom("127.0.0.1", { "x-forwarded-for": "203.0.113.1, 198.51.100.2" }))).toBe(
      "198.51.100.2",
    )
    expect(
      clientAddress(requestFrom("10.0.0.5", { "x-forwarded-for": "198.51.100.2, 192.168.1.4, not-an-ip" })),
    ).toBe("198.51.100.2")
    expect(clientAddress(requestFrom("::1", { "x-forwarded-for": "10.1.1.1" }))).toBe("::1")
    expect(clientAddress(requestFrom("127.0.0.1"))).toBe("127.0.0.1")
  })

  it("knows which addresses are internal", () => {
    for (const address of [
      "127.0.0.1",
      "10.2.3.4",
      "172.16.0.1",
      "172.31.255.255",
      "192.168.0.1",
      "::1",
      "fd00::1",
      "fe80::1",
    ])
      expect(isInternalAddress(address), address).toBe(true)
    for (const address of ["172.32.0.1", "8.8.8.8", "203.0.113.9", "2001:db8::1", "localhost", ""])
      expect(isInternalAddress(address), address).toBe(false)
  })
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
