import type { Server } from "node:http"
import type { Duplex } from "node:stream"

/**
 * Requests Node answers before the application sees them, answered in the error envelope
 * instead of a bare status line or a dropped connection: CONNECT (no tunnels here, D28), methods
 * Node's parser does not know (405, D28), and requests it cannot parse — a NUL or another
 * control character in a header (D25), a malformed request line, oversized headers.
 */

/** A complete HTTP/1.1 answer with a JSON error envelope, closing the connection. */
const envelopeResponse = (status: number, reason: string, message: string): string => {
  const body = JSON.stringify({ error: { status, message } })
  return [
    `HTTP/1.1 ${status} ${reason}`,
    "Content-Type: application/json",
    `Content-Length: ${Buffer.byteLength(body)}`,
    "Connection: close",
    "",
    body,
  ].join("\r\n")
}

/** What a parser error answers, by its llhttp code (Node's own defaults otherwise). */
const answerFor = (code: string | undefined): string => {
  switch (code) {
    case "HPE_INVALID_METHOD":
      return envelopeResponse(405, "Method Not Allowed", "Method not allowed")
    case "HPE_HEADER_OVERFLOW":
      return envelopeResponse(431, "Request Header Fields Too Large", "Request header fields too large")
    case "ERR_HTTP_REQUEST_TIMEOUT":
      return envelopeResponse(408, "Request Timeout", "Request timeout")
    default:
      return envelopeResponse(400, "Bad Request", "Bad request")
  }
}

const codeOf = (error: Error): string | undefined =>
  "code" in error && typeof error.code === "string" ? error.code : undefined

/** Adds the answers to `server`; call once, before it listens. */
export const answerUnparsedRequests = (server: Server): void => {
  server.on("connect", (_request, socket: Duplex) => {
    socket.end(envelopeResponse(405, "Method Not Allowed", "Method not allowed"))
  })
  server.on("clientError", (error: Error, socket: Duplex) => {
    // A connection the client reset, or one that already carries an answer, gets nothing more.
    if (codeOf(error) === "ECONNRESET" || !socket.writable) {
      socket.destroy()
      return
    }
    socket.end(answerFor(codeOf(error)))
  })
}
