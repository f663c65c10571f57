import { BlockList, isIP } from "node:net"
import type { HttpServerRequest } from "@effect/platform"
import { Context, Either, Option } from "effect"

/**
 * The address a request comes from, for per-address limits (signup, failed authentications)
 * and the request log (D30). It is the peer of the connection. Only when that peer is a reverse
 * proxy named in `LOOPCTL_TRUST_PROXY` is `X-Forwarded-For` read: each trusted proxy appends
 * the address it saw, so the list is read from the right, past the trusted proxies, and the
 * first address that is not one is the client. Anything further left was written by the client
 * itself and is never believed. With no proxy configured, a client cannot choose its address.
 */

/** `::ffff:10.0.0.1` and `10.0.0.1` are one address. */
const normalise = (address: string): string => {
  const trimmed = address.trim()
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(trimmed)
  return (mapped?.[1] ?? trimmed).toLowerCase()
}

const familyOf = (address: string): "ipv4" | "ipv6" | undefined => {
  switch (isIP(address)) {
    case 4:
      return "ipv4"
    case 6:
      return "ipv6"
    default:
      return undefined
  }
}

/** The reverse proxies whose `X-Forwarded-For` is believed (`LOOPCTL_TRUST_PROXY`). */
export interface TrustedProxies {
  /** Whether a connection from `address` comes from a trusted proxy. */
  readonly trusts: (address: string) => boolean
  /** What was configured, for the start-up log; "none" when nothing is trusted. */
  readonly description: string
}

/** No proxy is trusted: the peer of the connection is always the client (the default). */
export const noTrustedProxy: TrustedProxies = { trusts: () => false, description: "none" }

/** The peers {@link clientAddress} takes `X-Forwarded-For` from; nobody unless configured. */
export class ClientAddressPolicy extends Context.Reference<ClientAddressPolicy>()(
  "@loopctl/http/ClientAddressPolicy",
  { defaultValue: () => noTrustedProxy },
) {}

/** Adds one `LOOPCTL_TRUST_PROXY` entry to `list`, or says why it is not one. */
const addEntry = (list: BlockList, entry: string): string | undefined => {
  if (entry === "loopback") {
    list.addSubnet("127.0.0.0", 8, "ipv4")
    list.addAddress("::1", "ipv6")
    return undefined
  }
  const [address = "", prefix, ...rest] = entry.split("/")
  const family = familyOf(normalise(address))
  if (family === undefined || rest.length > 0) return `"${entry}" is not an IP address or a CIDR range`
  if (prefix === undefined) {
    list.addAddress(normalise(address), family)
    return undefined
  }
  const bits = Number(prefix)
  const max = family === "ipv4" ? 32 : 128
  if (!/^\d{1,3}$/.test(prefix) || bits > max) return `"${entry}" has a prefix length that is not 0..${max}`
  list.addSubnet(normalise(address), bits, family)
  return undefined
}

/**
 * Reads `LOOPCTL_TRUST_PROXY`: a comma-separated list of `loopback` (127.0.0.0/8 and ::1), IP
 * addresses and CIDR ranges (`10.0.0.0/8`, `fd00::/8`). Blank means no proxy is trusted.
 */
export const parseTrustedProxies = (text: string): Either.Either<TrustedProxies, string> => {
  const entries = text
    .split(",")
    .map((entry) => entry.trim().toLowerCase())
    .filter((entry) => entry !== "")
  if (entries.length === 0) return Either.right(noTrustedProxy)
  const list = new BlockList()
  for (const entry of entries) {
    const problem = addEntry(list, entry)
    if (problem !== undefined)
      return Either.left(`${problem}; expected "loopback" or addresses and CIDR ranges, comma-separated`)
  }
  return Either.right({
    trusts: (address) => {
      const normalised = normalise(address)
      const family = familyOf(normalised)
      return family !== undefined && list.check(normalised, family)
    },
    description: entries.join(","),
  })
}

/** The client address of a request, as described above; `unknown` when the peer is not known. */
export const clientAddress = (
  request: HttpServerRequest.HttpServerRequest,
  proxies: TrustedProxies,
): string => {
  const peer = normalise(Option.getOrElse(request.remoteAddress, () => "unknown"))
  const forwarded = request.headers["x-forwarded-for"]
  if (forwarded === undefined || !proxies.trusts(peer)) return peer
  let client = peer
  for (const hop of forwarded.split(",").map(normalise).reverse()) {
    // A hop that is no address was not written by a proxy; the last one that wrote stands.
    if (familyOf(hop) === undefined) return client
    client = hop
    if (!proxies.trusts(hop)) return hop
  }
  return client
}
