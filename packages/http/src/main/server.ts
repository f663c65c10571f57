import { type Server, createServer } from "node:http"
import { type HttpApi, HttpApiBuilder, HttpServer } from "@effect/platform"
import { NodeHttpServer } from "@effect/platform-node"
import { LoopctlApi } from "@loopctl/api"
import { Duration, Effect, Layer } from "effect"
import { AuditLive } from "../audit/audit.js"
import { ApiMiddlewareLive } from "../edge/api-middleware.js"
import { AuthFailureLimit } from "../edge/auth-failure-limit.js"
import { AuthenticationLive } from "../edge/authentication-live.js"
import { ClientAddressPolicy, type TrustedProxies } from "../edge/client-address.js"
import { requestEdge } from "../edge/request-edge.js"
import { answerUnparsedRequests } from "../edge/unparsed-requests.js"
import { IdentityLive } from "../identity/identity.js"
import { SignupRateLimitLive } from "../identity/signup-limit.js"
import { SignupLive } from "../identity/signup.js"
import { type WebAuthnOptions, defaultWebAuthnOptions, webAuthnSettingsLayer } from "../identity/webauthn.js"
import { SystemLive } from "../system/system.js"
import { DependenciesLive } from "../work/dependencies.js"
import { EpicsLive } from "../work/epics.js"
import { ImportExportLive } from "../work/import-export.js"
import { ProjectsLive } from "../work/projects.js"
import { StoriesLive } from "../work/stories.js"
import { OrchestratorStateLive } from "../workflow/orchestrator-state.js"
import { StoryWorkflowLive } from "../workflow/story-workflow.js"
import { UiTestRunsLive } from "../workflow/ui-test-runs.js"

/** Where and how to listen. */
export interface ListenOptions {
  /** The port to listen on; 0 picks a free one (read it from `HttpServer.HttpServer`). */
  readonly port: number
  readonly host: string
  /** How long shutdown waits for requests in flight before closing their connections (default 10 s). */
  readonly shutdownGrace?: Duration.DurationInput
}

/** Where the loopctl server listens, and the relying party its signup ceremony is bound to. */
export interface HttpServerOptions extends ListenOptions {
  /** Default: rp id `localhost`, origin `http://localhost:<the port it listens on>`. */
  readonly webauthn?: WebAuthnOptions
  /** The proxies whose `X-Forwarded-For` is believed (D30). Default: none. */
  readonly trustedProxies?: TrustedProxies
  /** Failed authentications per client address per minute before they are 429. Default: 30. */
  readonly authFailuresPerMinute?: number
}

/** The request-edge settings of `options`, for whatever the server runs; unset ones keep their defaults. */
const edgeSettings = (options: HttpServerOptions) =>
  Layer.mergeAll(
    options.trustedProxies === undefined
      ? Layer.empty
      : Layer.succeed(ClientAddressPolicy, options.trustedProxies),
    options.authFailuresPerMinute === undefined
      ? Layer.empty
      : Layer.succeed(AuthFailureLimit, { perMinute: options.authFailuresPerMinute }),
  )

/**
 * On shutdown the Node server stops accepting and waits for open connections; this bounds the
 * wait: idle keep-alive connections close at once, busy ones after `grace`.
 */
const shutdownDeadline = (server: Server, grace: Duration.DurationInput) =>
  Layer.scopedDiscard(
    Effect.zipRight(
      HttpServer.HttpServer,
      Effect.addFinalizer(() =>
        Effect.sync(() => {
          server.closeIdleConnections()
          setTimeout(() => server.closeAllConnections(), Duration.toMillis(grace)).unref()
        }),
      ),
    ),
  )

/**
 * Serves an API (the layer from `HttpApiBuilder.api` with its handlers) on Node with the server's
 * middleware: request ids, request logs, body reading and the error envelope for every failure.
 * It outputs the running `HttpServer` (for its address).
 */
export const serveApi = <E, R>(api: Layer.Layer<HttpApi.Api, E, R>, options: ListenOptions) => {
  const server = createServer()
  answerUnparsedRequests(server)
  const listening = NodeHttpServer.layer(() => server, { port: options.port, host: options.host })
  return HttpApiBuilder.serve(requestEdge).pipe(
    Layer.provide(ApiMiddlewareLive),
    Layer.provide(api),
    Layer.merge(shutdownDeadline(server, options.shutdownGrace ?? Duration.seconds(10))),
    Layer.provideMerge(listening),
  )
}

/**
 * {@link LoopctlApi} with its handlers and the authentication middleware. It needs the core's use
 * cases (`Access`, `Signup`, …), an `Authenticator`, the `RateLimits` port, the database
 * (`SqlClient`) and the signup's `WebAuthnSettings`.
 */
export const loopctlApiLayer = HttpApiBuilder.api(LoopctlApi).pipe(
  Layer.provide(SystemLive),
  Layer.provide(SignupLive),
  Layer.provide(SignupRateLimitLive),
  Layer.provide(IdentityLive),
  Layer.provide(AuditLive),
  Layer.provide(ProjectsLive),
  Layer.provide(EpicsLive),
  Layer.provide(StoriesLive),
  Layer.provide(DependenciesLive),
  Layer.provide(ImportExportLive),
  Layer.provide(OrchestratorStateLive),
  Layer.provide(UiTestRunsLive),
  Layer.provide(StoryWorkflowLive),
  Layer.provide(AuthenticationLive(LoopctlApi)),
)

/**
 * The loopctl HTTP server on Node: {@link LoopctlApi} with its middleware, listening on
 * `port`/`host`. It needs what {@link loopctlApiLayer} needs; `applicationLayer` provides it.
 */
export const httpServerLayer = (options: HttpServerOptions) =>
  serveApi(
    loopctlApiLayer.pipe(Layer.provide(webAuthnSettingsLayer(options.webauthn ?? defaultWebAuthnOptions))),
    options,
  ).pipe(Layer.provide(edgeSettings(options)))
