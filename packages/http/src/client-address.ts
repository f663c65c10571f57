import { isIP } from "node:net"
import type { HttpServerRequest } from "@effect/platform"
import { Option } from "effect"

/**
 * The address a request comes from, for per-address limits (signup, D10). It is the peer of the
 * connection, unless that peer is a loopback or private address — a reverse proxy on the same
 * host or network — and the request carries `X-Forwarded-For`: then it is the nearest address in
 * that list that is public, the one the proxy saw. A client talking to the server directly
 * cannot choose its address this way, because its own public address is the peer.
 */

/** `::ffff:10.0.0.1` and `10.0.0.1` are one address. */
const normalise = (address: string): string => {
  const trimmed = address.trim()
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(trimmed)
  return (mapped?.[1] ?? trimmed).toLowerCase()
}

const ipv4Internal = (address: string): boolean => {
  const [a = -1, b = -1] = address.split(".").map(Number)
  return (
    a === 127 ||
    a === 10 ||
    (a === 172 && b >= 16 && b <= 31) ||
    (a === 192 && b === 168) ||
    (a === 169 && b === 254) ||
    a === 0
  )
}

const ipv6Internal = (address: string): boolean =>
  address === "::1" || address === "::" || /^f[cd]/.test(address) || /^fe[89ab]/.test(address)

/** Whether an address belongs to this host or a private network (where proxies live). */
export const isInternalAddress = (address: string): boolean => {
  switch (isIP(address)) {
    case 4:
      return ipv4Internal(address)
    case 6:
      return ipv6Internal(address)
    default:
      return false
  }
}

/** The client address of a request, as described above; `unknown` when the peer is not known. */
export const clientAddress = (request: HttpServerRequest.HttpServerRequest): string => {
  const peer = normalise(Option.getOrElse(request.remoteAddress, () => "unknown"))
  const forwarded = request.headers["x-forwarded-for"]
  if (!isInternalAddress(peer) || forwarded === undefined) return peer
  const hops = forwarded
    .split(",")
    .map(normalise)
    .filter((hop) => isIP(hop) !== 0)
  return [...hops].reverse().find((hop) => !isInternalAddress(hop)) ?? peer
}
