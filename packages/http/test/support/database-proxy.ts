import { type Server, type Socket, connect, createServer } from "node:net"
import { Context, Effect, Layer } from "effect"

/**
 * A TCP relay between the server under test and Postgres that a test can cut and restore, so the
 * server sees its database go away (refused connections, pooled connections reset) and come back,
 * as it would when the database host fails.
 */
export class DatabaseProxy extends Context.Tag("test/DatabaseProxy")<
  DatabaseProxy,
  {
    /** `target`'s URL with the host and port of the relay. */
    readonly url: string
    /** Drops every relayed connection and refuses new ones. */
    readonly cut: Effect.Effect<void>
    /** Accepts connections again, on the same port. */
    readonly restore: Effect.Effect<void>
  }
>() {}

const listen = (server: Server, port: number) =>
  Effect.async<number>((resume) => {
    server.listen(port, "127.0.0.1", () => {
      const address = server.address()
      resume(Effect.succeed(typeof address === "object" && address !== null ? address.port : port))
    })
  })

const close = (server: Server, sockets: Set<Socket>) =>
  Effect.async<void>((resume) => {
    for (const socket of sockets) socket.destroy()
    sockets.clear()
    if (!server.listening) return resume(Effect.void)
    server.close(() => resume(Effect.void))
  })

/** A relay to the Postgres server of `target` (a postgres:// URL), up until the layer is released. */
export const databaseProxy = (target: string): Layer.Layer<DatabaseProxy> =>
  Layer.scoped(
    DatabaseProxy,
    Effect.gen(function* () {
      const upstream = new URL(target)
      const sockets = new Set<Socket>()
      const track = (socket: Socket) => {
        sockets.add(socket)
        socket.on("close", () => sockets.delete(socket))
        socket.on("error", () => socket.destroy())
      }
      const server = createServer((client) => {
        const database = connect(Number(upstream.port || 5432), upstream.hostname)
        track(client)
        track(database)
        client.pipe(database).pipe(client)
        client.on("close", () => database.destroy())
        database.on("close", () => client.destroy())
      })
      const port = yield* Effect.acquireRelease(listen(server, 0), () => close(server, sockets))
      const url = new URL(target)
      url.hostname = "127.0.0.1"
      url.port = String(port)
      return DatabaseProxy.of({
        url: url.toString(),
        cut: close(server, sockets),
        restore: Effect.asVoid(listen(server, port)),
      })
    }),
  )
