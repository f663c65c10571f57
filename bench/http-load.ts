/**
 * Load generation for the HTTP benchmarks: autocannon driving a fixed number of requests at a
 * given concurrency, and a bare `node:http` server that answers a fixed JSON body — the baseline
 * that shows what Node alone costs on this machine in the same run.
 */
import { type Server, createServer } from "node:http"
import autocannon from "autocannon"
import { Data, Effect } from "effect"

/** What one load run measured. */
export interface LoadFigures {
  /** Requests per second over the run. */
  readonly rps: number
  /** Median latency, milliseconds. */
  readonly p50: number
  /** 99th-percentile latency, milliseconds. */
  readonly p99: number
  /** Answers that were not 2xx, and transport errors: both must be 0 for the figures to count. */
  readonly non2xx: number
  readonly errors: number
  readonly requests: number
}

/** The load tool failed to run. */
export class LoadFailed extends Data.TaggedError("LoadFailed")<{ readonly message: string }> {}

/** One load run's request: method, a path per request (so each can target its own story), headers. */
export interface LoadPlan {
  readonly origin: string
  readonly method: "GET" | "POST"
  readonly path: () => string
  readonly headers: Readonly<Record<string, string>>
  readonly body?: string
  readonly connections: number
  /** How many requests to send — or, with `seconds`, for how long to send them instead. */
  readonly amount: number
  readonly seconds?: number
}

/**
 * Runs `plan.amount` requests (or as many as fit in `plan.seconds`) with `plan.connections`
 * concurrent clients. autocannon ends an `amount` run on its next one-second tick, so a fast
 * server should be measured by `seconds` (the bare baseline is); a slow one's error is then at
 * most a second of a many-second run.
 */
export const load = (plan: LoadPlan): Effect.Effect<LoadFigures, LoadFailed> =>
  Effect.tryPromise({
    try: async () => {
      // The rate comes from the wall clock around the run (autocannon reports whole seconds).
      const started = performance.now()
      const result = await autocannon({
        url: plan.origin,
        connections: plan.connections,
        ...(plan.seconds === undefined ? { amount: plan.amount } : { duration: plan.seconds }),
        timeout: 30,
        requests: [
          {
            method: plan.method,
            headers: {
              ...plan.headers,
              ...(plan.body === undefined ? {} : { "content-type": "application/json" }),
            },
            ...(plan.body === undefined ? {} : { body: plan.body }),
            setupRequest: (request) => ({ ...request, path: plan.path() }),
          },
        ],
      })
      return { result, seconds: (performance.now() - started) / 1000 }
    },
    catch: (cause) => new LoadFailed({ message: `autocannon: ${String(cause)}` }),
  }).pipe(
    Effect.map(({ result, seconds }) => ({
      rps: result.requests.total / seconds,
      p50: result.latency.p50,
      p99: result.latency.p99,
      non2xx: result.non2xx,
      errors: result.errors + result.timeouts,
      requests: result.requests.total,
    })),
  )

/**
 * A bare `node:http` server on a random port that answers every request with `body` as JSON,
 * after reading the request body (as a real endpoint must). Closed when the scope ends.
 */
export const bareJsonServer = (body: string) =>
  Effect.acquireRelease(
    Effect.async<Server & { readonly origin: string }>((resume) => {
      const server = createServer((request, response) => {
        request.resume()
        request.on("end", () => {
          response.writeHead(200, {
            "content-type": "application/json; charset=utf-8",
            "content-length": Buffer.byteLength(body),
          })
          response.end(body)
        })
      })
      server.listen(0, "127.0.0.1", () => {
        const address = server.address()
        const port = address !== null && typeof address === "object" ? address.port : 0
        resume(Effect.succeed(Object.assign(server, { origin: `http://127.0.0.1:${port}` })))
      })
    }),
    (server) =>
      Effect.async<void>((resume) => {
        server.closeAllConnections()
        server.close(() => resume(Effect.void))
      }),
  )
