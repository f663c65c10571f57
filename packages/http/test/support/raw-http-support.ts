import { connect } from "node:net"
import { HttpServer } from "@effect/platform"
import { Effect } from "effect"

/**
 * Requests that `fetch` refuses to send (TRACE, CONNECT, methods Node's parser does not know,
 * header bytes it would not allow), written as bytes on a socket of their own.
 */

/** What the server wrote back, read until it closed the connection. */
export interface RawAnswer {
  readonly status: number
  /** Header names lower-cased. */
  readonly headers: Readonly<Record<string, string>>
  readonly text: string
  /** The body parsed as JSON, or undefined when it is not JSON. */
  readonly body: unknown
}

const parseJson = (text: string): unknown => {
  try {
    return JSON.parse(text)
  } catch {
    return undefined
  }
}

const parseAnswer = (raw: string): RawAnswer => {
  const end = raw.indexOf("\r\n\r\n")
  const head = end < 0 ? raw : raw.slice(0, end)
  const text = end < 0 ? "" : raw.slice(end + 4)
  const [statusLine = "", ...lines] = head.split("\r\n")
  const headers: Record<string, string> = {}
  for (const line of lines) {
    const colon = line.indexOf(":")
    if (colon > 0) headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim()
  }
  return { status: Number(statusLine.split(" ")[1] ?? "0"), headers, text, body: parseJson(text) }
}

/**
 * Writes `head` (the request line and headers, without the blank line that ends them) to the
 * server, asking it to close the connection after answering, and reads the answer.
 */
export const rawRequest = (head: string): Effect.Effect<RawAnswer, never, HttpServer.HttpServer> =>
  Effect.flatMap(HttpServer.HttpServer, (server) =>
    Effect.promise(
      () =>
        new Promise<RawAnswer>((resolve, reject) => {
          const port = server.address._tag === "TcpAddress" ? server.address.port : 0
          const socket = connect({ host: "127.0.0.1", port })
          const chunks: Array<Buffer> = []
          socket.on("data", (chunk) => chunks.push(chunk))
          socket.on("end", () => resolve(parseAnswer(Buffer.concat(chunks).toString("latin1"))))
          socket.on("error", reject)
          socket.write(Buffer.from(`${head}\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n`, "latin1"))
        }),
    ),
  )
