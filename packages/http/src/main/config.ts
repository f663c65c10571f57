import { Rules, type TenantSettingMaxima, defaultTenantSettingMaxima } from "@loopctl/core"
import { Config, ConfigError, Either, Option, Redacted } from "effect"
import { type TrustedProxies, parseTrustedProxies } from "../edge/client-address.js"

/**
 * The server's configuration, read from the environment through Effect `Config` and checked at
 * start-up. The database settings (`DATABASE_URL`, `LOOPCTL_DATA_DIR`) are read by the database
 * layer of `@loopctl/adapters-pg`.
 */
export interface ServerSettings {
  /** `PORT`, default 4000 (0 picks a free port). */
  readonly port: number
  /** `HOST`, default `0.0.0.0`. */
  readonly host: string
  /** `LOOPCTL_ENCRYPTION_KEY`: 32 bytes (base64) sealing webhook secrets; a public dev key when unset. */
  readonly encryptionKey: Redacted.Redacted<Uint8Array>
  /** Whether {@link encryptionKey} is the public development key. */
  readonly encryptionKeyIsDevDefault: boolean
  /** `LOOPCTL_SUPERADMIN_KEY`: when set, a superadmin key with exactly this value is ensured at start-up. */
  readonly superadminKey: Option.Option<Redacted.Redacted<string>>
  /** `LOOPCTL_WEBAUTHN_RP_ID`, default `localhost`: the domain signup's authenticators are bound to. */
  readonly webauthnRpId: string
  /**
   * `LOOPCTL_WEBAUTHN_ORIGIN`: the exact origin (`scheme://host[:port]`) browsers open `/signup` at.
   * None means `http://localhost:<PORT>`, with the port the server actually listens on.
   */
  readonly webauthnOrigin: Option.Option<string>
  /**
   * `LOOPCTL_TRUST_PROXY`: the reverse proxies whose `X-Forwarded-For` is believed (D30): `loopback`,
   * IP addresses and CIDR ranges, comma-separated. Unset: none, the connection's peer is the client.
   */
  readonly trustedProxies: TrustedProxies
  /** `LOOPCTL_AUTH_FAILURES_PER_MINUTE`, default 30: refused keys per client address per minute before 429. */
  readonly authFailuresPerMinute: number
  /**
   * `LOOPCTL_MAX_RATE_LIMIT_PER_MINUTE` (default 10000) and `LOOPCTL_MAX_PROJECTS_PER_TENANT`
   * (default 1000): the highest `rate_limit_requests_per_minute` and `max_projects` a tenant may
   * set for itself.
   */
  readonly tenantMaxima: TenantSettingMaxima
}

/**
 * The development encryption key: 32 bytes anyone can read here, so what it seals is not
 * protected. It exists so `pnpm start` works with nothing set; the server warns when it is used.
 */
const devEncryptionKey = Buffer.from("loopctl-development-key-not-secr", "utf8")

/** A base64 (or base64url) text that decodes to exactly 32 bytes. */
const decodeKey = (text: string): Either.Either<Uint8Array, string> => {
  if (!/^[A-Za-z0-9+/_-]+={0,2}$/.test(text)) return Either.left("is not base64")
  const bytes = Buffer.from(text, /[-_]/.test(text) ? "base64url" : "base64")
  return bytes.length === 32
    ? Either.right(Uint8Array.from(bytes))
    : Either.left(`decodes to ${bytes.length} bytes, not 32`)
}

const encryptionKey = Config.option(Config.redacted("LOOPCTL_ENCRYPTION_KEY")).pipe(
  Config.mapOrFail((value) => {
    const text = Option.match(value, { onNone: () => "", onSome: Redacted.value }).trim()
    if (text === "") return Either.right({ key: Uint8Array.from(devEncryptionKey), isDevDefault: true })
    return Either.match(decodeKey(text), {
      onLeft: (why) =>
        Either.left(
          ConfigError.InvalidData(
            ["LOOPCTL_ENCRYPTION_KEY"],
            `${why}; expected 32 random bytes in base64, e.g. from \`openssl rand -base64 32\``,
          ),
        ),
      onRight: (key) => Either.right({ key, isDevDefault: false }),
    })
  }),
)

/** A relying party id is a bare domain: no scheme, port or path (an IP address is not accepted by browsers). */
const rpIdPattern = /^[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*$/

const webauthnRpId = Config.string("LOOPCTL_WEBAUTHN_RP_ID").pipe(
  Config.withDefault("localhost"),
  Config.map((rpId) => rpId.trim().toLowerCase()),
  Config.validate({
    message: "Expected a domain name such as localhost or loopctl.example.com (no scheme, port or path)",
    validation: (rpId) => rpIdPattern.test(rpId),
  }),
)

/** An origin is `scheme://host[:port]` and nothing more; browsers send it exactly so. */
const originOf = (text: string): Either.Either<string, string> => {
  try {
    const url = new URL(text)
    if (url.protocol !== "https:" && url.protocol !== "http:")
      return Either.left("must start with https:// or http://")
    if (url.origin !== text.replace(/\/$/, ""))
      return Either.left(`must be an origin only, e.g. ${url.origin}`)
    return Either.right(url.origin)
  } catch {
    return Either.left("is not a URL")
  }
}

const webauthnOrigin = Config.option(Config.string("LOOPCTL_WEBAUTHN_ORIGIN")).pipe(
  Config.mapOrFail((value) => {
    const text = Option.getOrElse(value, () => "").trim()
    if (text === "") return Either.right(Option.none<string>())
    return Either.match(originOf(text), {
      onLeft: (why) => Either.left(ConfigError.InvalidData(["LOOPCTL_WEBAUTHN_ORIGIN"], why)),
      onRight: (origin) => Either.right(Option.some(origin)),
    })
  }),
)

/** The origin's host must be the relying party's domain or under it, or no browser will enroll. */
const checkRelyingParty = (
  rpId: string,
  origin: Option.Option<string>,
): Either.Either<void, ConfigError.ConfigError> => {
  if (Option.isNone(origin)) return Either.void
  const host = new URL(origin.value).hostname
  return host === rpId || host.endsWith(`.${rpId}`)
    ? Either.void
    : Either.left(
        ConfigError.InvalidData(
          ["LOOPCTL_WEBAUTHN_ORIGIN"],
          `the host ${host} is not LOOPCTL_WEBAUTHN_RP_ID (${rpId}) or a subdomain of it`,
        ),
      )
}

const trustedProxies = Config.string("LOOPCTL_TRUST_PROXY").pipe(
  Config.withDefault(""),
  Config.mapOrFail((text) =>
    Either.mapLeft(parseTrustedProxies(text), (why) => ConfigError.InvalidData(["LOOPCTL_TRUST_PROXY"], why)),
  ),
)

/** A whole number from `name` in `min..max`, else `fallback` when unset. */
const boundedInteger = (name: string, min: number, max: number, fallback: number) =>
  Config.integer(name).pipe(
    Config.validate({
      message: `Expected a whole number from ${min} to ${max}`,
      validation: (value) => value >= min && value <= max,
    }),
    Config.withDefault(fallback),
  )

const tenantMaxima: Config.Config<TenantSettingMaxima> = Config.all({
  // The tenant setting itself is bounded by 1..100000, so a higher ceiling would mean nothing.
  rate_limit_requests_per_minute: boundedInteger(
    "LOOPCTL_MAX_RATE_LIMIT_PER_MINUTE",
    1,
    100_000,
    defaultTenantSettingMaxima.rate_limit_requests_per_minute,
  ),
  max_projects: boundedInteger(
    "LOOPCTL_MAX_PROJECTS_PER_TENANT",
    1,
    1_000_000,
    defaultTenantSettingMaxima.max_projects,
  ),
})

/** {@link ServerSettings} from the environment. */
export const ServerConfig: Config.Config<ServerSettings> = Config.all({
  // Config.port refuses 0, which asks the system for a free port.
  port: Config.integer("PORT").pipe(
    Config.validate({
      message: "Expected a network port value (0 to 65535)",
      validation: (port) => port >= 0 && port <= 65_535,
    }),
    Config.withDefault(4000),
  ),
  host: Config.string("HOST").pipe(Config.withDefault("0.0.0.0")),
  encryptionKey,
  superadminKey: Config.option(Config.redacted("LOOPCTL_SUPERADMIN_KEY")).pipe(
    Config.map(Option.filter((key) => Redacted.value(key).trim() !== "")),
  ),
  webauthnRpId,
  webauthnOrigin,
  trustedProxies,
  authFailuresPerMinute: boundedInteger(
    "LOOPCTL_AUTH_FAILURES_PER_MINUTE",
    1,
    1_000_000,
    Rules.RateLimit.defaultAuthFailuresPerMinute,
  ),
  tenantMaxima,
}).pipe(
  Config.mapOrFail((settings) =>
    Either.map(checkRelyingParty(settings.webauthnRpId, settings.webauthnOrigin), () => settings),
  ),
  Config.map(({ encryptionKey, ...settings }) => ({
    ...settings,
    encryptionKey: Redacted.make(encryptionKey.key),
    encryptionKeyIsDevDefault: encryptionKey.isDevDefault,
  })),
)
