/**
 * Counts database round trips the way the wire sees them: a TCP relay between the server under
 * test and Postgres that reads the client's side of the protocol. Every simple `Query` message
 * and every `Sync` (the end of an extended-protocol batch: Parse/Bind/Describe/Execute) is a
 * point where the client waits for the server, so their sum is the number of round trips,
 * whatever driver, pool or Effect layer sits above. Nothing is changed on the way through.
 */
import { type Socket, connect, createServer } from "node:net"
import { Effect } from "effect"

/** A running relay: where to connect instead of Postgres, and its count so far. */
export interface RoundTripCounter {
  /** The DATABASE_URL that goes through the relay. */
  readonly url: string
  /** Round trips since the relay started (or since the last `reset`). */
  readonly count: () => number
  /** The statements sent since the last `reset`, in order (for reading where the trips go). */
  readonly statements: () => ReadonlyArray<string>
  /** Starts counting from zero. */
  readonly reset: () => void
}

/** The first byte of the client messages that make the client wait: `Q` (Query) and `S` (Sync). */
const Query = 0x51
const Sync = 0x53
/** `P` (Parse) carries the text of an extended-protocol statement after its name. */
const Parse = 0x50

/** The NUL-terminated string of `message` that starts at `from`. */
const cString = (message: Buffer, from: number): string => {
  const end = message.indexOf(0, from)
  return message.toString("utf8", from, end === -1 ? message.length : end)
}

/**
 * Reads the client's byte stream message by message. The start-up packet (and an SSL or GSS
 * request before it) has no type byte, only a length; every later message is a type byte and a
 * length that counts itself but not the type byte.
 */
const clientReader = (onWait: () => void, onStatement: (text: string) => void) => {
  let pending: Buffer = Buffer.alloc(0)
  let started = false
  return (chunk: Buffer) => {
    pending = pending.length === 0 ? chunk : Buffer.concat([pending, chunk])
    for (;;) {
      if (!started) {
        if (pending.length < 8) return
        const length = pending.readInt32BE(0)
        if (pending.length < length) return
        const code = pending.readInt32BE(4)
        // 80877103 is SSLRequest, 80877104 GSSENCRequest: the real start-up packet follows.
        if (code !== 80877103 && code !== 80877104) started = true
        pending = pending.subarray(length)
        continue
      }
      if (pending.length < 5) return
      const length = pending.readInt32BE(1)
      if (pending.length < length + 1) return
      const type = pending[0]
      if (type === Query || type === Sync) onWait()
      if (type === Query) onStatement(cString(pending, 5))
      if (type === Parse) onStatement(cString(pending, 5 + Buffer.byteLength(cString(pending, 5)) + 1))
      pending = pending.subarray(length + 1)
    }
  }
}

/** Relays one client connection to Postgres, counting what the client waits for. */
const relay = (client: Socket, target: URL, onWait: () => void, onStatement: (text: string) => void) => {
  const server = connect(Number(target.port || "5432"), target.hostname)
  const read = clientReader(onWait, onStatement)
  client.on("data", (chunk: Buffer) => {
    read(chunk)
    server.write(chunk)
  })
  server.on("data", (chunk: Buffer) => client.write(chunk))
  const close = () => {
    client.destroy()
    server.destroy()
  }
  client.on("close", close)
  server.on("close", close)
  client.on("error", close)
  server.on("error", close)
}

/** A relay in front of the Postgres server of `databaseUrl`, closed when the scope ends. */
export const roundTripCounter = (databaseUrl: string) =>
  Effect.acquireRelease(
    Effect.promise(async () => {
      const target = new URL(databaseUrl)
      let count = 0
      let statements: Array<string> = []
      const listener = createServer((client) =>
        relay(
          client,
          target,
          () => {
            count += 1
          },
          (text) => {
            statements.push(text)
          },
        ),
      )
      await new Promise<void>((resolve) => listener.listen(0, "127.0.0.1", resolve))
      const address = listener.address()
      const port = typeof address === "object" && address !== null ? address.port : 0
      const url = new URL(databaseUrl)
      url.hostname = "127.0.0.1"
      url.port = String(port)
      const counter: RoundTripCounter = {
        url: url.toString(),
        count: () => count,
        statements: () => statements,
        reset: () => {
          count = 0
          statements = []
        },
      }
      return { counter, listener }
    }),
    ({ listener }) =>
      Effect.promise(
        () =>
          new Promise<void>((resolve) => {
            listener.close(() => resolve())
            // Pooled connections stay open until their pool ends; they are the pool's to close.
          }),
      ),
  ).pipe(Effect.map(({ counter }) => counter))
